"""XSD validation: the official schemas compile offline once per process, and every error names its line and path
but none of the message's values."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from connectors.civil_status import schema
from connectors.civil_status.versions import XPERSONENSTAND_26_11
from connectors.reading import Reading
from connectors.xsd import SchemaSetupError, SchemaViolation
from hub.settings import Settings
from tests.unit.connectors.civil_status.xps_support import HEAD, node, text

Read = Callable[[bytes], Reading]


def _violations(data: bytes, read: Read) -> tuple[SchemaViolation, ...]:
    with pytest.raises(SchemaViolation) as caught:
        read(data)
    found = caught.value.all_errors
    assert all(isinstance(e, SchemaViolation) for e in found)
    return tuple(e for e in found if isinstance(e, SchemaViolation))


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Start from an empty schema cache and leave it empty, so no other test depends on this one's compiles."""
    schema._cached.cache_clear()
    yield
    schema._cached.cache_clear()


def test_every_sample_is_valid(xps_samples: dict[str, bytes], settings: Settings) -> None:
    for data in xps_samples.values():
        schema.validate(etree.fromstring(data).getroottree(), XPERSONENSTAND_26_11, settings.shared_dir)


def test_a_request_without_its_entrys_place_is_refused_with_line_and_path(electronic_request: bytes,
                                                                         read: Read) -> None:
    root = etree.fromstring(electronic_request)
    kind = node(root, "/*/xps:kind")
    kind.remove(node(kind, "xps:geburtsort"))
    data = etree.tostring(root)
    found = _violations(data, read)
    assert len(found) == 1
    assert found[0].code == "schema.invalid"
    assert found[0].path == found[0].field == "/xps:portal2StA.Geburt.081032/xps:kind"
    assert found[0].line == getattr(node(etree.fromstring(data), "/*/xps:kind"), "sourceline", None)
    assert "geburtsort" in found[0].detail
    assert found[0].message_id == text(root, f"{HEAD}/identifikation.nachricht/nachrichtenUUID")


def test_no_value_of_the_message_appears_in_an_error(electronic_request: bytes, read: Read) -> None:
    root = etree.fromstring(electronic_request)
    name = node(root, "/*/xps:antragsteller/xps:natuerlichePerson/xps:vorname/name")
    name.text = "Erika\u0080Zweitname"  # a C1 control character: outside the DIN 91379 pattern
    node(root, "/*/xps:kind/xps:geburtsdatum").text = "12.08.1964"
    node(root, "/*/xps:mitNormal").text = "false"  # fixed to true
    found = _violations(etree.tostring(root), read)
    assert [e.path.rsplit("/", 1)[1] for e in found] == ["name", "xps:geburtsdatum", "xps:mitNormal"]
    for error in found:
        assert not any(value in error.detail for value in ("Erika", "Zweitname", "12.08.1964", "'false'"))
        assert len(error.detail) < 400  # the DIN 91379 pattern (kilobytes) is left out too


def test_the_schema_is_compiled_once_even_by_concurrent_first_readers(
    electronic_request: bytes, delivery: bytes, read: Read, schema_compiles: list[object], fresh_cache: None,
) -> None:
    failures: list[BaseException] = []

    def reader(data: bytes) -> None:
        try:
            for _ in range(5):
                read(data)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=reader, args=(d,)) for d in (electronic_request, delivery) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert len(schema_compiles) == 1


def test_compiling_loads_nothing_the_catalogue_does_not_map(settings: Settings, tmp_path: Path,
                                                            fresh_cache: None) -> None:
    folder = settings.shared_dir.joinpath(*XPERSONENSTAND_26_11.catalogue).parent
    copy = tmp_path / "xoev" / folder.name
    shutil.copytree(folder, copy)
    catalogue = copy / "catalog.xml"
    missing = "http://www.osci.de/xinneres/datum/2/xinneres-datum.xsd"
    text_ = catalogue.read_text(encoding="utf-8")
    start = text_.index(f'<uri name="{missing}"')
    catalogue.write_text(text_[:start] + text_[text_.index("/>", start) + 2:], encoding="utf-8")
    with pytest.raises(SchemaSetupError) as info:
        schema.compiled(XPERSONENSTAND_26_11, tmp_path)
    assert missing in str(info.value)


def test_a_missing_schema_folder_is_a_setup_error_not_a_bad_message(tmp_path: Path, fresh_cache: None) -> None:
    with pytest.raises(SchemaSetupError) as info:
        schema.compiled(XPERSONENSTAND_26_11, tmp_path)
    assert "HUB_SHARED_DIR" in str(info.value)
