"""Evaluate the version table's paths: XPath below the message root, `x:` bound to the message's XMeld namespace.

The paths come from the hub's own table, never from a message; compiled expressions are cached per namespace.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

_PREFIX = re.compile(r"\bx:")
_PREDICATE = re.compile(r"\[[^\]]*\]")


@lru_cache(maxsize=256)
def _compiled(path: str, uri: str) -> etree.XPath:
    return etree.XPath(path, namespaces={"x": uri})


def select(root: etree._Element, path: str, uri: str) -> list[etree._Element]:
    """The elements `path` selects below `root`, in document order."""
    result = _compiled(path, uri)(root)
    return [node for node in result if isinstance(node, etree._Element)] if isinstance(result, list) else []


def text(node: etree._Element) -> str | None:
    """The element's text without surrounding blanks; None when it is empty."""
    return node.text.strip() if node.text and node.text.strip() else None


def texts(root: etree._Element, path: str, uri: str) -> list[str | None]:
    """The text of every element `path` selects (None for an empty one)."""
    return [text(node) for node in select(root, path, uri)]


def display(path: str) -> str:
    """The path as errors name it: local element names joined by '/', conditions dropped."""
    return _PREDICATE.sub("", _PREFIX.sub("", path))


def described(path: str) -> str:
    """The path with its conditions, for reasons that must say which element qualifies."""
    return _PREFIX.sub("", path)
