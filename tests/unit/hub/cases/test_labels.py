"""The citizen's wording as data: the steps a citizen reads per standard and kind, and a table checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.cases.labels import LabelTableError, fill, labels, load
from topics.envelope import Status

REQUEST = ("urkundenanforderung", "urkundenanforderung.elektronisch")
DELIVERY = ("urkundenlieferung", "urkundenlieferung.elektronisch")
CERTIFICATES = "XPersonenstand"


@pytest.mark.parametrize(("kinds", "step", "label"), [
    (REQUEST, Status.RECEIVED, "Antrag eingegangen"),
    (REQUEST, Status.DELIVERED, "an das Standesamt übermittelt"),
    (REQUEST, Status.ACCEPTED, "vom Standesamt abgerufen"),
    (DELIVERY, Status.DELIVERED, "Urkunde bereitgestellt"),
])
def test_the_four_steps_of_a_certificate_case(kinds: tuple[str, ...], step: Status, label: str) -> None:
    assert labels().step(CERTIFICATES, kinds, step, {}) == label
    assert labels().step(CERTIFICATES, kinds, step.value, {}) == label


@pytest.mark.parametrize(("standard", "kinds", "step"), [
    (CERTIFICATES, REQUEST, Status.ROUTED), (CERTIFICATES, REQUEST, Status.REJECTED),
    (CERTIFICATES, DELIVERY, Status.RECEIVED), (CERTIFICATES, DELIVERY, Status.ACCEPTED),
    ("XGewerbeanzeige", ("anmeldung",), Status.DELIVERED), ("XBau", ("baugenehmigung.antrag",), Status.ROUTED),
])
def test_technical_steps_show_no_label(standard: str, kinds: tuple[str, ...], step: Status) -> None:
    assert labels().step(standard, kinds, step, {"portal_label": "x"}) is None


def test_jargon_reads_in_plain_words_and_a_message_without_its_own_wording_shows_nothing() -> None:
    step = labels().step("XBau", ("prozessnachrichten.statusFuerAntragsportal",), Status.RECEIVED,
                         {"portal_label": "Quittierung: Eingang Vorgang"})
    assert step == "Eingang des Antrags bestätigt"
    assert labels().step("XBau", ("baugenehmigung.antrag",), Status.RECEIVED, {}) is None


def test_templates_drop_missing_facts_cleanly() -> None:
    assert fill("Bauantrag {vorhaben}, {municipality}", {"municipality": "Viernheim"}) == "Bauantrag, Viernheim"
    assert fill("Bauantrag {vorhaben}, {municipality}", {"vorhaben": "Doppelgarage", "municipality": "Viernheim"}) \
        == "Bauantrag Doppelgarage, Viernheim"


def test_a_step_the_hub_does_not_know_is_an_error() -> None:
    with pytest.raises(ValueError, match="abgeholt"):
        labels().step(CERTIFICATES, REQUEST, "abgeholt", {})


@pytest.mark.parametrize(("entries", "why"), [
    ('standard = "XBau"\nstep = "abgeholt"\nlabel = "x"', "step"),
    ('standard = "XBau"\nstep = "received"\nlabel = ""', "label"),
    ('standard = "XBau"\nstep = "received"\nlabel = "a"\n[[label]]\nstandard = "XBau"\nstep = "received"\n'
     'label = "b"', "twice"),
])
def test_a_broken_table_is_refused_with_the_entry_at_fault(tmp_path: Path, entries: str, why: str) -> None:
    path = tmp_path / "labels.toml"
    path.write_text(f"[[label]]\n{entries}\n", encoding="utf-8")
    with pytest.raises(LabelTableError, match=why):
        load(path)
