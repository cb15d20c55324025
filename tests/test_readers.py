import pytest

from toolkit.errors import InputFileError
from toolkit.io.readers import read_table

from .helpers import HEADER, person, write_csv, write_xlsx


def test_utf8_with_and_without_bom_read_alike(tmp_path):
    rows = [person(name="Zoë Ødegaard")]
    plain = read_table(write_csv(tmp_path / "a.csv", rows, encoding="utf-8"))
    bom = read_table(write_csv(tmp_path / "b.csv", rows, encoding="utf-8-sig"))
    assert plain.headers == bom.headers == HEADER
    assert plain.data.iloc[0, 0] == bom.data.iloc[0, 0] == "Zoë Ødegaard"
    assert plain.notices == bom.notices == []


def test_utf16_is_detected_by_its_bom(tmp_path):
    table = read_table(write_csv(tmp_path / "u16.csv", [person(name="Łucja")], encoding="utf-16"))
    assert table.data.iloc[0, 0] == "Łucja"


def test_windows_1252_is_read_with_a_notice(tmp_path):
    table = read_table(write_csv(tmp_path / "w.csv", [person(name="José")], encoding="cp1252"))
    assert table.data.iloc[0, 0] == "José"
    assert "Windows-1252" in table.notices[0]


def test_undecodable_bytes_are_refused_clearly(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Name,Email\n\x81\x8d\x8f,x@example.org\n")
    with pytest.raises(InputFileError, match=r"neither UTF-8 nor Windows-1252.*CSV UTF-8"):
        read_table(path)


def test_binary_and_legacy_excel_files_are_refused(tmp_path):
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"Name\x00Email\n")
    with pytest.raises(InputFileError, match="not a text file"):
        read_table(nul)
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(InputFileError, match=r"old-style Excel \.xls.*save it as \.xlsx"):
        read_table(xls)


def test_corrupt_xlsx_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 20)
    with pytest.raises(InputFileError, match=r"broken\.xlsx.*cannot be opened"):
        read_table(path)


@pytest.mark.parametrize("content", [b"", b"   \n\n", b",,,\n,,\n"])
def test_empty_files_are_refused(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=r"empty|no rows"):
        read_table(path)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        read_table(tmp_path / "nowhere.csv")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_other_separators_are_recognised(tmp_path, sep):
    table = read_table(write_csv(tmp_path / "s.csv", [person()], sep=sep))
    assert table.headers == HEADER
    assert table.data.iloc[0, 1] == "ada@example.org"


def test_row_numbers_are_those_a_spreadsheet_shows(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        'Name,Email\r\nAda,a@example.org\r\n,\r\n"Bo\nChen",b@example.org\r\nCy,c@example.org\r\n',
        encoding="utf-8")
    table = read_table(path)
    # The blank record (row 3) is skipped; the quoted line break stays inside row 4.
    assert table.rows.tolist() == [2, 4, 5]
    assert table.data["Name"].tolist() == ["Ada", "Bo\nChen", "Cy"]


def test_qualtrics_extra_header_rows_are_skipped(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,Q1,Q2\n"
        "Start Date,What is your name?,Your e-mail\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n'
        "2026-09-01,Ada,a@example.org\n", encoding="utf-8")
    table = read_table(path)
    assert table.rows.tolist() == [4]
    assert table.question_text["Q1"] == "What is your name?"
    assert "Qualtrics" in table.notices[0]


def test_xlsx_first_sheet_or_a_named_one(tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [person()], sheet="Form1",
                      extra_sheets=[("Other", [["Name", "Email"], ["Bo", "bo@example.org"]])])
    assert read_table(path).data.iloc[0, 1] == "ada@example.org"
    assert read_table(path, sheet="Other").data.iloc[0, 1] == "bo@example.org"
    with pytest.raises(InputFileError, match=r"no sheet named 'Nope'.*\['Form1', 'Other'\]"):
        read_table(path, sheet="Nope")


def test_xlsx_numbers_read_as_plain_text(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", [person(capacity=2)])
    assert read_table(path).data["Capacity"].iloc[0] == "2"


def test_blank_and_repeated_headers_get_unique_names(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("Name,,Name\nAda,x,y\n", encoding="utf-8")
    assert read_table(path).headers == ["Name", "Column 2", "Name (2)"]
