"""Key checks accept the ASCII digits and letters the standards define, and no other Unicode digit or letter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hub.auth.tokens import Grant
from hub.routing.directory import Authority, Municipality
from topics.envelope import Envelope
from topics.keys import ascii_digits, first_foreign_character, is_dvdv_key

# each is a digit to Python's \d and str.isdigit: full-width, Arabic-Indic, Devanagari, superscript two
UNICODE_DIGITS = ("\uff12", "\u0662", "\u0968", "\u00b2")


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_only_ascii_digits_are_digits(digit: str) -> None:
    assert ascii_digits("06431002")
    assert not ascii_digits(f"0643100{digit}")
    assert not is_dvdv_key(f"MELDID:0643100{digit}")


def test_a_dvdv_key_is_prefix_colon_key() -> None:
    assert is_dvdv_key("MELDID:06431002") and is_dvdv_key("ags:06431020")
    for bad in ("MELDID06431002", "MELDID:", ":06431002", "MELD-ID:06431002", "MELDID:0643 1002", "ags:06431020\n"):
        assert not is_dvdv_key(bad), bad


def test_the_foreign_character_is_named_with_its_code_point_and_position() -> None:
    assert first_foreign_character("0643100\uff12") == "'２' (U+FF12 FULLWIDTH DIGIT TWO) an Stelle 8"
    assert first_foreign_character("06431002") is None
    assert first_foreign_character("bab", "0-9") == "'b' (U+0062 LATIN SMALL LETTER B) an Stelle 1"


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
def test_models_refuse_unicode_digits_in_keys(digit: str) -> None:
    envelope = {"case_id": "c", "message_id": "m", "standard": "XGewerbeanzeige", "version": "2.1",
                "message_type": "0300", "kinds": ("anmeldung",), "author": "MELDID:06431002",
                "reader": "ihk:06411000", "ags": "06431002", "occurred_at": "2026-11-13T11:05:00+01:00"}
    Envelope.model_validate(envelope)
    for name in ("author", "reader", "ags"):
        with pytest.raises(ValidationError):
            Envelope.model_validate({**envelope, name: f"{envelope[name][:-1]}{digit}"})
    with pytest.raises(ValidationError):
        Municipality(ags=f"0643100{digit}", name="x", district="06431", district_name="x", state="06",
                     state_name="Hessen")
    with pytest.raises(ValidationError):
        Authority(key=f"MELDID:0643100{digit}", name="x", role="gewerbeamt", serves=("06431002",))
    with pytest.raises(ValidationError):
        Grant(system="s", sha256="0" * 64, authorities=(f"MELDID:0643100{digit}",))
