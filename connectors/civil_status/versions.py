"""The XPersonenstand version table: per version, the root elements the hub reads and where their facts are.

Message codes and paths may change between versions, so none appears in the parsing logic: adding a version is adding
a `VersionSpec` to `VERSIONS`. Paths are local element names below the root joined by '/'. The codes follow the
schema's nachrichtentyp list: 08<register><type>, register 1 Geburt, 2 Ehe, 3 LP, 4 Sterbefall; type 030 certificates
(§ 55 PStG), 031 certificates of § 46 PStV (no Sterbefall message in 26.11), 032 electronic certificates, 033 the
Standesamt's delivery of an electronic one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from connectors.civil_status.model import DELIVERY, REQUEST, Direction, Register


@dataclass(frozen=True)
class MessageSpec:
    """One message type: its register, direction, code, specific kind, and where its facts are (None: not carried).

    `place` is the entry's place (a name); `payment` the payment reference; `zuordnung` the portal's reference.
    """

    register: Register
    direction: Direction
    code: str
    kind: str
    place: str | None
    payment: str | None
    zuordnung: str | None


@dataclass(frozen=True)
class VersionSpec:
    """One XPersonenstand version: its namespace, where its XSDs and catalogue lie below the shared folder, and the
    messages the hub reads, by root element name."""

    version: str
    namespace: str
    schema: tuple[str, ...]
    catalogue: tuple[str, ...]
    messages: Mapping[str, MessageSpec]
    applicant: str = "antragsteller"


VersionTable = Mapping[str, VersionSpec]

# --- XPersonenstand 26.11 (xpersonenstand-nachrichten-portale.xsd) ---------------------------------------------------

# register: (digit of the code, the entry's element, its place element, request types of this register)
_REGISTERS: dict[Register, tuple[str, str, str, tuple[str, ...]]] = {
    "Geburt": ("1", "kind", "geburtsort", ("030", "031", "032")),
    "Ehe": ("2", "beurkundeteEhe", "ortEhe", ("030", "031", "032")),
    "LP": ("3", "beurkundeteLP", "ortBegruendung", ("030", "031", "032")),
    "Sterbefall": ("4", "beurkundeterSterbefall", "sterbeort", ("030", "032")),
}
# request type: (specific kind, payment reference)
_REQUESTS = {
    "030": (f"{REQUEST}.urkunden", "modalitaeten/zahlungsinformationen/buchungsreferenz"),
    "031": (f"{REQUEST}.bescheinigungen", "modalitaeten/zahlungsinformationen/buchungsreferenz"),
    "032": (f"{REQUEST}.elektronisch", "zahlungsinformationen/zahlungsreferenz"),
}


def _messages_26_11() -> dict[str, MessageSpec]:
    messages: dict[str, MessageSpec] = {}
    for register, (digit, entry, place, types) in _REGISTERS.items():
        for typ in types:
            kind, payment = _REQUESTS[typ]
            code = f"08{digit}{typ}"
            messages[f"portal2StA.{register}.{code}"] = MessageSpec(
                register=register, direction="anforderung", code=code, kind=kind, place=f"{entry}/{place}",
                payment=payment, zuordnung="zuordnung" if typ == "032" else None)
        code = f"08{digit}033"
        messages[f"stA2portal.{register}.{code}"] = MessageSpec(
            register=register, direction="lieferung", code=code, kind=f"{DELIVERY}.elektronisch", place=None,
            payment=None, zuordnung="zuordnung")
    return messages


_FOLDER = ("xoev", "xpersonenstand-26.11")
XPERSONENSTAND_26_11 = VersionSpec(
    version="26.11",
    namespace="http://xpsw.domap.de/xpsw2611",
    schema=(*_FOLDER, "xpsw.domap.de", "xpsw2611", "xpersonenstand-nachrichten-portale.xsd"),
    catalogue=(*_FOLDER, "catalog.xml"),
    messages=MappingProxyType(_messages_26_11()),
)

VERSIONS: VersionTable = MappingProxyType({XPERSONENSTAND_26_11.version: XPERSONENSTAND_26_11})


def version_for_namespace(versions: VersionTable, uri: str) -> VersionSpec | None:
    """The table entry whose namespace is `uri`."""
    return next((spec for spec in versions.values() if spec.namespace == uri), None)
