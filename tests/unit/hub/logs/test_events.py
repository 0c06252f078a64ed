"""The pipeline's log lines: typed fields only, each checked, so no payload or name can reach a line."""

from __future__ import annotations

import logging

import pytest

from hub.logs import events
from hub.logs.events import REJECTED, fields

CASE = "0b4a8f6e-3c55-5d3e-9a51-2f1f0d3b9c11"


def _f(record: logging.LogRecord, *names: str) -> tuple[object, ...]:
    """The record's message and the named fields (absent ones as None)."""
    return (record.getMessage(), *(record.__dict__.get(n) for n in names))


def _lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "hub.events"]


def test_one_line_per_delivery_attempt_with_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hub.events")
    events.delivery_attempt(case_id=CASE, message_id="m-1", standard="XGewerbeanzeige", recipient="xga:06431000",
                            channel="webhook", attempt=3, delivered=False, reason="http.503")
    events.delivery_attempt(case_id=CASE, message_id="m-1", standard="XGewerbeanzeige", recipient="xga:06431000",
                            channel="webhook", attempt=4, delivered=True, reason="http.503")
    failed, delivered = _lines(caplog)
    assert (failed.levelno, failed.getMessage()) == (logging.WARNING, "delivery.attempt")
    assert {k: getattr(failed, k) for k in ("case_id", "recipient", "channel", "attempt", "outcome", "reason")} == {
        "case_id": CASE, "recipient": "xga:06431000", "channel": "webhook", "attempt": 3, "outcome": "failed",
        "reason": "http.503"}
    assert (delivered.levelno, delivered.__dict__["outcome"], hasattr(delivered, "reason")) == (
        logging.INFO, "delivered", False)


def test_routed_portal_and_parked_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hub.events")
    events.routed(case_id=CASE, message_id="m-2", standard="XBau", recipients=2)
    events.portal_push_failed(case_id=CASE, attempt=1, reason="timeout")
    events.parked(reason="xml.malformed", stage="http")
    routed, portal, parked = _lines(caplog)
    assert routed.levelno == logging.INFO and portal.levelno == parked.levelno == logging.WARNING
    assert _f(routed, "stage", "recipients") == ("message.routed", "routed", 2)
    assert _f(portal, "recipient", "outcome", "attempt") == ("portal.push_failed", "portal", "failed", 1)
    assert _f(parked, "reason", "stage", "case_id") == ("record.parked", "xml.malformed", "http", None)


@pytest.mark.parametrize(("name", "value"), [
    ("case_id", "Max Mustermann"),                        # a name has a space
    ("message_id", "<xga:familienname>Muster</xga:familienname>"),
    ("reason", "HTTP 500: Internal Server Error"),        # free text instead of a code
    ("recipient", "https://user:pw@host/hook"),
    ("standard", "XBau; DROP"),
    ("attempt", -1),
    ("recipients", True),
])
def test_a_value_without_its_fields_shape_is_rejected(name: str, value: str | int) -> None:
    assert fields(**{name: value}) == {name: REJECTED}


def test_only_declared_fields_exist() -> None:
    with pytest.raises(TypeError, match="payload is not a log field"):
        fields(payload="<xml/>")
    assert fields(case_id=CASE, recipient=None) == {"case_id": CASE}
