"""Official XSDs the operator installs (HUB_SCHEMA_DIR): one mechanism for any standard and version."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import installed_schemas
from connectors.errors import SchemaNotInstalled, SchemaViolation
from connectors.secure_xml import parse_secure
from connectors.xsd import XS, SchemaSetupError

NS = "urn:example:xtest:9.9"
TYPES = "urn:example:xtest-typen:9.9"
TYPES_URL = "https://schemas.example.org/xtest/9.9/xtest-typen.xsd"

MESSAGE_XSD = f"""<xs:schema xmlns:xs="{XS}" xmlns:t="{TYPES}" targetNamespace="{NS}" elementFormDefault="qualified">
  <xs:import namespace="{TYPES}" schemaLocation="{TYPES_URL}"/>
  <xs:element name="antrag.0001">
    <xs:complexType><xs:sequence>
      <xs:element name="kennung" type="t:Kennung"/>
      <xs:element name="betreff" type="xs:string" minOccurs="0"/>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>"""
TYPES_XSD = f"""<xs:schema xmlns:xs="{XS}" targetNamespace="{TYPES}">
  <xs:simpleType name="Kennung"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]{{2}}-\\d+"/>
  </xs:restriction></xs:simpleType>
</xs:schema>"""


def _install(root: Path, layout: str = "host") -> Path:
    """The test standard's files below `root`/XTest/9.9/: the imported module laid out by host and path, or flat."""
    folder = root / "XTest" / "9.9"
    folder.mkdir(parents=True)
    (folder / "xtest-nachrichten.xsd").write_text(MESSAGE_XSD, encoding="utf-8")
    types = folder / "schemas.example.org" / "xtest" / "9.9" if layout == "host" else folder / "module"
    types.mkdir(parents=True)
    (types / "xtest-typen.xsd").write_text(TYPES_XSD, encoding="utf-8")
    return root


def _tree(kennung: str) -> bytes:
    return f'<x:antrag.0001 xmlns:x="{NS}"><x:kennung>{kennung}</x:kennung></x:antrag.0001>'.encode()


@pytest.mark.parametrize("layout", ["host", "flat"])
def test_a_message_is_validated_with_the_installed_schema(tmp_path: Path, layout: str) -> None:
    root = _install(tmp_path / layout, layout)
    installed_schemas.validate_installed(parse_secure(_tree("AB-17"), max_bytes=10_000), root, "XTest", "9.9")
    with pytest.raises(SchemaViolation) as caught:
        installed_schemas.validate_installed(parse_secure(_tree("Erika"), max_bytes=10_000), root, "XTest", "9.9",
                                             "m-1")
    assert caught.value.path == "/x:antrag.0001/x:kennung" and caught.value.message_id == "m-1"
    assert "Muster" in caught.value.detail and "Erika" not in caught.value.detail


def test_the_schema_is_compiled_once_per_process(tmp_path: Path) -> None:
    root = _install(tmp_path)
    first = installed_schemas.installed_schema(root, "XTest", "9.9", NS)
    assert installed_schemas.installed_schema(root, "XTest", "9.9", NS) is first


def test_without_a_schema_folder_the_setting_is_named(tmp_path: Path) -> None:
    with pytest.raises(SchemaNotInstalled) as unset:
        installed_schemas.installed_schema(None, "XTest", "9.9", NS)
    assert unset.value.detail.startswith("XTest 9.9 erkannt, Schema nicht installiert")
    assert "HUB_SCHEMA_DIR" in unset.value.detail and "XTest/9.9/" in unset.value.detail
    with pytest.raises(SchemaNotInstalled) as missing:
        installed_schemas.installed_schema(tmp_path, "XTest", "9.9", NS)
    assert "XTest/9.9/" in missing.value.detail
    assert unset.value.code == missing.value.code == "schema.not_installed"


def test_a_folder_without_the_messages_namespace_is_not_installed(tmp_path: Path) -> None:
    root = _install(tmp_path)
    with pytest.raises(SchemaNotInstalled) as caught:
        installed_schemas.installed_schema(root, "XTest", "9.9", "urn:example:anderer")
    assert "urn:example:anderer" in caught.value.detail


def test_imports_never_leave_the_version_folder(tmp_path: Path) -> None:
    root = tmp_path / "schemas"
    folder = root / "XTest" / "9.9"
    folder.mkdir(parents=True)
    (folder / "xtest-nachrichten.xsd").write_text(MESSAGE_XSD, encoding="utf-8")  # its import is nowhere local
    (tmp_path / "xtest-typen.xsd").write_text(TYPES_XSD, encoding="utf-8")  # outside the folder: never used
    with pytest.raises(SchemaSetupError) as caught:
        installed_schemas.installed_schema(root, "XTest", "9.9", NS)
    assert TYPES_URL in str(caught.value)
