"""Keys, AGS and codes are ASCII: a Unicode digit that Python's `\\d` would take is refused with a 422 reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from connectors.building.parse import behoerde as building_authority
from connectors.civil_status.parse import behoerde as civil_status_authority
from connectors.errors import ConnectorError, InvalidField, UnknownMessageType
from connectors.reading import read_message
from connectors.registration.model import is_xmeld_namespace
from hub.settings import Settings

FULLWIDTH_TWO = "\uff12"  # "２", a digit to \d and str.isdigit, not to the standards
LIMIT = 1_000_000


def _sample(settings: Settings, folder: str, stem: str) -> bytes:
    return next((settings.shared_dir / "samples" / folder).glob(f"{stem}*.xml")).read_bytes()


def _with_text(data: bytes, xpath: str, value: str) -> bytes:
    """The message with the text of every element `xpath` selects (by local names) set to `value`."""
    root = etree.fromstring(data)
    found = root.xpath(xpath)
    assert isinstance(found, list) and found, xpath
    for node in found:
        assert isinstance(node, etree._Element)
        node.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _name(local: str) -> str:
    return f"*[local-name()='{local}']"


AUTHOR_KEY = f"/*/{_name('nachrichtenkopf')}/{_name('autor')}/{_name('behoerdenkennung')}/{_name('kennung')}/code"
G2G_AUTHOR = "nachrichtenkopf.g2g/autor/kennung"
CASES = {
    # sample folder, file stem, xpath of the key, new value; the field, code and part of the reason expected
    "trade author key": ("xgewerbeanzeige", "01_", AUTHOR_KEY, f"0643100{FULLWIDTH_TWO}",
                         "nachrichtenkopf/autor/behoerdenkennung/kennung", "message.invalid_field", "U+FF12"),
    "trade AGS": ("xgewerbeanzeige", "01_", f"//{_name('gemeindeSchluessel')}/code", f"0643100{FULLWIDTH_TWO}",
                  "satz/anmeldung/gemeindeSchluessel", "message.invalid_field", "achtstelliger Gemeindeschlüssel"),
    "XMeld author key": ("xmeld", "01_", AUTHOR_KEY, f"0643100{FULLWIDTH_TWO}",
                         "nachrichtenkopf/autor/behoerdenkennung/kennung", "message.invalid_field", "U+FF12"),
    # the XBau and XPersonenstand XSDs already refuse the character, before the hub's key check
    "XBau author key": ("xbau", "02_", f"/*/{_name('nachrichtenkopf.g2g')}/{_name('autor')}/{_name('kennung')}",
                        f"bab:0643100{FULLWIDTH_TWO}",
                        f"/xbauk:prozessnachrichten.eingangsbestaetigung.1120/{G2G_AUTHOR}", "schema.invalid",
                        "Zeile 22"),
    "XPersonenstand author key": ("xpersonenstand", "01_", f"/*/{_name('nachrichtenkopf.g2g')}/{_name('autor')}/"
                                  f"{_name('kennung')}", f"dbs:0699900{FULLWIDTH_TWO}",
                                  f"/xps:portal2StA.Geburt.081030/{G2G_AUTHOR}", "schema.invalid", "Muster"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_unicode_digit_in_a_key_is_refused_with_a_precise_reason(case: str, settings: Settings) -> None:
    folder, stem, xpath, value, field, code, reason = CASES[case]
    data = _with_text(_sample(settings, folder, stem), xpath, value)
    with pytest.raises(ConnectorError) as info:
        read_message(data, max_bytes=LIMIT, config=settings.connector_config)
    found = {e.field: e for e in info.value.all_errors}
    assert field in found, [str(e) for e in info.value.all_errors]
    assert found[field].http_status == 422
    assert found[field].code == code
    assert reason in found[field].detail


@pytest.mark.parametrize("header_authority", [building_authority, civil_status_authority])
def test_the_g2g_header_checks_name_the_character(header_authority: Callable[[etree._Element, str], object]) -> None:
    """Behind the XSDs, the connectors' own check of a g2g header key."""
    with pytest.raises(InvalidField) as info:
        header_authority(etree.fromstring(
            f"<m><nachrichtenkopf.g2g><autor><kennung>bab:0643100{FULLWIDTH_TWO}</kennung></autor>"
            "</nachrichtenkopf.g2g></m>"), "autor")
    assert info.value.field == "nachrichtenkopf.g2g/autor/kennung/kennung"
    assert "U+FF12 FULLWIDTH DIGIT TWO" in info.value.detail


def test_the_xbau_plot_ags_is_ascii(settings: Settings) -> None:
    data = _with_text(_sample(settings, "xbau", "01_"), f"//{_name('gemeindeschluessel')}/code",
                      f"0643100{FULLWIDTH_TWO}")
    with pytest.raises(ConnectorError) as info:
        read_message(data, max_bytes=LIMIT, config=settings.connector_config)
    assert all(e.http_status == 422 for e in info.value.all_errors)


def test_a_message_type_with_unicode_digits_is_not_recognised(settings: Settings) -> None:
    data = _sample(settings, "xgewerbeanzeige", "01_").replace(b"alg.gewerbemeldung.0300",
                                                                f"alg.gewerbemeldung.030{FULLWIDTH_TWO}".encode())
    with pytest.raises(UnknownMessageType):
        read_message(data, max_bytes=LIMIT, config=settings.connector_config)


def test_an_xmeld_namespace_with_unicode_digits_is_no_xmeld() -> None:
    assert is_xmeld_namespace("http://www.osci.de/xmeld243")
    assert not is_xmeld_namespace(f"http://www.osci.de/xmeld24{FULLWIDTH_TWO}")


def test_the_ascii_samples_still_read(settings: Settings) -> None:
    for folder in ("xgewerbeanzeige", "xbau", "xmeld", "xpersonenstand"):
        for path in sorted((settings.shared_dir / "samples" / folder).glob("*.xml")):
            reading = read_message(Path(path).read_bytes(), max_bytes=LIMIT, config=settings.connector_config)
            assert reading.envelope.author.isascii()
