"""Read an XMeld message into a `Meldenachricht`: recognise it by the version table, check it, extract its facts.

Every independent problem is reported: the first ConnectorError is raised with the others in `related`.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from lxml import etree
from pydantic import ValidationError

from connectors.behoerde import Behoerde, behoerde
from connectors.errors import (
    InvalidField,
    MissingField,
    UnknownMessageType,
    UnknownStandard,
    UnsupportedVersion,
    invalid_model,
)
from connectors.findings import Findings
from connectors.references import normalised
from connectors.registration.errors import SchemaUnavailable
from connectors.registration.lenient import lenient_parts
from connectors.registration.model import Meldenachricht, is_xmeld_namespace
from connectors.registration.paths import described, display, select, texts
from connectors.registration.schema import Schema, load_schema
from connectors.registration.strict import compiled, strict_findings
from connectors.registration.versions import VERSIONS, MessageSpec, VersionSpec, VersionTable, version_for_namespace
from connectors.secure_xml import local_name, namespace
from connectors.xsd import raise_findings
from topics.keys import AGS_PATTERN

_AGS = re.compile(AGS_PATTERN)


def recognise(root: etree._Element, versions: VersionTable = VERSIONS) -> tuple[VersionSpec, MessageSpec]:
    """The table entries for this root: its XMeld version (by namespace) and message type (by element name)."""
    uri = namespace(root)
    if not is_xmeld_namespace(uri):
        raise UnknownStandard(f"das Wurzelelement {{{uri}}}{local_name(root)} ist kein XMeld", field=local_name(root))
    spec = version_for_namespace(versions, uri)
    if spec is None:
        declared = f" (Attribut version {root.get('version')})" if root.get("version") else ""
        raise UnsupportedVersion(f"der XMeld-Namensraum {uri}{declared} ist nicht in der Versionstabelle des Hubs; er "
                                 f"liest XMeld {', '.join(versions)}", field=local_name(root))
    element = local_name(root)
    message = spec.messages.get(element)
    if message is None:
        code = next(iter(texts(root, spec.kopf.message_type, uri)), None) or "(none)"
        known = ", ".join(f"{name} ({m.code})" for name, m in spec.messages.items())
        raise UnknownMessageType(f"die XMeld-{spec.version}-Nachricht {element} mit nachrichtentyp {code} liest der "
                                 f"Hub nicht; er liest {known}", field=element,
                                 message_id=next(iter(texts(root, spec.kopf.message_id, uri)), None))
    return spec, message


def schema_for(spec: VersionSpec, shared_dir: Path) -> Schema:
    """The version's scanned XSDs, after checking the table against them (elements declared, codes as listed)."""
    schema = load_schema(shared_dir.joinpath(*spec.schema), spec.namespace)
    codes = schema.codes(spec.message_code_list)
    for element, message in spec.messages.items():
        if schema.message(element) is None or codes.get(message.code) != element:
            raise SchemaUnavailable(f"version table entry XMeld {spec.version} {element} ({message.code}) disagrees "
                                    f"with {spec.message_code_list} in {'/'.join(spec.schema)}")
    return schema


class _Extract:
    """Look-ups of the version table's paths in one message, with errors that name the path."""

    def __init__(self, root: etree._Element, spec: VersionSpec) -> None:
        self.root = root
        self.spec = spec
        self.uri = spec.namespace

    def required(self, path: str) -> str:
        values = texts(self.root, path, self.uri)
        if not values or values[0] is None:
            raise MissingField(f"{display(path)} fehlt oder ist leer", field=display(path))
        return values[0]

    def time(self, path: str) -> datetime:
        value = self.required(path)
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidField(f"{display(path)} ist kein Zeitpunkt nach ISO 8601", field=display(path)) from exc

    def behoerde(self, party: str) -> Behoerde:
        kopf = self.spec.kopf
        node = next(iter(select(self.root, party, self.uri)), None)
        if node is None:
            raise MissingField(f"{display(party)} fehlt", field=display(party))
        values = []
        for part in (kopf.prefix, kopf.key):
            value = next(iter(texts(node, part, self.uri)), None)
            if value is None:
                raise MissingField(f"{display(party)}/{part} fehlt oder ist leer", field=f"{display(party)}/{part}")
            values.append(value)
        name = next(iter(texts(node, kopf.name, self.uri)), None)
        return behoerde(values[0], values[1], name, field=f"{display(party)}/behoerdenkennung")

    def ags(self, paths: tuple[str, ...], what: str) -> str:
        """The one AGS the first matching candidate path names; all persons of one message must agree."""
        for path in paths:
            values = texts(self.root, path, self.uri)
            if not values:
                continue
            field = display(path)
            if None in values:
                raise MissingField(f"{field} ist leer: die Nachricht nennt keine {what}", field=field)
            if any(_AGS.fullmatch(str(v)) is None for v in values):
                raise InvalidField(f"{field} ist kein achtstelliger Gemeindeschlüssel ({what})", field=field)
            if len(set(values)) > 1:
                raise InvalidField(f"{field}: die Personen einer Nachricht nennen verschiedene Angaben ({what})",
                                   field=field)
            return str(values[0])
        looked = [described(p) for p in paths]
        where = f" (gesucht in {'; '.join(looked)})" if looked != [display(paths[0])] else ""
        raise MissingField(f"{display(paths[0])} fehlt: die Nachricht nennt keine {what}{where}",
                           field=display(paths[0]))

    def occurred(self, paths: tuple[str, ...]) -> datetime | None:
        return next((self.time(p) for p in paths if select(self.root, p, self.uri)), None)


