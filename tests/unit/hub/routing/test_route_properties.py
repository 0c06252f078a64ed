"""Properties of routing over random municipalities of the directory, kinds, crafts and readers."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.app.factory import load_routing
from hub.routing.route import route
from hub.settings import Settings
from topics.envelope import Envelope

ROUTING = load_routing(Settings())  # loaded once: strategies draw from the real directory and rules
DIRECTORY, RULES = ROUTING.directory, ROUTING.rules
ALL_AGS = sorted(DIRECTORY.municipalities)
IN_SCOPE = sorted(a for a in ALL_AGS if any(a.startswith(p) for r in RULES.rules for p in r.scope))
KINDS = sorted({k for r in RULES.rules for k in r.kinds})
STANDARDS = sorted({r.standard for r in RULES.rules})


@st.composite
def events(draw: st.DrawFn) -> Envelope:
    ags = draw(st.one_of(st.sampled_from(IN_SCOPE), st.sampled_from(ALL_AGS)))
    standard = draw(st.sampled_from(STANDARDS))
    readers = sorted(a.key for a in DIRECTORY.authorities.values() if a.role in RULES.stream_roles(standard))
    return Envelope(
        case_id="c", message_id="m", standard=standard, version="2.1", message_type="0300",
        kinds=tuple(draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True))),
        author=draw(st.sampled_from(sorted(DIRECTORY.authorities))),
        reader=draw(st.sampled_from(readers)),
        ags=ags, occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        attributes={"handwerk": draw(st.sampled_from(["ja", "nein"]))},
    )


def _entitled(event: Envelope) -> set[str]:
    """Authorities the rules may name for this event: of a role some applicable rule lists, serving its AGS."""
    roles = {concrete for rule in RULES.rules if rule.applies(event.standard, event.kinds, event.ags)
             for role in rule.recipients for concrete in RULES.concrete_roles(role)}
    return {a.key for a in DIRECTORY.authorities.values() if a.role in roles and a.coverage(event.ags)}


@settings(max_examples=300, deadline=None)
@given(events())
def test_every_message_has_a_recipient_none_twice_and_none_outside_the_rules(event: Envelope) -> None:
    recipients = route(event, DIRECTORY, RULES, ROUTING.catalogue)
    keys = [r.key for r in recipients]
    assert keys, "no recipient"
    assert len(keys) == len(set(keys)), keys
    assert set(keys) <= _entitled(event) | {event.reader}
    assert event.author not in keys or event.author == event.reader


@settings(max_examples=200, deadline=None)
@given(events())
def test_every_role_of_an_applicable_rule_is_served(event: Envelope) -> None:
    recipients = route(event, DIRECTORY, RULES, ROUTING.catalogue)
    present = {r.role for r in recipients} | {DIRECTORY.authorities[event.author].role}
    for rule in RULES.rules:
        if rule.applies(event.standard, event.kinds, event.ags):
            for role in rule.recipients:
                assert present & set(RULES.concrete_roles(role)), (rule.id, role)
