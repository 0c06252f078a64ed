"""The connector contract: what reading one XÖV message yields, and how the hub finds the right connector."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree
from pydantic import ValidationError

from connectors.behoerde import Addressee
from connectors.config import ConnectorConfig
from connectors.errors import UnknownStandard, invalid_model
from connectors.secure_xml import local_name, namespace, parse_secure
from topics.envelope import Envelope

# (the recipient, element paths its policy keeps) -> that recipient's message bytes
Deriver = Callable[[Addressee, Sequence[str]], bytes]


@dataclass(frozen=True)
class Reading:
    """A message that was read successfully: its event, a summary without personal data, and its deriver."""

    envelope: Envelope
    derive: Deriver = field(repr=False)
    summary: dict[str, str] = field(default_factory=dict)


class Connector(Protocol):
    standard: str

    def recognises(self, root: etree._Element) -> bool: ...

    def read(self, tree: etree._ElementTree) -> Reading: ...

    def prepare(self) -> None:
        """Compile (or load) every schema the connector validates against, so none is compiled while messages are
        read in several threads; SchemaSetupError when one cannot be."""
        ...


def connectors(config: ConnectorConfig) -> tuple[Connector, ...]:
    """Every connector the hub runs, one per XÖV standard (family), reading schemas from `config`'s folders."""
    from connectors.building.connector import BuildingConnector
    from connectors.civil_status.connector import CivilStatusConnector
    from connectors.registration.connector import RegistrationConnector
    from connectors.trade.connector import TradeConnector

    return (TradeConnector(config), BuildingConnector(config.shared_dir, check=config.validate),
            RegistrationConnector(config.shared_dir, check=config.validate),
            CivilStatusConnector(config.shared_dir, check=config.validate))


def prepare(config: ConnectorConfig) -> None:
    """Prepare every connector: a worker calls this once before it reads its first message."""
    for connector in connectors(config):
        connector.prepare()


def read_message(data: bytes, *, max_bytes: int, config: ConnectorConfig) -> Reading:
    """Parse `data` securely and read it with the connector of its standard; ConnectorError says why not."""
    tree = parse_secure(data, max_bytes=max_bytes)
    root = tree.getroot()
    available = connectors(config)
    for connector in available:
        if connector.recognises(root):
            try:
                return connector.read(tree)
            except ValidationError as exc:  # the event built from the message breaks the envelope's formats
                raise invalid_model(exc) from exc
    known = ", ".join(c.standard for c in available)
    raise UnknownStandard(
        f"das Wurzelelement '{local_name(root)}' im Namensraum '{namespace(root) or '(keiner)'}' gehört zu keinem "
        f"Standard, den der Hub liest ({known})",
        field=local_name(root),
    )
