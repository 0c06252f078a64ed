"""Data minimisation over any XÖV tree: keep only the element paths a recipient is entitled to.

Paths are local element names below the root joined by '/'; '*' matches any one element and '**' alone keeps all.
Comments and processing instructions are always removed: they are free text that no policy can vouch for.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from lxml import etree

from connectors.secure_xml import local_name

EVERYTHING = "**"


class _Verdict(Enum):
    DROP = 0
    ANCESTOR = 1
    KEEP = 2


def _verdict(path: Sequence[str], patterns: Sequence[Sequence[str]]) -> _Verdict:
    best = _Verdict.DROP
    for pattern in patterns:
        common = min(len(path), len(pattern))
        if all(pattern[i] in ("*", path[i]) for i in range(common)):
            if len(path) >= len(pattern):
                return _Verdict.KEEP
            best = _Verdict.ANCESTOR
    return best


def _prune(element: etree._Element, path: tuple[str, ...], patterns: Sequence[Sequence[str]]) -> None:
    for child in list(element):
        if not isinstance(child.tag, str):
            continue
        child_path = (*path, local_name(child))
        verdict = _verdict(child_path, patterns)
        if verdict is _Verdict.DROP:
            element.remove(child)
        elif verdict is _Verdict.ANCESTOR:
            _prune(child, child_path, patterns)


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
    _prune(root, (), [tuple(p.split("/")) for p in keep])
