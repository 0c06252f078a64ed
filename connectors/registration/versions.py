"""The XMeld version table: per version, the root elements the hub reads, their type codes and where their facts are.

Type codes and element names change between XMeld versions (2.4.3 here; 25.11a is current), so no code or path
appears in the parsing logic: adding a version is adding a `VersionSpec` to `VERSIONS`. Paths are XPath relative to
the message root; the prefix `x:` stands for the version's namespace, unprefixed names are the xinneres elements that
XMeld declares unqualified (header, address leaves). Each tuple of paths lists candidates; the first that selects a
value wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from connectors.registration.model import NAMESPACE_PATTERN


@dataclass(frozen=True)
class Kopf:
    """Where the xinneres message header keeps identification and addressing (same in every XMeld version so far)."""

    message_id: str = "nachrichtenkopf/identifikation.nachricht/nachrichtenUUID"
    message_type: str = "nachrichtenkopf/identifikation.nachricht/nachrichtentyp/code"
    created: str = "nachrichtenkopf/identifikation.nachricht/erstellungszeitpunkt"
    author: str = "nachrichtenkopf/autor"
    reader: str = "nachrichtenkopf/leser"
    # Below author/reader: the authority's key and name.
    identifier: str = "behoerdenkennung"
    prefix: str = "behoerdenkennung/praefix/code"
    key: str = "behoerdenkennung/kennung/code"
    name: str = "behoerdenname"

    def ags_of(self, party: str) -> str:
        """Path to the key of `party` (author or reader path) when its DVDV prefix says the key is an AGS."""
        return f"{party}/{self.identifier}[praefix/code='ags']/kennung/code"


@dataclass(frozen=True)
class Handler:
    """Where one message type carries the routing and correlation facts.

    `previous_ags`/`new_ags`: the Gemeindeschlüssel of the person's previous and new address. `reference`: the
    nachrichtenUUID the case is named after. `reference_type`/`reference_to`: where the referenced message's type
    code is and which root element (of the same version) it must name. `occurred_at`: the event time, if carried.
    """

    previous_ags: tuple[str, ...]
    new_ags: tuple[str, ...]
    reference: str
    reference_type: str | None = None
    reference_to: str | None = None
    occurred_at: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageSpec:
    """One message type the hub reads: its kind (stable across versions), this version's type code, its handler."""

    kind: str
    code: str
    handler: Handler


@dataclass(frozen=True)
class VersionSpec:
    """One XMeld version: namespace, entry XSD (below the shared folder), the folders holding the modules it imports
    (looked up by file name), header layout and readable messages."""

    version: str
    namespace: str
    schema: tuple[str, ...]
    messages: Mapping[str, MessageSpec]
    modules: tuple[tuple[str, ...], ...] = ()
    message_code_list: str = "Code.XMeld.Nachrichten"  # the xmeld-codes.xsd type enumerating the type codes
    kopf: Kopf = field(default_factory=Kopf)

    def __post_init__(self) -> None:
        if NAMESPACE_PATTERN.fullmatch(self.namespace) is None:
            raise ValueError(f"XMeld {self.version}: {self.namespace} is not an XMeld namespace")

    def element_for_code(self, code: str) -> str | None:
        """The root element this version gives `code`, if the hub reads it."""
        return next((name for name, spec in self.messages.items() if spec.code == code), None)


VersionTable = Mapping[str, VersionSpec]


def version_for_namespace(versions: VersionTable, uri: str) -> VersionSpec | None:
    """The table entry whose namespace is `uri`."""
    return next((spec for spec in versions.values() if spec.namespace == uri), None)


# --- XMeld 2.4.3 (xmeld-nachrichten-anmeldung.xsd, xmeld-nachrichten-rueckmeldung.xsd) -------------------------------

_KOPF = Kopf()
_INLAND = "x:anschrift/x:anschrift.inland/x:anschrift.inland/gemeindeschluessel/code"  # type.WohnungOhneZusatzdaten
_NOT_NW = "[not(x:statusderwohnung/code='2')]"  # Code.Wohnungsstatus 2 = Nebenwohnung; 0 alleinige, 1 Hauptwohnung
_BETROFFENER = "x:umzugsverband/x:betroffener"

XMELD_2_4_3 = VersionSpec(
    version="2.4.3",
    namespace="http://www.osci.de/xmeld243",
    schema=("xoev", "xmeld", "xinneres.xmeld.xsd"),
    # xinneres modules in the versions 2.4.3 imports; latinchars.xsd and xoev-code.xsd, which they import by relative
    # name, are the copies shipped with XBau 2.6
    modules=(("xoev", "xinneres"), ("xoev", "xbau-2.6")),
    messages=MappingProxyType({
        # Zuzugsmeldebehörde → Wegzugsmeldebehörde: request for the pre-filled registration form. The new municipality
        # is only the requesting authority (autor); the body carries the Wegzugsanschrift.
        "anmeldung.datenanforderung.0300": MessageSpec(
            kind="anmeldung.datenanforderung",
            code="0300",
            handler=Handler(
                previous_ags=("x:betroffene/x:wegzugsanschrift/gemeindeschluessel/code",),
                new_ags=(_KOPF.ags_of(_KOPF.author),),
                reference=_KOPF.message_id,
            ),
        ),
        # Wegzugsmeldebehörde → Zuzugsmeldebehörde: the data; it names the request in ursprungsnachricht.
        "anmeldung.datenbereitstellung.0301": MessageSpec(
            kind="anmeldung.datenbereitstellung",
            code="0301",
            handler=Handler(
                previous_ags=(
                    f"x:zuziehende.person/x:personendaten/x:aktuelleWohnung{_NOT_NW}/{_INLAND}",
                    "x:zuziehende.person/x:wegzugsanschrift/x:anschrift.inland/gemeindeschluessel/code",
                ),
                new_ags=(_KOPF.ags_of(_KOPF.reader),),
                reference="x:ursprungsnachricht/nachrichtenUUID",
                reference_type="x:ursprungsnachricht/nachrichtentyp/code",
                reference_to="anmeldung.datenanforderung.0300",
            ),
        ),
        # Zuzugsmeldebehörde → Wegzugsmeldebehörde after the registration (§ 33 BMG). 2.4.3 gives it no reference
        # to 0300/0301, so it is correlated by its own nachrichtenUUID.
        "rueckmeldung.anmeldunginland.0201": MessageSpec(
            kind="rueckmeldung.anmeldunginland",
            code="0201",
            handler=Handler(
                previous_ags=(f"{_BETROFFENER}/x:identifikation.betroffener/x:wohnung.leser/{_INLAND}",),
                new_ags=(
                    f"{_BETROFFENER}/x:identifikation.betroffener/x:wohnung.autor/{_INLAND}",
                    f"{_BETROFFENER}/x:zuzugsperson/x:WOHNUNG{_NOT_NW}/{_INLAND}",
                ),
                reference=_KOPF.message_id,
                occurred_at=(f"{_BETROFFENER}/x:identifikation.ereignis/ereignis.zeitpunkt",),
            ),
        ),
    }),
)

VERSIONS: VersionTable = MappingProxyType({XMELD_2_4_3.version: XMELD_2_4_3})
