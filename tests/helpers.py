"""Small builders shared by tests: write CSV/XLSX exports from rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEADER = ["Name", "Email", "Department", "Grade", "Role", "Line manager email", "Capacity",
          "Topics", "Meeting mode", "Gender", "Mentor gender preference"]


def person(name="Ada Byron", email="ada@example.org", dept="Maths", grade="Grade 10",
           role="mentor", manager="", capacity="", topics="", mode="", gender="", pref=""):
    return [name, email, dept, grade, role, manager, capacity, topics, mode, gender, pref]


def write_csv(path: Path, rows, header=HEADER, encoding="utf-8", sep=",") -> Path:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows, header=HEADER, sheet="Sheet1", extra_sheets=()) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    for name, content in extra_sheets:
        other = book.create_sheet(name)
        for row in content:
            other.append(row)
    book.save(path)
    return path
