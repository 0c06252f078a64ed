"""Data minimisation over any XÖV tree: keep only the element paths a recipient is entitled to.

Paths are local element names below the root joined by '/'; '*' matches any one element and '**' alone keeps all.
Comments and processing instructions are always removed: they are free text that no policy can vouch for.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from lxml import etree

from connectors.secure_xml import local_name

EVERYTHING = "**"


_END = "/"  # marks a trie node where a keep path ends; never an element name


@lru_cache(maxsize=256)
def _trie(keep: tuple[str, ...]) -> dict[str, Any]:
    """The keep paths as a trie of element names ('*' any one), compiled once per policy."""
    root: dict[str, Any] = {}
    for path in keep:
        node = root
        for part in path.split("/"):
            node = node.setdefault(part, {})
        node[_END] = True
    return root


def _prune(element: etree._Element, nodes: list[dict[str, Any]]) -> None:
    """Keep a child when a keep path ends at or above it, descend when one continues below it, else drop it."""
    for child in list(element):
        if not isinstance(child.tag, str):
            continue
        name = local_name(child)
        below = [n[key] for n in nodes for key in (name, "*") if key in n]
        if any(_END in n for n in below):
            continue
        if below:
            _prune(child, below)
        else:
            element.remove(child)


def strip_free_text(root: etree._Element) -> None:
    """Remove every comment and processing instruction below `root`."""
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)


def minimise(root: etree._Element, keep: Sequence[str]) -> None:
    """Remove, in place, every element below `root` that no `keep` path reaches."""
    strip_free_text(root)
    if EVERYTHING in keep:
        return
    _prune(root, [_trie(tuple(keep))])
