"""Properties of routing over random municipalities of the directory, kinds, crafts and readers."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.app.factory import load_routing
from hub.routing.route import route
from hub.settings import Settings
from topics.envelope import RECIPIENT_KIND, Envelope

ROUTING = load_routing(Settings())  # loaded once: strategies draw from the real directory and rules
DIRECTORY, RULES = ROUTING.directory, ROUTING.rules
ALL_AGS = sorted(DIRECTORY.municipalities)
IN_SCOPE = sorted(a for a in ALL_AGS if any(a.startswith(p) for r in RULES.rules for p in r.scope))
# Roles resolved by a place name need messages that name a place; test_route_civil_status.py covers those standards.
BY_PLACE = {r.standard for r in RULES.rules for role in r.recipients
            if (derived := RULES.roles.get(role)) is not None and derived.place_from}
STANDARDS = sorted({r.standard for r in RULES.rules} - BY_PLACE)
KINDS = {s: sorted({k for r in RULES.rules if r.standard == s for k in r.kinds}) for s in STANDARDS}
# recipient kinds (where the standard names them) that some authority may receive
RECIPIENT_KINDS = {s: sorted(n for n, k in RULES.kinds[s].kinds.items() if k.roles) for s in RULES.kinds}


def _recipient_kind(event: Envelope) -> str | None:
    return event.attributes.get(RECIPIENT_KIND)


def _reader_the_data_points_to(standard: str, kinds: tuple[str, ...], ags: str, attributes: dict[str, str],
                               draw: st.DrawFn) -> str | None:
    """For rules that only trust the message's data, a reader that matches it (looked up in the directory)."""
    kind = attributes.get(RECIPIENT_KIND)
    strict = [r for r in RULES.rules if r.reader_must_match and r.applies(standard, kinds, ags, kind)]
    if not strict:
        return None
    role = draw(st.sampled_from(strict[0].recipients))
    derived = RULES.roles.get(role)
    concrete = derived.resolve(attributes) if derived else role
    where = attributes[derived.ags_from] if derived and derived.ags_from else ags
    assert concrete is not None
    authority = DIRECTORY.responsible(concrete, where)
    assert authority is not None
    return authority.key


@st.composite
def events(draw: st.DrawFn) -> Envelope:
    ags = draw(st.one_of(st.sampled_from(IN_SCOPE), st.sampled_from(ALL_AGS)))
    standard = draw(st.sampled_from(STANDARDS))
    several = 3 if standard == "XGewerbeanzeige" else 1  # only a Gewerbemeldung holds several records
    kinds = tuple(draw(st.lists(st.sampled_from(KINDS[standard]), min_size=1, max_size=several, unique=True)))
    attributes = {"handwerk": draw(st.sampled_from(["ja", "nein"])),
                  "vorherige_gemeinde": draw(st.sampled_from(ALL_AGS))}
    fitting = RULES.stream_roles(standard)
    readers = sorted(a.key for a in DIRECTORY.authorities.values() if a.role in fitting)
    if standard in RECIPIENT_KINDS:  # the message type names its kind of recipient: the reader must be of it
        kinds_ = RULES.kinds[standard].kinds
        # a recipient-specific kind goes to the authority responsible for the municipality; a general one to any
        responsible = {k: [a.key for r in kinds_[k].roles if (a := DIRECTORY.responsible(r, ags)) is not None]
                       for k in RECIPIENT_KINDS[standard] if not kinds_[k].general}
        kind = draw(st.sampled_from([k for k in RECIPIENT_KINDS[standard] if kinds_[k].general or responsible[k]]))
        attributes[RECIPIENT_KIND] = kind
        readers = responsible.get(kind) or sorted(a.key for a in DIRECTORY.authorities.values()
                                                  if a.role in fitting & set(kinds_[kind].roles))
    reader = _reader_the_data_points_to(standard, kinds, ags, attributes, draw) or draw(st.sampled_from(readers))
    return Envelope(
        case_id="c", message_id="m", standard=standard, version="1", message_type="0300", kinds=kinds,
        author=draw(st.sampled_from(sorted(DIRECTORY.authorities))), reader=reader, ags=ags,
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC), attributes=attributes,
    )


def _entitled(event: Envelope) -> set[str]:
    """Authorities the rules may name for this event: of a role some applicable rule lists, serving the AGS
    concerned or, for roles resolved elsewhere, the AGS the message names."""
    entitled: set[str] = set()
    kinds = RULES.kinds_of(event.standard)
    kind = kinds.get(_recipient_kind(event)) if kinds else None
    if kind is not None and not kind.general:
        return entitled  # a recipient-specific message: its addressed reader alone
    for rule in RULES.rules:
        if not rule.applies(event.standard, event.kinds, event.ags, _recipient_kind(event)):
            continue
        for role in rule.recipients:
            derived = RULES.roles.get(role)
            where = event.attributes[derived.ags_from] if derived and derived.ags_from else event.ags
            entitled |= {a.key for a in DIRECTORY.authorities.values()
                         if a.role in RULES.concrete_roles(role) and a.coverage(where)}
    return entitled


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
        if rule.applies(event.standard, event.kinds, event.ags, _recipient_kind(event)):
            for role in rule.recipients:
                assert present & set(RULES.concrete_roles(role)), (rule.id, role)


@settings(max_examples=200, deadline=None)
@given(events())
def test_a_message_for_one_kind_of_recipient_reaches_its_addressed_reader_alone(event: Envelope) -> None:
    kinds = RULES.kinds_of(event.standard)
    kind = kinds.get(_recipient_kind(event)) if kinds else None
    recipients = route(event, DIRECTORY, RULES, ROUTING.catalogue)
    if kind is not None and not kind.general:
        assert [r.key for r in recipients] == [event.reader]
    for recipient in recipients:  # every copy is of a kind its recipient may receive
        assert kind is None or recipient.role in RULES.kinds[RULES.family(event.standard)].kinds[
            str(recipient.kind)].roles
