"""What the citizen reads: four German steps of a certificate case, from a checked data table."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.civil_status.labels import LabelTableError, citizen_label, read_labels
from topics.envelope import Status

REQUEST = ("urkundenanforderung", "urkundenanforderung.elektronisch")
DELIVERY = ("urkundenlieferung", "urkundenlieferung.elektronisch")


@pytest.mark.parametrize(("kinds", "step", "label"), [
    (REQUEST, Status.RECEIVED, "Antrag eingegangen"),
    (REQUEST, Status.DELIVERED, "an das Standesamt übermittelt"),
    (REQUEST, Status.ACCEPTED, "vom Standesamt abgerufen"),
    (DELIVERY, Status.DELIVERED, "Urkunde bereitgestellt"),
])
def test_the_four_steps_the_citizen_sees(kinds: tuple[str, ...], step: Status, label: str) -> None:
    assert citizen_label(kinds, step) == label
    assert citizen_label(kinds, step.value) == label


@pytest.mark.parametrize(("kinds", "step"), [
    (REQUEST, Status.ROUTED), (REQUEST, Status.REJECTED), (DELIVERY, Status.RECEIVED), (DELIVERY, Status.ACCEPTED),
    (("anmeldung",), Status.RECEIVED),
])
def test_other_steps_show_no_label(kinds: tuple[str, ...], step: Status) -> None:
    assert citizen_label(kinds, step) is None


def test_a_step_the_hub_does_not_know_is_an_error() -> None:
    with pytest.raises(ValueError, match="abgeholt"):
        citizen_label(REQUEST, "abgeholt")


@pytest.mark.parametrize(("entries", "why"), [
    ('kind = "urkundenanforderung"\nstep = "abgeholt"\nlabel = "x"', "step"),
    ('kind = "bauantrag"\nstep = "received"\nlabel = "x"', "bauantrag"),
    ('kind = "urkundenanforderung"\nstep = "received"\nlabel = ""', "label"),
    ('kind = "urkundenanforderung"\nstep = "received"\nlabel = "a"\n[[label]]\nkind = "urkundenanforderung"\n'
     'step = "received"\nlabel = "b"', "twice"),
])
def test_a_broken_table_is_refused_with_the_entry_at_fault(tmp_path: Path, entries: str, why: str) -> None:
    path = tmp_path / "labels.toml"
    path.write_text(f"[[label]]\n{entries}\n", encoding="utf-8")
    with pytest.raises(LabelTableError, match=why):
        read_labels(path)
