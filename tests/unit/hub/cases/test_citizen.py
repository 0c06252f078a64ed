"""The citizen's view of a case, built from what the ingest stage files for the shared samples.

Expected values come from the samples themselves (erstellungszeitpunkt, frist, bezeichnungDesBauvorhabens), the
statusbauportal wording the XBau connector reads from the code list, the plain wording of hub/cases/data/labels.toml
and the authority names of hub/routing/data/authorities.toml.
"""

from __future__ import annotations

from pathlib import Path

from hub import pipeline
from hub.cases.citizen import CitizenView, citizen_view
from hub.cases.labels import labels
from hub.cases.timeline import Entry, apply
from hub.ingest.ordering import ordering_key
from hub.ingest.processor import IngestProcessor
from hub.ingest.records import Origin
from hub.ingest.state import MemoryIngestState
from hub.pipeline import Routing
from hub.settings import Settings
from topics.envelope import StatusEvent

LIMIT = 10_000_000
BAB = "Kreis Bergstraße – Untere Bauaufsichtsbehörde"


def _filed(paths: list[Path], routing: Routing) -> tuple[str, list[Entry]]:
    """The case id and timeline the hub files for these messages, posted in this order."""
    processor, state = IngestProcessor(routing, max_bytes=LIMIT), MemoryIngestState()
    timeline: list[Entry] = []
    case_id = ""
    for offset, path in enumerate(paths):
        data = path.read_bytes()
        event = pipeline.read(data, max_bytes=LIMIT).envelope
        case_id = event.case_id
        outs = processor.process(data, ordering_key(event, routing.directory).encode(), [],
                                 Origin("t.ingest", 0, offset), state)
        statuses = [StatusEvent.model_validate_json(o.value or b"") for o in outs
                    if o.topic == routing.catalogue.status]
        timeline, _new = apply(timeline, statuses)
    return case_id, timeline


def _view(paths: list[Path], routing: Routing) -> CitizenView:
    case_id, timeline = _filed(paths, routing)
    view = citizen_view(case_id, timeline, routing.directory, labels())
    assert view is not None
    return view


def _xbau(settings: Settings) -> list[Path]:
    return sorted((settings.shared_dir / "samples" / "xbau").glob("*.xml"))


def test_a_building_permit_in_plain_german_one_step_per_event(routing: Routing, settings: Settings) -> None:
    view = _view(_xbau(settings), routing)
    assert view.procedure == "Bauantrag Neubau eines freistehenden Einfamilienhauses mit Carport, Bensheim"
    assert (view.status, view.date, view.authority) == ("Bescheid erteilt", "2026-11-20", BAB)
    assert [(s.label, s.date) for s in view.steps] == [
        ("Bauantrag eingereicht", "2026-10-05"),
        ("Eingang des Antrags bestätigt", "2026-10-05"),       # the 1120, and the 1170 code 14 said the same
        ("Aktenzeichen vergeben: 63/BV/2026/01234", "2026-10-07"),
        ("Unterlagen nachgefordert", "2026-10-16"),
        ("Bescheid erteilt", "2026-11-20"),                    # the 0205 and the 1170 code 10: one event
    ]
    assert view.steps[0].authority == BAB  # sent by the Bauportal for the applicant, addressed to the authority
    assert view.deadline is None and view.action is None  # the documents' deadline belonged to an earlier step


def test_documents_asked_for_show_the_deadline_and_what_to_do(routing: Routing, settings: Settings) -> None:
    asked = [p for p in _xbau(settings) if "status17" in p.name]
    view = _view(asked, routing)
    assert (view.status, view.date, view.deadline) == ("Unterlagen nachgefordert", "2026-10-16", "2026-11-06")
    assert view.action is not None and "2026-11-06" in view.action


def test_trade_notifications_have_german_labels_per_kind(routing: Routing, trade_samples: list[Path]) -> None:
    expected = {
        "anmeldung": ("Gewerbeanmeldung Bensheim", "Gewerbeanmeldung eingegangen", "Stadt Bensheim – Gewerbeamt"),
        "ummeldung": ("Gewerbeummeldung Bensheim", "Gewerbeummeldung eingegangen", "Stadt Bensheim – Gewerbeamt"),
        "abmeldung": ("Gewerbeabmeldung Viernheim", "Gewerbeabmeldung eingegangen", "Stadt Viernheim – Gewerbeamt"),
    }
    for kind, (procedure, first, office) in expected.items():
        sample = next(p for p in trade_samples if f"_{kind}_" in p.name)
        view = _view([sample], routing)
        assert view.procedure == procedure
        assert [s.label for s in view.steps] == [first, "an die zuständigen Stellen weitergeleitet"]
        assert view.steps[0].authority == office
