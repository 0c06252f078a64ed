"""Routing: one pure function from an event to its recipients, driven only by the directory and the rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hub.delivery.channels import KafkaChannel
from hub.routing.by_place import responsible_for_place
from hub.routing.directory import Authority, Directory
from hub.routing.errors import (
    NoRecipient,
    OutsideServedStates,
    ReaderMismatch,
    UnknownAuthority,
    UnknownMunicipality,
)
from hub.routing.rules import Policy, Rules
from topics.catalogue import Catalogue
from topics.envelope import Envelope

ADDRESSED_READER = "addressed reader"


@dataclass(frozen=True)
class Recipient:
    """One authority that receives the message: on which topic, chosen by which rule, under which policy.

    `policy` is None for the addressed reader, who receives the message exactly as sent.
    """

    authority: Authority
    role: str
    rule: str
    topic: str
    policy: Policy | None
    also: tuple[str, ...] = ()  # further rules that named the same authority

    @property
    def key(self) -> str:
        return self.authority.key

    @property
    def as_sent(self) -> bool:
        return self.policy is None


def route(event: Envelope, directory: Directory, rules: Rules, catalogue: Catalogue) -> tuple[Recipient, ...]:
    """Every recipient of `event`, each once: the addressed reader first, then those the rules name.

    Raises a RoutingError when the municipality, the reader or a rule's role cannot be resolved.
    """
    if directory.region_name(event.ags) is None:
        elsewhere = directory.places.by_ags.get(event.ags)
        if elsewhere is not None:
            served = ", ".join(sorted(directory.states.values()))
            raise OutsideServedStates(f"Die Gemeinde {event.ags} ({elsewhere.name}) liegt in {elsewhere.state_name}, "
                                      f"außerhalb der Länder, die der Hub bedient ({served}).", field="ags")
        raise UnknownMunicipality(f"municipality {event.ags} is not in the directory", field="ags")
    reader = directory.authority(event.reader)
    if reader is None:
        raise UnknownAuthority(f"the addressed reader {event.reader} is not in the directory", field="reader")
    if reader.role not in rules.stream_roles(event.standard):
        raise NoRecipient(f"the addressed reader {reader.key} ({reader.role}) has no {event.standard} stream; "
                          f"declare its role in [streams] or a rule", field="reader")
    reader_topic = topic_for(catalogue, event.standard, reader)
    recipients = {reader.key: Recipient(reader, reader.role, ADDRESSED_READER, reader_topic, None)}
    for rule in rules.rules:
        if not rule.applies(event.standard, event.kinds, event.ags):
            continue
        chosen: set[str] = set()
        for role in rule.recipients:
            concrete, authority = _recipient(role, rule.id, event, directory, rules)
            chosen.add(authority.key)
            if authority.key == event.author:
                continue  # the sender has the message already
            known = recipients.get(authority.key)
            if known is not None:
                if rule.id != known.rule and rule.id not in known.also:
                    recipients[authority.key] = replace(known, also=(*known.also, rule.id))
                continue
            topic = topic_for(catalogue, event.standard, authority)
            recipients[authority.key] = Recipient(authority, concrete, rule.id, topic, rules.policies[concrete])
        if rule.reader_must_match and reader.key not in chosen:
            raise ReaderMismatch(f"rule {rule.id}: the message is addressed to {reader.key}, but its own data points "
                                 f"to {', '.join(sorted(chosen))}", field="reader")
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
        raise NoRecipient(f"rule {rule_id}: role '{role}' has no authority for municipality {ags}", field="recipients")
    return concrete, authority


def _concrete(role: str, rule_id: str, event: Envelope, rules: Rules) -> str:
    """The directory role a derived role picks for this event."""
    concrete = rules.roles[role].resolve(event.attributes)
    if concrete is None:
        raise NoRecipient(f"rule {rule_id}: role '{role}' matches none of its cases for this message",
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
        raise NoRecipient(f"rule {rule_id}: role '{role}' needs '{derived.ags_from}', which the message lacks",
                          field=derived.ags_from)
    if directory.municipality(ags) is None:
        raise UnknownMunicipality(f"rule {rule_id}: role '{role}': municipality {ags} ({derived.ags_from}) is not "
                                  "in the directory", field=derived.ags_from)
    return concrete, ags
