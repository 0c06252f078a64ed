"""Moves between municipalities: the office of the previous address is found from the message's own data."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub import pipeline
from hub.pipeline import Routing
from hub.routing.errors import ReaderMismatch, UnknownMunicipality
from hub.routing.route import route
from hub.settings import Settings
from topics.envelope import Envelope


@pytest.fixture(scope="module")
def request_0300(settings: Settings) -> Envelope:
    path = next((settings.shared_dir / "samples" / "xmeld").glob("*datenanforderung*.xml"))
    return pipeline.read(path.read_bytes(), max_bytes=10**6).envelope


def _moved(event: Envelope, previous: str, reader: str | None = None) -> Envelope:
    return event.model_copy(update={"attributes": {**event.attributes, "vorherige_gemeinde": previous},
                                    "reader": reader or f"ags:{previous}"})


def _keys(event: Envelope, routing: Routing) -> list[str]:
    return [r.key for r in route(event, routing.directory, routing.rules, routing.catalogue)]


def test_the_sample_move_goes_to_the_previous_office(request_0300: Envelope, routing: Routing) -> None:
    previous = request_0300.attributes["vorherige_gemeinde"]
    assert _keys(request_0300, routing) == [f"ags:{previous}"]


def test_a_move_from_elsewhere_in_hesse_reaches_that_office(request_0300: Envelope, routing: Routing) -> None:
    darmstadt = next(a for a, m in routing.directory.municipalities.items() if m.name.startswith("Darmstadt"))
    assert _keys(_moved(request_0300, darmstadt), routing) == [f"ags:{darmstadt}"]


def test_a_move_within_one_municipality(request_0300: Envelope, routing: Routing) -> None:
    same = _moved(request_0300, request_0300.ags).model_copy(update={"author": f"ags:{request_0300.ags}"})
    assert _keys(same, routing) == [f"ags:{request_0300.ags}"]


def test_the_senders_claim_alone_is_not_enough(request_0300: Envelope, routing: Routing) -> None:
    heppenheim = "ags:06431011"
    with pytest.raises(ReaderMismatch) as info:
        _keys(_moved(request_0300, request_0300.attributes["vorherige_gemeinde"], reader=heppenheim), routing)
    assert heppenheim in info.value.detail


def test_a_move_from_an_unknown_municipality_is_refused(request_0300: Envelope, routing: Routing) -> None:
    with pytest.raises(UnknownMunicipality) as info:
        _keys(_moved(request_0300, "09162000", reader="ags:06431020"), routing)
    assert "09162000" in info.value.detail and "vorherige_gemeinde" in info.value.detail


def test_every_shared_sample_is_recognised(settings: Settings, tmp_path: Path) -> None:
    for path in sorted((settings.shared_dir / "samples").glob("*/*.xml")):
        reading = pipeline.read(path.read_bytes(), max_bytes=10**6)
        assert reading.envelope.standard in {"XGewerbeanzeige", "XBau", "XMeld", "XPersonenstand"}, path
