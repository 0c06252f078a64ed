"""The records on the hub's topics keep their published shape; a change must regenerate topics/schemas/."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from topics.envelope import DeadLetter, Envelope, Status, StatusEvent
from topics.schemas import PUBLISHED, SCHEMA_DIR, render


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_schema_matches_the_model(name: str) -> None:
    published = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert render(PUBLISHED[name]) == published, f"run `python -m topics.schemas` if the change to {name} is meant"


def _round_trip(record: BaseModel) -> None:
    data = json.loads(record.model_dump_json())
    assert type(record).model_validate(data) == record


def test_records_round_trip_through_json() -> None:
    envelope = Envelope(case_id="c", message_id="m", standard="XGewerbeanzeige", version="2.1", message_type="0300",
                        kinds=("anmeldung",), author="MELDID:06431002", reader="ihk:06411000", ags="06431002",
                        occurred_at="2026-11-13T11:05:00+01:00")
    _round_trip(envelope)
    _round_trip(StatusEvent(case_id="c", status=Status.DELIVERED, recipient="fin:2605"))
    _round_trip(DeadLetter(reason_code="xml.malformed", reason="r", origin="http", topic="t", partition=1, offset=2))


def test_envelope_is_frozen() -> None:
    status = StatusEvent(case_id="c", status=Status.RECEIVED)
    with pytest.raises(ValueError, match="frozen"):
        status.case_id = "other"  # type: ignore[misc]
