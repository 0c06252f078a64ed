"""The directory is built from the Destatis code lists; wrong or unreadable lists are refused clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from hub.app.factory import codelist_dir
from hub.pipeline import Routing
from hub.routing.codelists import read_codelist
from hub.routing.directory import CODELIST_URIS, Directory
from hub.routing.errors import CodelistError, ConfigError
from hub.settings import Settings

GC = "{http://docs.oasis-open.org/codelist/ns/genericode/1.0/}"


def _codelist_rows(path: Path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    rows = {}
    for row in root.iter("Row"):
        values = {v.get("ColumnRef"): v.findtext("SimpleValue") for v in row.iter("Value")}
        rows[str(values["SCHLUESSEL"])] = str(values["Bezeichnung"])
    return rows


def test_every_hessian_municipality_is_known_with_district_and_state(routing: Routing, settings: Settings) -> None:
    ags_file = next(codelist_dir(settings).glob("*schluessel_ags_*.xml"))
    hessian = {k: v for k, v in _codelist_rows(ags_file).items() if k.startswith("06")}
    directory = routing.directory
    assert set(directory.municipalities) == set(hessian)
    bensheim = directory.municipalities["06431002"]
    assert bensheim.name == hessian["06431002"]
    assert (bensheim.district, bensheim.state, bensheim.state_name) == ("06431", "06", "Hessen")
    assert bensheim.ars is not None and directory.municipality_by_ars(bensheim.ars) == bensheim
    assert bensheim.ars[:5] + bensheim.ars[9:] == bensheim.ags


def test_codelist_versions_are_recorded(routing: Routing, settings: Settings) -> None:
    for uri, version in routing.directory.versions.items():
        assert uri in CODELIST_URIS.values()
        files = list(codelist_dir(settings).glob(f"{uri.replace(':', '_')}_{version}.xml"))
        assert len(files) == 1, (uri, version)


def test_authorities_are_indexed_by_key_and_role(routing: Routing) -> None:
    directory = routing.directory
    for key, authority in directory.authorities.items():
        assert directory.authority(key) == authority
        assert authority in directory.roles[authority.role]


def test_a_codelist_of_another_kind_is_refused(settings: Settings) -> None:
    kreis = next(codelist_dir(settings).glob("*schluessel_kreis_*.xml"))
    with pytest.raises(CodelistError) as info:
        read_codelist(kreis, CODELIST_URIS["ags"])
    assert "expected 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags'" in str(info.value)
    assert str(kreis) in str(info.value)


@pytest.mark.parametrize(("content", "reason"), [
    (b"not xml", "not well-formed"),
    (b"<CodeList/>", "not a genericode 1.0 CodeList"),
])
def test_unreadable_codelists_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "liste.xml"
    path.write_bytes(content)
    with pytest.raises(CodelistError, match=reason):
        read_codelist(path, CODELIST_URIS["ags"])


def test_a_codelist_without_version_is_refused(tmp_path: Path, settings: Settings) -> None:
    source = next(codelist_dir(settings).glob("*schluessel_bundesland_*.xml"))
    root = etree.parse(str(source)).getroot()
    version = root.find("Identification/Version")
    assert version is not None
    version.text = ""
    path = tmp_path / "bundesland.xml"
    path.write_bytes(etree.tostring(root))
    with pytest.raises(CodelistError, match="names no version"):
        read_codelist(path, CODELIST_URIS["bundesland"])


def test_missing_codelist_file_names_the_path(tmp_path: Path, settings: Settings) -> None:
    data = tmp_path / "routing"
    shutil.copytree(settings.routing_dir, data)
    with pytest.raises(CodelistError, match="cannot be read"):
        Directory.load(data / "authorities.toml", tmp_path / "nowhere")


def test_authority_serving_nothing_in_the_directory_is_refused(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "authorities.toml"
    text = (settings.routing_dir / "authorities.toml").read_text()
    path.write_text(text + '\n[[authority]]\nkey = "ihk:09162000"\nname = "IHK München"\nrole = "ihk"\n'
                           'serves = ["09162"]\n')
    with pytest.raises(ConfigError) as info:
        Directory.load(path, codelist_dir(settings))
    message = str(info.value)
    assert str(path) in message and "ihk:09162000" in message and "'serves'" in message


def _directory_with(tmp_path: Path, settings: Settings, entry: str) -> Directory:
    path = tmp_path / "authorities.toml"
    path.write_text((settings.routing_dir / "authorities.toml").read_text() + entry, encoding="utf-8")
    return Directory.load(path, codelist_dir(settings))


def test_an_authority_is_found_by_any_of_its_identifiers(tmp_path: Path, settings: Settings) -> None:
    directory = _directory_with(tmp_path, settings, """
[[authority]]
key = "xga:064310000001"
codelist = "urn:xoev-de:xgewerbeanzeige:codeliste:weiterekommunikationspartner"
name = "Beispiel-Berufsgenossenschaft"
role = "dguv"
serves = ["06431"]
identifiers = [{ key = "dgu:0643100", codelist = "urn:example:dguv-kennung", codelist_version = "1" }]
""")
    by_own, by_other = directory.authority("xga:064310000001"), directory.authority("dgu:0643100")
    assert by_own is not None and by_own is by_other
    assert by_own.keys == ("xga:064310000001", "dgu:0643100")
    assert directory.authority("dgu:0643199") is None


def test_an_identifier_used_twice_is_refused(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(ConfigError) as info:
        _directory_with(tmp_path, settings, """
[[authority]]
key = "xga:064310000002"
name = "Doppelt"
role = "dguv"
serves = ["06431"]
identifiers = [{ key = "ihk:06411000" }]
""")
    assert "ihk:06411000" in str(info.value) and "'identifiers'" in str(info.value)


def test_the_foreigners_office_is_known_by_its_abhkennung(routing: Routing) -> None:
    office = routing.directory.authority("azr:031300")
    assert office is not None and office.role == "auslaenderbehoerde" and not office.provisional
    assert (office.codelist, office.codelist_version) == ("urn:de:xauslaender:codelist:abhkennung", "64.0")
    assert routing.directory.responsible("auslaenderbehoerde", "06431020") == office


def test_keys_the_project_chose_itself_are_marked(routing: Routing) -> None:
    provisional = {a.role for a in routing.directory.authorities.values() if a.provisional}
    assert {"ihk", "hwk", "finanzamt", "statistik", "gewerbeaufsicht"} <= provisional
    assert not any(a.provisional for a in routing.directory.roles["gewerbeamt"])