def scope(spec: VersionSpec, lenient: dict[str, list[str]]) -> str:
    """What `hub validate` says about how far the message was checked."""
    checked = f"streng geprüft gegen die XSDs von XMeld {spec.version} und die xinneres-Module"
    if not lenient:
        return checked
    parts = "; ".join(f"{', '.join(paths)} ({module})" for module, paths in lenient.items())
    return f"{checked}; nachsichtig geprüft, weil die Module fehlen: {parts}"


def parse_meldenachricht(tree: etree._ElementTree, *, shared_dir: Path,
                         versions: VersionTable = VERSIONS, check: bool = True) -> Meldenachricht:
    """Extract routing, correlation and status facts from a securely parsed XMeld message of a known type.

    Raises the first ConnectorError found with every further independent one in `related`; SchemaUnavailable when
    the XSDs the table names cannot be read (a deployment fault, not the sender's).
    """
    root = tree.getroot()
    spec, message = recognise(root, versions)
    schema = schema_for(spec, shared_dir)
    strict = compiled(spec, shared_dir)
    kopf, handler, element = spec.kopf, message.handler, local_name(root)
    read = _Extract(root, spec)
    sent_id = next(iter(texts(root, kopf.message_id, spec.namespace)), None)
    if check:
        raise_findings(strict_findings(tree, strict.schema), normalised(sent_id) if sent_id else None)
    findings = Findings()
    message_id = findings.attempt(lambda: normalised(read.required(kopf.message_id)))
    typ = findings.attempt(lambda: read.required(kopf.message_type))
    if typ is not None and typ != message.code:
        other = spec.element_for_code(typ)
        findings.add(InvalidField(
            f"nachrichtentyp {typ} widerspricht dem Wurzelelement {element}, das in XMeld {spec.version} "
            f"{message.code} ist" + (f"; {typ} ist {other}" if other else ""), field=display(kopf.message_type)))
    created = findings.attempt(lambda: read.time(kopf.created))
    autor = findings.attempt(lambda: read.behoerde(kopf.author))
    leser = findings.attempt(lambda: read.behoerde(kopf.reader))
    previous = findings.attempt(lambda: read.ags(handler.previous_ags, "bisherige Gemeinde (Wegzug)"))
    new = findings.attempt(lambda: read.ags(handler.new_ags, "neue Gemeinde (Zuzug)"))
    reference = findings.attempt(lambda: normalised(read.required(handler.reference)))
    if handler.reference_type and handler.reference_to:
        expected = {name: code for code, name in schema.codes(spec.message_code_list).items()}.get(handler.reference_to)
        named = findings.attempt(lambda: read.required(str(handler.reference_type)))
        if named is not None and named != expected:
            findings.add(InvalidField(f"{display(handler.reference_type)} ist {named}; {element} beantwortet "
                                      f"{handler.reference_to} ({expected})", field=display(handler.reference_type)))
    occurred = findings.attempt(lambda: read.occurred(handler.occurred_at))
    findings.raise_if_any(message_id)
    assert message_id and created and autor and leser and previous and new and reference  # no gaps after the raise
    try:
        return Meldenachricht(
            nachrichten_uuid=message_id, nachrichtentyp=message.code, root_element=element, kind=message.kind,
            version=spec.version, erstellungszeitpunkt=created, ereigniszeitpunkt=occurred, autor=autor,
            leser=leser, vorherige_gemeinde=previous, neue_gemeinde=new, case_reference=reference,
            validation_scope=scope(spec, lenient_parts(root, schema, strict.stand_ins)),
        )
    except ValidationError as exc:
        raise invalid_model(exc, message_id=message_id) from exc
