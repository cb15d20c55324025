"""Finding the columns of an export: which header holds each field the toolkit needs.

Form tools write their own question text as headers. Each importer names its fields and the
usual spellings of their headers; :func:`find_columns` recognises them whatever their case,
spaces and punctuation, and a column mapping (a JSON file, or the notebook's dropdowns) says
where the rest are.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.core.text import fold_key
from toolkit.errors import InputFileError, SettingsError
from toolkit.io.settings import read_settings

__all__ = ["find_columns", "read_mapping"]


def read_mapping(source: str | Path | dict[str, str] | None) -> dict[str, str]:
    """Read a column mapping: a JSON object from field name to the export's header.

    Parameters
    ----------
    source : str, Path, dict or None
        The mapping file, or the mapping itself; None gives an empty mapping.

    Raises
    ------
    SettingsError
        If the file cannot be read or is not one object from field name to header text.

    Examples
    --------
    >>> read_mapping({"email": "Your work e-mail"})
    {'email': 'Your work e-mail'}
    """
    data = read_settings(source, "column mapping",
                         example='{"email": "Your work e-mail", "department": "Which '
                         'department are you in?"}')
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise SettingsError(
            f"The column mapping {'' if isinstance(source, dict) else repr(str(source)) + ' '}"
            "must be one JSON object from field name to header text, such as "
            '{"email": "Your work e-mail"}.')
    return data


def find_columns(
    headers: list[str], mapping: dict[str, str] | None = None,
    question_text: dict[str, str] | None = None, source: str = "the file",
    fields: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
    variants: dict[str, tuple[str, ...]] | None = None,
    auto_detect: bool = True,
) -> dict[str, str]:
    """Decide which header holds each canonical field.

    A mapping entry wins; otherwise a header is recognised when, ignoring case, spaces and
    punctuation, it equals one of the field's known variants.

    Parameters
    ----------
    headers : list of str
        The headers of the export.
    mapping : dict, optional
        Canonical field -> header, from a mapping file or the notebook widget.
    question_text : dict, optional
        Extra header text (Qualtrics' question row) that a mapping may refer to.
    source : str
        The file name, for messages.
    fields, required : tuple of str
        The canonical fields to look for, and those that must be found.
    variants : dict, optional
        Recognised header spellings per field, besides the field's own name.
    auto_detect : bool
        Recognise headers for fields the mapping does not name (default). False makes the
        mapping the whole answer, as when a lead chose "not in this file".

    Returns
    -------
    dict of str to str
        Canonical field -> header in the file, for the fields found.

    Raises
    ------
    InputFileError
        If a required field has no column; the message lists the headers found.
    SettingsError
        If the mapping names an unknown field or a header the file does not have.

    Examples
    --------
    >>> find_columns(["Full Name", "E-mail address", "Dept"], fields=("email", "department"),
    ...              variants={"email": ("e-mail address",), "department": ("dept",)})
    {'email': 'E-mail address', 'department': 'Dept'}
    """
    mapping = dict(mapping or {})
    variants = variants or {}
    question_text = question_text or {}
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        raise SettingsError(
            f"The column mapping names unknown field(s) {unknown}; the fields are {list(fields)}."
        )
    found: dict[str, str] = {}
    by_question = {text: header for header, text in question_text.items() if text}
    for canonical, header in mapping.items():
        if not header:
            continue
        if header in headers:
            found[canonical] = header
        elif header in by_question:
            found[canonical] = by_question[header]
        else:
            folded = {fold_key(h): h for h in headers}
            if fold_key(header) in folded:
                found[canonical] = folded[fold_key(header)]
            else:
                raise SettingsError(
                    f"The column mapping says '{canonical}' is in the column '{header}', but "
                    f"{source} has no such column. Its headers are: {headers}."
                )
    taken = set(found.values())
    folded_headers = [(h, fold_key(h)) for h in headers]
    for canonical in fields if auto_detect else ():
        if canonical in found:
            continue
        wanted = {fold_key(v) for v in (canonical, *variants.get(canonical, ()))}
        for header, folded in folded_headers:
            if header not in taken and folded in wanted:
                found[canonical] = header
                taken.add(header)
                break
    missing = [f for f in required if f not in found]
    if missing:
        raise InputFileError(
            f"{source} has no column for the required field(s) {missing}. The headers found "
            f"are: {headers}. Rename those columns, or give a mapping file (--mapping) such as "
            f'{{"{missing[0]}": "<the header that holds it>"}}.'
        )
    return found
