"""Shared XSD helpers: loading stays in the schema folder, catalogue entries are confined, values never leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.xsd import FolderOnly, SchemaSetupError, read_catalogue, without_values

CATALOG = """<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="http://example.org/a.xsd" uri="{target}"/>
</catalog>"""


def _catalogue(folder: Path, target: str) -> Path:
    path = folder / "catalog.xml"
    path.write_text(CATALOG.format(target=target))
    return path


def test_a_catalogue_maps_remote_names_to_files_below_its_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.xsd").write_text("<schema/>")
    mapping = read_catalogue(_catalogue(tmp_path, "sub/a.xsd"))
    assert mapping == {"http://example.org/a.xsd": (tmp_path / "sub" / "a.xsd").resolve()}


@pytest.mark.parametrize("target", ["../outside.xsd", "missing.xsd", ""])
def test_a_catalogue_entry_outside_the_folder_or_without_file_is_refused(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (tmp_path / "outside.xsd").write_text("<schema/>")
    with pytest.raises(SchemaSetupError):
        read_catalogue(_catalogue(folder, target))


def test_only_catalogued_remote_names_are_resolved(tmp_path: Path) -> None:
    target = tmp_path / "a.xsd"
    target.write_text("<schema/>")
    guard = FolderOnly(tmp_path, {"http://example.org/a.xsd": target})
    assert guard.resolve(str(tmp_path / "b.xsd"), "") is None  # below the folder: libxml2 loads it itself
    for outside in ("http://example.org/b.xsd", "https://example.org/a.xsd", str(tmp_path.parent / "x.xsd")):
        with pytest.raises(SchemaSetupError):
            guard.resolve(outside, "")
    assert len(guard.refused) == 3


@pytest.mark.parametrize("message", [
    "Element 'x': The actual value 'Erika' does not match the fixed value constraint 'true'.",
    "Element 'name': [facet 'pattern'] The value 'Erika' is not accepted by the pattern '([a-z]|Erika)*'.",
])
def test_instance_values_and_type_patterns_are_left_out(message: str) -> None:
    redacted = without_values(message)
    assert "Erika" not in redacted
    assert redacted.startswith("Element '")
