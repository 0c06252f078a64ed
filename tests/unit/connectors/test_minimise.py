"""Data minimisation keeps exactly the elements a keep path reaches: checked against a direct reading of the rule."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from connectors.minimise import minimise

NAMES = ("a", "b", "c", "d")


def _reference(root: etree._Element, keep: Sequence[str]) -> set[tuple[str, ...]]:
    """The element paths left, by the rule itself: an element stays when some keep path is a prefix of its path
    ('*' matches one name) or its path is a prefix of some keep path's match (it leads to kept elements)."""
    patterns = [tuple(p.split("/")) for p in keep]

    def matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
        return all(p in ("*", n) for p, n in zip(pattern, path, strict=False))

    def kept_by(path: tuple[str, ...]) -> bool:
        return any(len(path) >= len(p) and matches(p, path) for p in patterns)

    def leads(path: tuple[str, ...]) -> bool:
        return any(len(path) < len(p) and matches(p, path) for p in patterns)

    found: set[tuple[str, ...]] = set()

    def walk(element: etree._Element, path: tuple[str, ...], inside_kept: bool) -> None:
        for child in element:
            child_path = (*path, str(child.tag))
            keep_it = inside_kept or kept_by(child_path)
            if keep_it or leads(child_path):
                found.add(child_path)
                walk(child, child_path, keep_it)

    walk(root, (), False)
    return found


def _paths(root: etree._Element) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()

    def walk(element: etree._Element, path: tuple[str, ...]) -> None:
        for child in element:
            child_path = (*path, str(child.tag))
            found.add(child_path)
            walk(child, child_path)

    walk(root, ())
    return found


trees = st.recursive(st.just(()), lambda children: st.lists(st.tuples(st.sampled_from(NAMES), children),
                                                            max_size=3).map(tuple), max_leaves=20)
keeps = st.lists(st.lists(st.sampled_from((*NAMES, "*")), min_size=1, max_size=3).map("/".join), min_size=1,
                 max_size=4)


def _build(parent: etree._Element, spec: tuple[tuple[str, object], ...]) -> None:
    for name, children in spec:
        _build(etree.SubElement(parent, name), children)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(trees, keeps)
def test_minimise_keeps_what_the_rule_keeps(spec: tuple[tuple[str, object], ...], keep: list[str]) -> None:
    root = etree.Element("root")
    _build(root, spec)
    expected = _reference(root, keep)
    minimise(root, keep)
    assert _paths(root) == expected
