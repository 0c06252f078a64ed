"""The version table is data: it agrees with the XSDs, and a further version is read once it is added as an entry."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from connectors.registration.connector import RegistrationConnector
from connectors.registration.errors import SchemaUnavailable
from connectors.registration.versions import VERSIONS, VersionSpec, VersionTable
from connectors.secure_xml import parse_secure
from hub.settings import Settings
from tests.unit.connectors.registration.xmeld_support import text

XS = {"xs": "http://www.w3.org/2001/XMLSchema"}
HEAD = "nachrichtenkopf/identifikation.nachricht"
FAKE_VERSION = "9.9.9"
FAKE_NAMESPACE = "http://www.osci.de/xmeld999"
FAKE_CODE = "1300"


def _declarations(folder: Path, xpath: str) -> list[str]:
    found: list[str] = []
    for xsd in sorted(folder.glob("*.xsd")):
        result = etree.parse(str(xsd)).xpath(xpath, namespaces=XS)
        assert isinstance(result, list)
        found += [str(r).strip() for r in result]
    return found


@pytest.mark.parametrize("spec", VERSIONS.values(), ids=list(VERSIONS))
def test_every_table_entry_is_declared_with_its_code_in_the_xsds(spec: VersionSpec, settings: Settings) -> None:
    folder = settings.shared_dir.joinpath(*spec.schema).parent
    for element, message in spec.messages.items():
        assert _declarations(folder, f"/xs:schema/xs:element[@name='{element}']/@name") == [element]
        labels = _declarations(folder, f"//xs:complexType[@name='{spec.message_code_list}']"
                                       f"//xs:enumeration[@value='{message.code}']//wertErsteBeschreibungsspalte/text()")
        assert labels == [element]
        assert element.startswith(f"{message.kind}.")


@pytest.fixture(scope="module")
def request_sample(settings: Settings) -> bytes:
    path = next((settings.shared_dir / "samples" / "xmeld").glob("*datenanforderung*.xml"))
    return path.read_bytes()


@pytest.fixture(scope="module")
def fake_shared(settings: Settings, request_sample: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shared folder with the 2.4.3 XSDs rewritten into a fictitious XMeld 9.9.9 that gives the request a new code."""
    root = etree.fromstring(request_sample)
    uri, element = etree.QName(root).namespace or "", etree.QName(root).localname
    version, code = str(root.get("version")), text(root, f"{HEAD}/nachrichtentyp/code")
    renamed = element.replace(code, FAKE_CODE)
    shared = tmp_path_factory.mktemp("shared")
    target = shared / "xoev" / "xmeld999"
    target.mkdir(parents=True)
    source = settings.shared_dir.joinpath(*VERSIONS[version].schema).parent
    for xsd in source.glob("*.xsd"):
        content = xsd.read_text(encoding="utf-8").replace(uri, FAKE_NAMESPACE)
        content = content.replace(f'fixed="{version}"', f'fixed="{FAKE_VERSION}"')
        content = content.replace(f'name="{element}"', f'name="{renamed}"')
        content = re.sub(rf'value="{code}">(\s*<xs:annotation>\s*<xs:appinfo>\s*<wertErsteBeschreibungsspalte>)'
                         rf"{re.escape(element)}<", rf'value="{FAKE_CODE}">\g<1>{renamed}<', content)
        (target / xsd.name).write_text(content, encoding="utf-8")
    for folder in VERSIONS[version].modules:  # the modules the version imports, as they are
        shutil.copytree(settings.shared_dir.joinpath(*folder), shared.joinpath(*folder), dirs_exist_ok=True)
    return shared


def _fake_table(request_sample: bytes, code: str = FAKE_CODE) -> VersionTable:
    root = etree.fromstring(request_sample)
    element = etree.QName(root).localname
    current = VERSIONS[str(root.get("version"))]
    fake = VersionSpec(
        version=FAKE_VERSION,
        namespace=FAKE_NAMESPACE,
        schema=("xoev", "xmeld999", current.schema[-1]),
        modules=current.modules,
        messages={element.replace(current.messages[element].code, FAKE_CODE):
                  dataclasses.replace(current.messages[element], code=code)},
    )
    return {**VERSIONS, FAKE_VERSION: fake}


def _as_fake_version(request_sample: bytes) -> bytes:
    root = etree.fromstring(request_sample)
    uri, element = etree.QName(root).namespace or "", etree.QName(root).localname
    version, code = str(root.get("version")), text(root, f"{HEAD}/nachrichtentyp/code")
    data = request_sample.replace(uri.encode(), FAKE_NAMESPACE.encode())
    data = data.replace(element.encode(), element.replace(code, FAKE_CODE).encode())
    data = data.replace(f'"{version}"'.encode(), f'"{FAKE_VERSION}"'.encode())
    return data.replace(f"<code>{code}</code>".encode(), f"<code>{FAKE_CODE}</code>".encode())


def test_a_version_added_as_data_is_recognised(fake_shared: Path, request_sample: bytes, settings: Settings) -> None:
    fake = RegistrationConnector(shared_dir=fake_shared, versions=_fake_table(request_sample))
    reading = fake.read(parse_secure(_as_fake_version(request_sample), max_bytes=1_000_000))
    current = RegistrationConnector(shared_dir=settings.shared_dir).read(
        parse_secure(request_sample, max_bytes=1_000_000))
    assert reading.envelope.version == FAKE_VERSION
    assert reading.envelope.message_type == FAKE_CODE
    assert reading.envelope.kinds == current.envelope.kinds
    assert reading.envelope.attributes == current.envelope.attributes
    assert reading.envelope.case_id == current.envelope.case_id


def test_a_table_entry_contradicting_the_xsds_is_a_deployment_fault(fake_shared: Path, request_sample: bytes) -> None:
    root = etree.fromstring(request_sample)
    wrong = _fake_table(request_sample, code=text(root, f"{HEAD}/nachrichtentyp/code"))
    with pytest.raises(SchemaUnavailable):
        RegistrationConnector(shared_dir=fake_shared, versions=wrong).read(
            parse_secure(_as_fake_version(request_sample), max_bytes=1_000_000))


def test_missing_schemas_are_a_deployment_fault(tmp_path: Path, request_sample: bytes) -> None:
    with pytest.raises(SchemaUnavailable):
        RegistrationConnector(shared_dir=tmp_path).read(parse_secure(request_sample, max_bytes=1_000_000))


def test_an_entry_needs_an_xmeld_namespace() -> None:
    spec = next(iter(VERSIONS.values()))
    with pytest.raises(ValueError, match="not an XMeld namespace"):
        dataclasses.replace(spec, namespace="http://www.xgewerbeanzeige.de/spezifikation/2.1")
