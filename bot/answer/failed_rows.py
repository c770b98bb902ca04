"""A run's error file (`errorContent`, CSV) as the first rows and a total; pure."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

# Arena does not document the file's columns (DH: "a status, errorCode, and errorMessage
# for every failed row"); these names, compared loosely, go first when present.
_FIRST = ("row", "rownumber", "line", "status", "errorcode", "code", "errormessage", "message")
_LOOSE = re.compile(r"[^0-9a-z]")


@dataclass(frozen=True)
class FailedRows:
    """The columns as the file names them, its first rows by column name, and how many."""

    header: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    total: int


def parse_failed_rows(text: str, *, limit: int = 40) -> FailedRows:
    """Read the CSV by its header: BOM, quoting, blank lines, ragged rows and odd names."""
    records = (r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(_clean(r)))
    first = next(records, None)
    if first is None:
        return FailedRows(header=(), rows=(), total=0)
    header = _names(first)
    rows: list[dict[str, str]] = []
    total = 0
    for record in records:
        total += 1
        if len(rows) < limit:
            rows.append(_row(header, record))
    extra = [name for row in rows for name in row if name not in header]
    columns = list(dict.fromkeys([*header, *extra]))
    return FailedRows(header=tuple(_ordered(columns)), rows=tuple(rows), total=total)


def _clean(record: list[str]) -> list[str]:
    return [cell.strip() for cell in record]


def _names(record: list[str]) -> list[str]:
    """Column names: trimmed, an unnamed column numbered, a repeated name numbered."""
    names: list[str] = []
    for index, raw in enumerate(_clean(record)):
        name = raw or f"Column {index + 1}"
        if name in names:
            name = f"{name} ({index + 1})"
        names.append(name)
    return names


def _row(header: list[str], record: list[str]) -> dict[str, str]:
    """One record by column name; cells beyond the header get numbered columns."""
    row: dict[str, str] = {}
    for index, cell in enumerate(_clean(record)):
        name = header[index] if index < len(header) else f"Column {index + 1}"
        if cell:
            row[name] = cell
    return row


def _ordered(columns: list[str]) -> list[str]:
    """Row, status, error code and message first (as Arena names them), then the rest."""

    def rank(name: str) -> int:
        loose = _LOOSE.sub("", name.lower())
        return _FIRST.index(loose) if loose in _FIRST else len(_FIRST)

    return sorted(columns, key=rank)
