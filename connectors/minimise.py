"""Data minimisation over any XÖV tree: keep only the element paths a recipient is entitled to.

Paths are local element names below the root joined by '/'; '*' matches any one element and '**' alone keeps all.
Comments and processing instructions are always removed: they are free text that no policy can vouch for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol

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


def reaches(path: str, keep: Sequence[str]) -> bool:
    """True when `keep` keeps the element at `path` (a local-name path below the root), whole or as an ancestor."""
    if EVERYTHING in keep or not path:
        return True
    nodes = [_trie(tuple(keep))]
    for name in path.split("/"):
        nodes = [n[key] for n in nodes for key in (name, "*") if key in n]
        if any(_END in n for n in nodes):
            return True
        if not nodes:
            return False
    return True


class Requirement(Protocol):
    """A child an element must keep: `through` its own required parts, or whole."""

    @property
    def name(self) -> str: ...

    @property
    def through(self) -> bool: ...


def with_required(keep: Sequence[str], required: Mapping[str, Sequence[Requirement]]) -> tuple[str, ...]:
    """`keep` plus what the standard requires below every element `keep` reaches (`required`: per element path,
    its required children), so a copy never lacks a mandatory part where its parent is kept."""
    if EVERYTHING in keep:
        return tuple(keep)
    result = list(keep)
    children: dict[str, list[str]] = {}
    for path in required:
        if path:
            children.setdefault(path.rpartition("/")[0], []).append(path)

    def visit(path: str, forced: set[str]) -> None:
        for child in required.get(path, ()):
            child_path = f"{path}/{child.name}" if path else child.name
            if child.through:
                forced.add(child_path)
            else:
                result.append(child_path)
        for child_path in children.get(path, ()):
            if child_path in forced or reaches(child_path, result):
                visit(child_path, forced)

    visit("", set())
    return tuple(dict.fromkeys(result))


def minimise(root: etree._Element, keep: Sequence[str]) -> None:
    """Remove, in place, every element below `root` that no `keep` path reaches."""
    strip_free_text(root)
    if EVERYTHING in keep:
        return
    _prune(root, [_trie(tuple(keep))])
