"""Routing: one pure function from an event to its recipients, driven only by the directory and the rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hub.delivery.channels import KafkaChannel
from hub.routing.by_place import responsible_for_place
from hub.routing.directory import Authority, Directory
from hub.routing.errors import (
    KindMismatch,
    NoRecipient,
    OutsideServedStates,
    ReaderMismatch,
    UnknownAuthority,
    UnknownKind,
    UnknownMunicipality,
)
from hub.routing.kinds import Kinds, RecipientKind
from hub.routing.rules import Policy, Rules
from topics.catalogue import Catalogue
from topics.envelope import RECIPIENT_KIND, Envelope

ADDRESSED_READER = "addressed reader"


@dataclass(frozen=True)
class Recipient:
    """One authority that receives the message: on which topic, chosen by which rule, under which policy.

    `policy` is None for the addressed reader, who receives the message exactly as sent; `kind` is the recipient
    kind its copy is of, where the standard's message types name one (None otherwise).
    """

    authority: Authority
    role: str
    rule: str
    topic: str
    policy: Policy | None
    also: tuple[str, ...] = ()  # further rules that named the same authority
    kind: str | None = None

    @property
    def key(self) -> str:
        return self.authority.key

    @property
    def as_sent(self) -> bool:
        return self.policy is None


def _kind(event: Envelope, reader: Authority, kinds: Kinds | None) -> tuple[str | None, RecipientKind | None]:
    """The message's recipient kind, checked against the addressed reader's role."""
    if kinds is None:
        return None, None
    name = event.attributes.get(RECIPIENT_KIND)
    kind = kinds.get(name)
    if name is None or kind is None:
        raise UnknownKind(f"die Nachrichtenart {name or '(keine)'} ist für {event.standard} nicht vorgesehen "
                          f"(bekannt: {kinds.known()})", field=RECIPIENT_KIND)
    if reader.role not in kind.roles:
        allowed = ", ".join(kind.roles) or "keine Rolle, die der Hub bedient"
        raise KindMismatch(f"die Nachrichtenart {name} ist für {allowed}; der adressierte Leser {reader.key} hat die "
                           f"Rolle {reader.role}", field="reader")
    return name, kind


def route(event: Envelope, directory: Directory, rules: Rules, catalogue: Catalogue) -> tuple[Recipient, ...]:
    """Every recipient of `event`, each once: the addressed reader first, then those the rules name.

    A message of a recipient-specific kind goes to its addressed reader alone. Raises a RoutingError when the
    municipality, the reader, its kind or a rule's role cannot be resolved.
    """
    if directory.region_name(event.ags) is None:
        elsewhere = directory.places.by_ags.get(event.ags)
        if elsewhere is not None:
            served = ", ".join(sorted(directory.states.values()))
            raise OutsideServedStates(f"Die Gemeinde {event.ags} ({elsewhere.name}) liegt in {elsewhere.state_name}, "
                                      f"außerhalb der Länder, die der Hub bedient ({served}).", field="ags")
        raise UnknownMunicipality(f"die Gemeinde {event.ags} ist nicht im Verzeichnis", field="ags")
    reader = directory.authority(event.reader)
    if reader is None:
        raise UnknownAuthority(f"der adressierte Leser {event.reader} ist nicht im Verzeichnis", field="reader")
    if reader.role not in rules.stream_roles(event.standard):
        raise NoRecipient(f"der adressierte Leser {reader.key} ({reader.role}) hat keinen {event.standard}-Strom; "
                          "seine Rolle in [streams] oder einer Regel eintragen", field="reader")
    family, kinds = rules.family(event.standard), rules.kinds_of(event.standard)
    kind_name, kind = _kind(event, reader, kinds)
    distribute = kind is None or kind.general
    if not distribute and directory.responsible(reader.role, event.ags) != reader:
        raise ReaderMismatch(f"die Nachrichtenart {kind_name} geht nur an die zuständige Stelle; der adressierte Leser "
                             f"{reader.key} ist für die Gemeinde {event.ags} nicht zuständig", field="reader")
    reader_topic = topic_for(catalogue, event.standard, reader)
    recipients = {reader.key: Recipient(reader, reader.role, ADDRESSED_READER, reader_topic, None, kind=kind_name)}
    for rule in rules.rules:
        if not rule.applies(family, event.kinds, event.ags, kind_name):
            continue
        chosen: set[str] = set()
        for role in rule.recipients:
            concrete, authority = _recipient(role, rule.id, event, directory, rules)
            chosen.add(authority.key)
            if authority.key == event.author or not distribute:
                continue  # the sender has the message already; a recipient-specific one goes to its reader alone
            known = recipients.get(authority.key)
            if known is not None:
                if rule.id != known.rule and rule.id not in known.also:
                    recipients[authority.key] = replace(known, also=(*known.also, rule.id))
                continue
            topic = topic_for(catalogue, event.standard, authority)
            recipients[authority.key] = Recipient(authority, concrete, rule.id, topic, rules.policies[concrete],
                                                  kind=kinds.of_role(concrete) if kinds else None)
        if rule.reader_must_match and reader.key not in chosen:
            raise ReaderMismatch(f"Regel {rule.id}: die Nachricht ist an {reader.key} adressiert, ihre eigenen Daten "
                                 f"verweisen aber auf {', '.join(sorted(chosen))}", field="reader")
    return tuple(recipients.values())


def topic_for(catalogue: Catalogue, standard: str, authority: Authority) -> str:
    """Where a recipient's copy goes: its own topic when it reads Kafka itself, else the shared delivery stream."""
    if isinstance(authority.delivery, KafkaChannel):
        return catalogue.kafka_outbound(standard, authority.key)
    return catalogue.delivery


