"""Routing: one pure function from an event to its recipients, driven only by the directory and the rules."""

from __future__ import annotations

from dataclasses import dataclass

from hub.routing.directory import Authority, Directory
from hub.routing.errors import NoRecipient, UnknownAuthority, UnknownMunicipality
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
    if directory.municipality(event.ags) is None:
        raise UnknownMunicipality(f"municipality {event.ags} is not in the directory", field="ags")
    reader = directory.authority(event.reader)
    if reader is None:
        raise UnknownAuthority(f"the addressed reader {event.reader} is not in the directory", field="reader")
    reader_topic = catalogue.outbound(event.standard, reader.key)
    recipients = [Recipient(reader, reader.role, ADDRESSED_READER, reader_topic, None)]
    seen = {reader.key, event.author}
    for rule in rules.rules:
        if not rule.applies(event.standard, event.kinds, event.ags):
            continue
        for role in rule.recipients:
            derived = rules.roles.get(role)
            concrete = derived.resolve(event.attributes) if derived else role
            authority = directory.responsible(concrete, event.ags) if concrete else None
            if concrete is None or authority is None:
                raise NoRecipient(f"rule {rule.id}: role '{role}' has no authority for municipality {event.ags}",
                                  field="recipients")
            if authority.key in seen:
                continue
            seen.add(authority.key)
            topic = catalogue.outbound(event.standard, authority.key)
            recipients.append(Recipient(authority, concrete, rule.id, topic, rules.policies[concrete]))
    return tuple(recipients)
