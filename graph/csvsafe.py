"""CSV cells a spreadsheet would not evaluate: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read as a formula by Excel and LibreOffice, so such text gets a leading single quote.
Numbers are left as they are (a negative number is no formula)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` unchanged unless it is text a spreadsheet would evaluate; that gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: list) -> list:
    return [safe_cell(v) for v in row]
