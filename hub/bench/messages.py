"""Distinct realistic messages for the benchmark: the shared samples with fresh identifiers, rewritten with lxml.

The samples of a standard form a series: one XGewerbeanzeige notification, one XBau application with its six
answers, one XMeld move (request, provision, Rückmeldung). Every generated series gets fresh identifiers, and a value
that several messages of the series share (a reference such as referenzAntragsservice, bezugNachricht or
ursprungsnachricht) gets the same fresh value everywhere, so the series stays consistent.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from connectors.secure_xml import parse_secure
from hub.bench.errors import BenchError

_UUID = re.compile(r"^(urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TRAILING_NUMBER = re.compile(r"^(?P<head>.*?)(?P<number>\d+)$")
_SAMPLE_BYTES = 1024 * 1024


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


@dataclass(frozen=True)
class Identifier:
    """Elements holding an identifier: `uuid` values get a fresh UUID, `number` values a fresh serial number."""

    xpath: str
    kind: str  # "uuid" or "number"


@dataclass(frozen=True)
class SeriesSpec:
    """Where a standard's samples live and which of their elements identify a message, case or reference."""

    standard: str
    folder: str
    identifiers: tuple[Identifier, ...]
    one_per_series: bool  # True: each sample is a series of its own (trade notifications)


NACHRICHTEN_UUID = Identifier(f"//{_local('nachrichtenUUID')}", "uuid")

SERIES: dict[str, SeriesSpec] = {
    "XGewerbeanzeige": SeriesSpec("XGewerbeanzeige", "xgewerbeanzeige", (
        NACHRICHTEN_UUID,
        Identifier(f"//{_local('gewerbebetriebID')}", "uuid"),
        Identifier(f"//{_local('gemeindeMeldungNr')}", "number"),  # the trade office's number of the notification
        Identifier(f"//{_local('satz')}/*/{_local('uuid')}", "uuid"),
    ), one_per_series=True),
    "XBau": SeriesSpec("XBau", "xbau", (
        NACHRICHTEN_UUID,
        Identifier(f"//{_local('referenzAntragsservice')}[not(*)]", "uuid"),
        Identifier(f"//{_local('bezug')}//{_local('referenz')}", "uuid"),
        Identifier(f"//{_local('dokumentid')}", "uuid"),
        Identifier(f"//{_local('vorgang')}", "number"),  # the file number (Aktenzeichen) the 1121 announces
    ), one_per_series=False),
    "XMeld": SeriesSpec("XMeld", "xmeld", (NACHRICHTEN_UUID,), one_per_series=False),
}


@dataclass(frozen=True)
class Generated:
    """One generated message: its XÖV message id, the sample it was made from (folder/file), and its bytes."""

    message_id: str
    template: str
    body: bytes


def _elements(tree: etree._ElementTree, xpath: str) -> list[etree._Element]:
    found = tree.xpath(xpath)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


class _Template:
    """One parsed sample and the elements to rewrite; rewritten in place and serialised at once, never shared."""

    def __init__(self, path: Path, spec: SeriesSpec) -> None:
        self.name = f"{spec.folder}/{path.name}"
        self.data = path.read_bytes()
        self.tree = parse_secure(self.data, max_bytes=_SAMPLE_BYTES)
        self.slots: list[tuple[etree._Element, str, str]] = []
        for identifier in spec.identifiers:
            for element in _elements(self.tree, identifier.xpath):
                value = (element.text or "").strip()
                if not value:
                    raise BenchError("messages", f"{self.name}: {identifier.xpath} is empty")
                self.slots.append((element, value, identifier.kind))
        heads = _elements(self.tree, f"/*/*/{_local('identifikation.nachricht')}/{_local('nachrichtenUUID')}")
        if len(heads) != 1:
            raise BenchError("messages", f"{self.name}: no nachrichtenUUID in the message header")
        self.head: etree._Element = heads[0]

    def render(self, fresh: dict[str, str]) -> Generated:
        for element, original, _kind in self.slots:
            element.text = fresh[original]
        body = etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8")
        return Generated(message_id=self.head.text or "", template=self.name, body=body)


def fresh_value(original: str, kind: str, serial: int) -> str:
    """A new identifier shaped like `original`: a UUID (keeping a urn:uuid: prefix) or its text with `serial`."""
    if kind == "uuid":
        if not _UUID.match(original):
            raise BenchError("messages", f"{original!r} is not a UUID")
        return ("urn:uuid:" if original.startswith("urn:uuid:") else "") + str(uuid.uuid4())
    match = _TRAILING_NUMBER.match(original)
    if match is None:
        raise BenchError("messages", f"{original!r} does not end in a number")
    return f"{match['head']}{serial:0{len(match['number'])}d}"


class MessageFactory:
    """Generates distinct messages of one standard from the shared samples, series by series, lazily."""

    def __init__(self, samples_dir: Path, standard: str) -> None:
        if standard not in SERIES:
            raise BenchError("messages", f"no sample series for {standard}; known: {', '.join(SERIES)}")
        self.spec = SERIES[standard]
        paths = sorted((samples_dir / self.spec.folder).glob("*.xml"))
        if not paths:
            raise BenchError("messages", f"no samples in {samples_dir / self.spec.folder}")
        self.templates = [_Template(path, self.spec) for path in paths]
        self._serial = itertools.count(1)

    @property
    def standard(self) -> str:
        return self.spec.standard

    def template_bytes(self) -> dict[str, bytes]:
        """Each sample's original bytes by its name (folder/file): what the bench plans recipients from."""
        return {t.name: t.data for t in self.templates}

    def series(self) -> Iterator[list[_Template]]:
        """The templates of each series in turn, endlessly."""
        if self.spec.one_per_series:
            for template in itertools.cycle(self.templates):
                yield [template]
        else:
            while True:
                yield self.templates

    def messages(self, count: int) -> Iterator[Generated]:
        """`count` messages, whole series in order (the last series may be cut short)."""
        produced = 0
        for templates in self.series():
            serial = next(self._serial)
            fresh: dict[str, str] = {}
            for template in templates:
                if produced == count:
                    return
                for _element, original, kind in template.slots:
                    if original not in fresh:
                        fresh[original] = fresh_value(original, kind, serial)
                yield template.render(fresh)
                produced += 1
            if produced == count:
                return
