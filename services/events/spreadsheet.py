"""Cells of CSV files that people open in a spreadsheet."""

from __future__ import annotations

# A spreadsheet runs a cell starting with one of these as a formula (tab and CR too, in some).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: a leading ' defuses it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
