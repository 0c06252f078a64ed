"""The metric names a PromQL expression reads, and the sample names a prometheus_client registry exports.

Good enough for the hub's own rules and panels: strings, label matchers, ranges, grouping clauses, numbers,
keywords and function calls are removed; what remains are series names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGES = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_VARIABLES = re.compile(r"\$\{[^}]*\}|\$\w+")
_NUMBERS = re.compile(r"(?<![\w:])\d[\w.]*")
_NAMES = re.compile(r"(?<![\w:])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?")
KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
                      "group_right", "inf", "nan", "atan2"})
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"),
            "summary": ("_count", "_sum", "_created"), "gauge": ("",), "info": ("_info",), "stateset": ("",),
            "gaugehistogram": ("_bucket", "_gcount", "_gsum"), "unknown": ("",)}


def metric_names(expr: str) -> set[str]:
    """Every series name `expr` selects (not the functions, aggregations or keywords it uses)."""
    text = _VARIABLES.sub(" ", _STRINGS.sub(" ", expr))
    text = _MATCHERS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    previous = None
    while previous != text:  # grouping clauses may follow one another
        previous, text = text, _GROUPING.sub(" ", text)
    text = _NUMBERS.sub(" ", text)
    return {name for name, call in _NAMES.findall(text) if not call and name not in KEYWORDS}


def exported_names(families: Iterable[Any]) -> set[str]:
    """The sample names of prometheus_client metric families (as `collect()` or `describe()` yield them)."""
    return {family.name + suffix for family in families for suffix in SUFFIXES[family.type]}
