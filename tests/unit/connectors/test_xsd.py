"""The shared XSD helpers: compiling stays in its folders, catalogue entries are confined, findings name no values
and speak German."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from connectors import xsd
from connectors.errors import SchemaViolation
from connectors.secure_xml import parse_secure

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
    mapping = xsd.read_catalogue(_catalogue(tmp_path, "sub/a.xsd"))
    assert mapping == {"http://example.org/a.xsd": (tmp_path / "sub" / "a.xsd").resolve()}


@pytest.mark.parametrize("target", ["../outside.xsd", "missing.xsd", ""])
def test_a_catalogue_entry_outside_the_folder_or_without_file_is_refused(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (tmp_path / "outside.xsd").write_text("<schema/>")
    with pytest.raises(xsd.SchemaSetupError):
        xsd.read_catalogue(_catalogue(folder, target))


def test_only_catalogued_remote_names_are_resolved(tmp_path: Path) -> None:
    target = tmp_path / "a.xsd"
    target.write_text("<schema/>")
    guard = xsd.FolderOnly(tmp_path, {"http://example.org/a.xsd": target})
    assert guard.resolve(str(tmp_path / "b.xsd"), "") is None  # below the folder: libxml2 loads it itself
    for outside in ("http://example.org/b.xsd", "https://example.org/a.xsd", str(tmp_path.parent / "x.xsd")):
        with pytest.raises(xsd.SchemaSetupError):
            guard.resolve(outside, "")
    assert len(guard.refused) == 3


def test_compiling_never_leaves_the_allowed_folders(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    guard = xsd.FolderOnly([folder])
    guard.resolve(str(folder / "inside.xsd"), "")  # a file in the folder: left to libxml2
    assert not guard.refused
    for outside in ("http://example.org/x.xsd", "https://example.org/x.xsd", str(tmp_path / "x.xsd"),
                    str(folder / ".." / "x.xsd")):
        with pytest.raises(xsd.SchemaSetupError):
            guard.resolve(outside, "")
    assert len(guard.refused) == 4


def test_a_remote_location_is_answered_only_from_the_map(tmp_path: Path) -> None:
    (tmp_path / "local.xsd").write_text(
        f'<xs:schema xmlns:xs="{xsd.XS}" targetNamespace="urn:test:b"><xs:element name="b" type="xs:string"/>'
        "</xs:schema>", encoding="utf-8")
    main = (f'<xs:schema xmlns:xs="{xsd.XS}" xmlns:b="urn:test:b" targetNamespace="urn:test:a">'
            '<xs:import namespace="urn:test:b" schemaLocation="http://example.org/b.xsd"/>'
            '<xs:element name="a"><xs:complexType><xs:sequence><xs:element ref="b:b"/></xs:sequence>'
            "</xs:complexType></xs:element></xs:schema>").encode()
    mapped = xsd.compile_document(main, tmp_path / "main.xsd",
                                  xsd.FolderOnly([tmp_path], {"http://example.org/b.xsd": tmp_path / "local.xsd"}),
                                  "Test")
    assert mapped.validate(etree.fromstring(b'<a xmlns="urn:test:a"><b xmlns="urn:test:b">x</b></a>'))
    with pytest.raises(xsd.SchemaSetupError) as caught:
        xsd.compile_document(main, tmp_path / "main.xsd", xsd.FolderOnly([tmp_path]), "Test")
    assert "http://example.org/b.xsd" in str(caught.value)


@pytest.mark.parametrize("message", [
    "Element 'x': [facet 'pattern'] The value 'Erika' is not accepted by the pattern '[0-9]+'.",
    "Element 'x': The actual value 'Erika' does not match the fixed value constraint 'true'.",
    "Element 'x': [facet 'pattern'] The value 'Erika' is not accepted by the pattern '([a-z]|Erika)*'.",
    "Element 'x': [facet 'maxLength'] The value 'Erika' has a length of '5'; this exceeds the allowed maximum length.",
    "Element 'x': [facet 'enumeration'] The value 'Erika' is not an element of the set {'a', 'b'}.",
    "Element 'x': 'Erika' is not a valid value of the atomic type 'xs:date'.",
    "Element 'x', attribute 'y': 'Erika' is not a valid value of the atomic type 'xs:anyURI'.",
])
def test_instance_values_are_left_out_of_error_details(message: str) -> None:
    redacted = xsd.without_values(message)
    assert "Erika" not in redacted
    assert redacted.startswith("Element 'x'")
    assert "Erika" not in xsd.in_german(redacted)


@pytest.mark.parametrize(("message", "german"), [
    ("Element '{urn:a}b': This element is not expected. Expected is ( {urn:a}c ).",
     "Element 'b' ist hier nicht erlaubt oder steht an falscher Stelle; erwartet: c"),
    ("Element 'b': Missing child element(s). Expected is one of ( c, d ).",
     "In 'b' fehlt ein Pflichtelement; erwartet: c, d"),
    ("Element 'nr': [facet 'maxLength'] The value has a length of '60'; this exceeds the allowed maximum length "
     "of '4'.", "Wert von 'nr' ist zu lang: 60 Zeichen, höchstens 4 erlaubt"),
    ("Element 'b': The attribute 'listURI' is required but missing.", "Attribut 'listURI' von 'b' fehlt"),
    ("Element 'b': [facet 'pattern'] The value is not accepted by the pattern of its type.",
     "Wert von 'b' entspricht nicht dem Muster seines Typs"),
    ("Element 'b': The actual value does not match the fixed value constraint 'true'.",
     "Wert von 'b' muss 'true' sein"),
    ("Element 'b', attribute 'version': The value does not match the fixed value constraint '2.4.3'.",
     "Attribut 'version' von 'b' muss '2.4.3' sein"),
    ("Element 'b': something libxml2 says rarely.", "Schemafehler: Element 'b': something libxml2 says rarely."),
])
def test_findings_are_worded_in_german(message: str, german: str) -> None:
    assert xsd.in_german(message) == german


def test_findings_carry_line_and_path_of_every_error(tmp_path: Path) -> None:
    schema = xsd.compile_document(
        (f'<xs:schema xmlns:xs="{xsd.XS}"><xs:element name="a"><xs:complexType><xs:sequence>'
         '<xs:element name="b" type="xs:int"/><xs:element name="c" type="xs:string"/></xs:sequence>'
         "</xs:complexType></xs:element></xs:schema>").encode(), tmp_path / "s.xsd", xsd.FolderOnly([tmp_path]), "T")
    tree = parse_secure(b"<a>\n<b>Erika</b>\n</a>", max_bytes=1000)
    found = xsd.findings(schema, tree)
    assert [(f.line, f.path) for f in found] == [(2, "/a/b"), (1, "/a")]
    assert all(isinstance(f, SchemaViolation) and f.code == "schema.invalid" for f in found)
    assert found[1].detail == "Zeile 1, /a: In 'a' fehlt ein Pflichtelement; erwartet: c"
    assert "Erika" not in " ".join(f.detail for f in found)
    with pytest.raises(SchemaViolation) as caught:
        xsd.raise_findings(found, "m-1")
    assert caught.value.all_errors == tuple(found) and caught.value.message_id == "m-1"
