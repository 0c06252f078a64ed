"""Read a trade message into a `Gewerbemeldung`: recognise its version, check its structure, extract its facts.

Validation comes first (the content-model table, or the official XSDs the operator installed); its findings are
reported all at once. Extraction then names the exact part whose value is unusable. Elements are read by local
name: XGewerbeordnung places parts in its Baukasten namespace, and validation has fixed where each may occur.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from connectors.behoerde import Behoerde
from connectors.behoerde import behoerde as dvdv_behoerde
from connectors.errors import InvalidField, MissingField, UnknownMessageType, invalid_model
from connectors.findings import Findings
from connectors.installed_schemas import SETTING, validate_installed
from connectors.local_names import child, children, required, text, timestamp
from connectors.references import normalised
from connectors.secure_xml import local_name
from connectors.trade.model import MELDUNGSARTEN, Gewerbemeldung, Meldung, Meldungsart
from connectors.trade.structure import check
from connectors.trade.versions import TradeVersion, recognise
from topics.keys import AGS_PATTERN

IDENT = "nachrichtenkopf/identifikation.nachricht"
_AGS = re.compile(AGS_PATTERN)


def behoerde(head: etree._Element, party: str) -> Behoerde:
    where = f"nachrichtenkopf/{party}"
    node = child(head, party)
    if node is None:
        raise MissingField(f"{where} fehlt", field=where)
    return dvdv_behoerde(required(node, "behoerdenkennung/praefix/code", where),
                         required(node, "behoerdenkennung/kennung/code", where), text(node, "behoerdenname"),
                         field=f"{where}/behoerdenkennung")


def _ags(value: str, field: str, what: str) -> str:
    if not _AGS.fullmatch(value):
        raise InvalidField(f"{field} ist kein achtstelliger Gemeindeschlüssel ({what})", field=field)
    return value


def _meldung(spec: TradeVersion, satz: etree._Element, where: str) -> Meldung:
    records = [child for child in satz if isinstance(child.tag, str)]
    if len(records) != 1:
        raise InvalidField(f"{where} muss genau einen Meldungssatz enthalten, enthält {len(records)}", field=where)
    record = records[0]
    art = local_name(record)
    if art not in MELDUNGSARTEN:
        raise UnknownMessageType(f"{where}/{art} ist weder anmeldung noch ummeldung noch abmeldung",
                                 field=f"{where}/{art}")
    where = f"{where}/{art}"
    meldungsart: Meldungsart = art
    ags = _ags(required(record, "gemeindeSchluessel/code", where), f"{where}/gemeindeSchluessel", "Gemeinde")
    previous = next((p for p in spec.previous_location if text(record, p)), None)
    betrieb, uuid, zeit = (text(record, p) for p in ("gewerbebetriebID", "uuid", "ereigniszeitpunkt"))
    return Meldung(
        art=meldungsart,
        gemeinde_ags=ags,
        gemeinde_meldung_nr=text(record, "gemeindeMeldungNr"),
        gewerbebetrieb_id=normalised(betrieb) if betrieb else None,
        meldung_uuid=normalised(uuid) if uuid else None,
        ereigniszeitpunkt=timestamp(zeit, f"{where}/ereigniszeitpunkt") if zeit else None,
        handwerk=text(record, "gewerbe/betriebArt/handwerk/code") == "1",
        vorherige_gemeinde=_ags(str(text(record, previous)), f"{where}/{previous}", "bisherige Betriebsstätte")
        if previous else None,
    )


def validate(tree: etree._ElementTree, spec: TradeVersion, schema_dir: Path | None, errors: Findings) -> str:
    """Check the message's structure as its version prescribes: installed XSDs raise their findings at once, the
    content-model table adds them to `errors`. Returns what was checked, for `hub validate`."""
    root = tree.getroot()
    if spec.structure is None:
        message_id = text(root, f"{IDENT}/nachrichtenUUID")  # best effort, so the rejection names the message
        validate_installed(tree, schema_dir, spec.standard, spec.version, normalised(message_id or "") or None)
        return f"geprüft gegen die offiziellen XSDs von {spec.label} (installiert in {SETTING})"
    for finding in check(root, spec.table(), spec.structure, spec.label):
        errors.add(finding)
    return (f"Aufbau geprüft nach der Strukturtabelle des Hubs für {spec.label} (Pflichtelemente, Reihenfolge, "
            "erlaubte Kindelemente); die offiziellen XSDs sind nicht verteilbar")


CHECKED_AT_INGEST = "bei der Annahme geprüft"  # a record the hub's API checked already


def parse_gewerbemeldung(tree: etree._ElementTree, schema_dir: Path | None = None, *,
                         check: bool = True) -> Gewerbemeldung:
    """Validate a securely parsed trade message, then extract routing, correlation and status data.

    Raises the first finding, structural or of a value, with every further independent one in its `related`
    (findings of installed XSDs alone, as they come first).
    """
    root = tree.getroot()
    spec, kind, code = recognise(root)
    errors = Findings()
    scope = validate(tree, spec, schema_dir, errors) if check else CHECKED_AT_INGEST
    head = child(root, "nachrichtenkopf")
    if head is None:
        errors.add(MissingField("nachrichtenkopf fehlt", field="nachrichtenkopf"))
        errors.raise_if_any(text(root, f"{IDENT}/nachrichtenUUID"))
    assert head is not None
    message_id = errors.attempt(lambda: normalised(required(root, f"{IDENT}/nachrichtenUUID", "")))
    typ = errors.attempt(lambda: required(root, f"{IDENT}/nachrichtentyp/code", ""))
    if typ is not None and typ != code:
        errors.add(InvalidField(f"nachrichtentyp {typ} widerspricht dem Wurzelelement {local_name(root)}",
                                field=f"{IDENT}/nachrichtentyp"))
    created_field = f"{IDENT}/erstellungszeitpunkt"
    created = errors.attempt(lambda: timestamp(required(root, created_field, ""), created_field))
    autor = errors.attempt(lambda: behoerde(head, "autor"))
    leser = errors.attempt(lambda: behoerde(head, "leser"))
    saetze = children(root, "satz")
    if not saetze:
        errors.add(MissingField("die Nachricht enthält keinen Satz (Meldungssatz)", field="satz"))
    meldungen = []
    for index, satz in enumerate(saetze, start=1):
        meldung = errors.attempt(partial(_meldung, spec, satz, f"satz[{index}]" if len(saetze) > 1 else "satz"))
        if meldung is not None:
            meldungen.append(meldung)
    if len({m.gemeinde_ags for m in meldungen}) > 1:
        errors.add(InvalidField("die Sätze einer Nachricht nennen verschiedene Gemeinden",
                                field="satz/gemeindeSchluessel"))
    errors.raise_if_any(message_id)
    assert message_id and created and autor and leser  # raise_if_any left no gaps
    try:
        return Gewerbemeldung(
            standard=spec.standard, nachrichten_uuid=message_id, nachrichtentyp=code, root_element=local_name(root),
            empfaengerart=kind, version=spec.version, erstellungszeitpunkt=created, autor=autor, leser=leser,
            meldungen=tuple(meldungen), validation_scope=scope,
        )
    except ValidationError as exc:
        raise invalid_model(exc, message_id=message_id) from exc
