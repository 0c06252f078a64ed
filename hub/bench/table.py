"""The benchmark's one table: figure, measured value, target and verdict per row, in aligned plain text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MET = "met"
NOT_MET = "not met"
NOT_MEASURED = "not measured"
HEADER = ("figure", "measured", "target", "")


@dataclass(frozen=True)
class Row:
    """One line of the table; a row without target has no verdict."""

    figure: str
    measured: str
    target: str = ""
    verdict: str = ""


def verdict(ok: bool | None) -> str:
    """met / not met, or not measured when the figure is missing."""
    if ok is None:
        return NOT_MEASURED
    return MET if ok else NOT_MET


def number(value: float | None, unit: str = "", *, digits: int = 0) -> str:
    """A figure with thousands separators and its unit; an en dash when it was not measured."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}" + (f" {unit}" if unit else "")


def duration(seconds: float | None) -> str:
    """Milliseconds below ten seconds, else seconds with one decimal."""
    if seconds is None:
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def megabytes(size: int | None) -> str:
    return "–" if size is None else f"{size / (1024 * 1024):,.0f} MB"


def render(title: Sequence[str], rows: Sequence[Row], notes: Sequence[str] = ()) -> str:
    """The title lines, the rows under a header with aligned columns, and the notes below."""
    cells = [HEADER, *((r.figure, r.measured, r.target, r.verdict) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    body = [line(HEADER), rule, *(line(c) for c in cells[1:])]
    return "\n".join([*title, "", *body, *([""] + [f"* {n}" for n in notes] if notes else [])]) + "\n"