def _recipient(role: str, rule_id: str, event: Envelope, directory: Directory,
               rules: Rules) -> tuple[str, Authority]:
    """The directory role a rule's role stands for, and the authority of that role for this event."""
    derived = rules.roles.get(role)
    if derived is not None and derived.place_from is not None:
        concrete = _concrete(role, rule_id, event, rules)
        return concrete, responsible_for_place(concrete, derived.place_from, event, directory)
    concrete, ags = _resolve(role, rule_id, event, directory, rules)
    authority = directory.responsible(concrete, ags)
    if authority is None:
        raise NoRecipient(f"Regel {rule_id}: die Rolle '{role}' hat keine Behörde für die Gemeinde {ags}",
                          field="recipients")
    return concrete, authority


def _concrete(role: str, rule_id: str, event: Envelope, rules: Rules) -> str:
    """The directory role a derived role picks for this event."""
    concrete = rules.roles[role].resolve(event.attributes)
    if concrete is None:
        raise NoRecipient(f"Regel {rule_id}: keiner der Fälle der Rolle '{role}' passt auf diese Nachricht",
                          field="recipients")
    return concrete


def _resolve(role: str, rule_id: str, event: Envelope, directory: Directory, rules: Rules) -> tuple[str, str]:
    """The directory role and the municipality a rule's role stands for, for this event."""
    derived = rules.roles.get(role)
    if derived is None:
        return role, event.ags
    concrete = _concrete(role, rule_id, event, rules)
    if derived.ags_from is None:
        return concrete, event.ags
    ags = event.attributes.get(derived.ags_from)
    if ags is None:
        raise NoRecipient(f"Regel {rule_id}: die Rolle '{role}' braucht '{derived.ags_from}', das der Nachricht fehlt",
                          field=derived.ags_from)
    if directory.municipality(ags) is None:
        raise UnknownMunicipality(f"Regel {rule_id}: Rolle '{role}': die Gemeinde {ags} ({derived.ags_from}) ist "
                                  "nicht im Verzeichnis", field=derived.ags_from)
    return concrete, ags
