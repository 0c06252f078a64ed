"""Write the TOML subset the routing data uses: tables, arrays of tables, strings, booleans, numbers, lists of
those and inline tables. What `tomllib` reads back is the data written."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _key(name: str) -> str:
    return name if name and all(c.isalnum() or c in "-_" for c in name) else json.dumps(name, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _section(path: list[str], table: Mapping[str, Any], lines: list[str], *, header: str | None) -> None:
    if header is not None:
        lines += ["", header]
    for name, value in table.items():
        if not _is_table(value) and not _is_table_array(value):
            lines.append(f"{_key(name)} = {_value(value)}")
    for name, value in table.items():
        sub = [*path, _key(name)]
        if _is_table(value):
            _section(sub, value, lines, header=f"[{'.'.join(sub)}]")
        elif _is_table_array(value):
            for entry in value:
                _section(sub, entry, lines, header=f"[[{'.'.join(sub)}]]")


def dumps(data: Mapping[str, Any]) -> str:
    """`data` as TOML text; nested mappings become [tables], lists of mappings [[arrays of tables]]."""
    lines: list[str] = []
    _section([], data, lines, header=None)
    return "\n".join(lines).lstrip("\n") + "\n"
