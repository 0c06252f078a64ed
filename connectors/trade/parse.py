"""Read an XGewerbeanzeige 2.x message into a `Gewerbemeldung`, naming the exact part that is missing or wrong."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial

from lxml import etree
from pydantic import ValidationError

from connectors.behoerde import Behoerde
from connectors.errors import (
    InvalidField,
    MissingField,
    UnknownMessageType,
    UnknownStandard,
    UnsupportedVersion,
)
from connectors.findings import Findings
from connectors.secure_xml import local_name, namespace
from connectors.trade.model import (
    MELDUNGSARTEN,
    NAMESPACE_PREFIX,
    SUPPORTED_MAJOR,
    Gewerbemeldung,
    Meldung,
    Meldungsart,
)

_ROOT = re.compile(r"^(?P<kind>[a-z]+)\.gewerbemeldung\.(?P<code>\d{4})$")
_VERSION = re.compile(r"^(?P<major>\d+)\.(?P<minor>\d+)$")


class _Reader:
    """Namespace-aware look-ups below one element, with errors that name the path and the message id."""

    def __init__(self, ns: str, message_id: str | None = None) -> None:
        self.ns = ns
        self.message_id = message_id

    def path(self, path: str) -> str:
        return "/".join(part if part == "code" else f"{{{self.ns}}}{part}" for part in path.split("/"))

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self.path(path))

    def text(self, element: etree._Element, path: str, where: str) -> str | None:
        found = self.find(element, path)
        if found is None or found.text is None or not found.text.strip():
            return None
        return found.text.strip()

    def required(self, element: etree._Element, path: str, where: str) -> str:
        value = self.text(element, path, where)
        if value is None:
            raise MissingField(f"{where}/{path} is missing or empty", field=f"{where}/{path}",
                               message_id=self.message_id)
        return value

    def timestamp(self, element: etree._Element, path: str, where: str) -> datetime | None:
        value = self.text(element, path, where)
        return None if value is None else self.as_time(value, f"{where}/{path}")

    def as_time(self, value: str, field: str) -> datetime:
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidField(f"{field} is not an ISO 8601 time", field=field,
                               message_id=self.message_id) from exc

    def behoerde(self, element: etree._Element, path: str) -> Behoerde:
        node = self.find(element, path)
        where = f"nachrichtenkopf/{path}"
        if node is None:
            raise MissingField(f"{where} is missing", field=where, message_id=self.message_id)
        return Behoerde(
            praefix=self.required(node, "behoerdenkennung/praefix/code", where),
            kennung=self.required(node, "behoerdenkennung/kennung/code", where),
            name=self.text(node, "behoerdenname", where),
        )


def recognise(root: etree._Element) -> tuple[str, str, str]:
    """Return (recipient kind, message type code, version) if the root is an XGewerbeanzeige 2.x message."""
    ns = namespace(root)
    if not ns.startswith(NAMESPACE_PREFIX):
        raise UnknownStandard(f"root element {{{ns}}}{local_name(root)} is not XGewerbeanzeige")
    version = ns.removeprefix(NAMESPACE_PREFIX)
    match = _VERSION.match(version)
    if match is None:
        raise UnsupportedVersion(f"XGewerbeanzeige namespace {ns} names no version")
    if int(match["major"]) != SUPPORTED_MAJOR:
        raise UnsupportedVersion(f"XGewerbeanzeige {version} is not read; the hub reads {SUPPORTED_MAJOR}.x")
    root_match = _ROOT.match(local_name(root))
    if root_match is None:
        raise UnknownMessageType(f"{local_name(root)} is not an XGewerbeanzeige gewerbemeldung message",
                                 field=local_name(root))
    return root_match["kind"], root_match["code"], version


def _meldung(reader: _Reader, satz: etree._Element, index: int) -> Meldung:
    where = f"satz[{index}]"
    records = [child for child in satz if isinstance(child.tag, str)]
    if len(records) != 1:
        raise InvalidField(f"{where} must hold exactly one notification record, found {len(records)}",
                           field=where, message_id=reader.message_id)
    record = records[0]
    art = local_name(record)
    if art not in MELDUNGSARTEN:
        raise UnknownMessageType(f"{where}/{art} is not anmeldung, ummeldung or abmeldung",
                                 field=f"{where}/{art}", message_id=reader.message_id)
    where = f"{where}/{art}"
    meldungsart: Meldungsart = art
    ags = reader.required(record, "gemeindeSchluessel/code", where)
    if not re.fullmatch(r"\d{8}", ags):
        raise InvalidField(f"{where}/gemeindeSchluessel is not an 8-digit AGS", field=f"{where}/gemeindeSchluessel",
                           message_id=reader.message_id)
    return Meldung(
        art=meldungsart,
        gemeinde_ags=ags,
        gewerbebetrieb_id=reader.text(record, "gewerbebetriebID", where),
        meldung_uuid=reader.text(record, "uuid", where),
        ereigniszeitpunkt=reader.timestamp(record, "ereigniszeitpunkt", where),
        handwerk=reader.text(record, "gewerbe/betriebArt/handwerk/code", where) == "1",
    )


def parse_gewerbemeldung(tree: etree._ElementTree) -> Gewerbemeldung:
    """Extract routing and status data from a securely parsed XGewerbeanzeige message.

    Raises the first ConnectorError found; every further independent error is in its `related`.
    """
    root = tree.getroot()
    kind, code, version = recognise(root)
    reader = _Reader(namespace(root))
    head = reader.find(root, "nachrichtenkopf")
    if head is None:
        raise MissingField("nachrichtenkopf is missing", field="nachrichtenkopf")
    errors = Findings()
    ident = "nachrichtenkopf/identifikation.nachricht"
    reader.message_id = errors.attempt(lambda: reader.required(root, f"{ident}/nachrichtenUUID", "."))
    typ = errors.attempt(lambda: reader.required(root, f"{ident}/nachrichtentyp/code", "."))
    if typ is not None and typ != code:
        errors.add(InvalidField(f"nachrichtentyp {typ} contradicts the root element {local_name(root)}",
                                         field=f"{ident}/nachrichtentyp"))
    created_field = f"{ident}/erstellungszeitpunkt"
    created = errors.attempt(lambda: reader.as_time(reader.required(root, created_field, "."), created_field))
    autor = errors.attempt(lambda: reader.behoerde(head, "autor"))
    leser = errors.attempt(lambda: reader.behoerde(head, "leser"))
    saetze = root.findall(reader.path("satz"))
    if not saetze:
        errors.add(MissingField("the message holds no satz (notification record)", field="satz"))
    meldungen = []
    for index, satz in enumerate(saetze, start=1):
        meldung = errors.attempt(partial(_meldung, reader, satz, index))
        if meldung is not None:
            meldungen.append(meldung)
    if len({m.gemeinde_ags for m in meldungen}) > 1:
        errors.add(InvalidField("the records of one message name different municipalities",
                                         field="satz/gemeindeSchluessel"))
    errors.raise_if_any(reader.message_id)
    assert reader.message_id and created and autor and leser  # raise_if_any left no gaps
    try:
        return Gewerbemeldung(
            nachrichten_uuid=reader.message_id,
            nachrichtentyp=code,
            root_element=local_name(root),
            empfaengerart=kind,
            version=version,
            erstellungszeitpunkt=created,
            autor=autor,
            leser=leser,
            meldungen=tuple(meldungen),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InvalidField(f"{field}: {first['msg']}", field=field, message_id=reader.message_id) from exc
