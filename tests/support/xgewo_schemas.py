"""A tiny stand-in for the official XGewerbeordnung 1.6 XSDs (which may not be distributed), installed the way an
operator installs the real ones below HUB_SCHEMA_DIR: the message roots of two kinds, a header and one or more Satz
records in the message namespace, their content from a Baukasten module imported by URL."""

from __future__ import annotations

from pathlib import Path

from connectors.xsd import XS

XGEWO_16 = "http://www.xgewerbeordnung.de/spezifikation/xga/1.6"
BAUKASTEN = "http://www.xgewerbeordnung.de/spezifikation/baukasten/1.6"
BAUKASTEN_URL = "http://www.xgewerbeordnung.de/spezifikation/baukasten/1.6/xgewo-baukasten.xsd"

MESSAGES = f"""<xs:schema xmlns:xs="{XS}" xmlns:bk="{BAUKASTEN}" targetNamespace="{XGEWO_16}"
    xmlns:xga="{XGEWO_16}" elementFormDefault="qualified">
  <xs:import namespace="{BAUKASTEN}" schemaLocation="{BAUKASTEN_URL}"/>
  <xs:complexType name="Gewerbemeldung">
    <xs:sequence>
      <xs:element name="nachrichtenkopf" type="bk:Inhalt"/>
      <xs:element name="satz" type="bk:Inhalt" maxOccurs="unbounded"/>
    </xs:sequence>
    <xs:anyAttribute processContents="skip"/>
  </xs:complexType>
  <xs:element name="alg.gewerbemeldung.0300" type="xga:Gewerbemeldung"/>
  <xs:element name="sta.gewerbemeldung.0100" type="xga:Gewerbemeldung"/>
</xs:schema>"""
MODULE = f"""<xs:schema xmlns:xs="{XS}" targetNamespace="{BAUKASTEN}">
  <xs:complexType name="Inhalt">
    <xs:sequence><xs:any processContents="skip" minOccurs="1" maxOccurs="unbounded"/></xs:sequence>
  </xs:complexType>
</xs:schema>"""


def install_xgewerbeordnung_16(schema_dir: Path) -> Path:
    """The stand-in files below `schema_dir`/XGewerbeordnung/1.6/, the module laid out by host and path."""
    folder = schema_dir / "XGewerbeordnung" / "1.6"
    module = folder / "www.xgewerbeordnung.de" / "spezifikation" / "baukasten" / "1.6"
    module.mkdir(parents=True)
    (folder / "xgewo-nachrichten.xsd").write_text(MESSAGES, encoding="utf-8")
    (module / "xgewo-baukasten.xsd").write_text(MODULE, encoding="utf-8")
    return schema_dir
