"""The applicant (`antragsteller`) as a digest: what a delivery must repeat of its request, without keeping names.

A delivery's applicant "must correspond to the request's" (schema documentation of 08x033). The digest covers every
element of the applicant that has text, as (path of local names, text) pairs; texts are Unicode-NFC, case-folded and
whitespace-collapsed, and the pairs are sorted, so layout, letter case and the order of repeated elements (e.g. two
`kommunikation` entries) do not matter, while any differing name, channel or address does. Attributes (code list
versions) are left out.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

from lxml import etree

from connectors.secure_xml import local_name

# Separates these digests from any other SHA-256 of the same text; a new normalisation needs a new tag.
DOMAIN_TAG = b"xpersonenstand-antragsteller-1\n"


def normalise(text: str) -> str:
    """NFC, case-folded, runs of whitespace as one space, no leading or trailing space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def leaves(applicant: etree._Element) -> list[tuple[str, str]]:
    """Every element below `applicant` with text: its path of local names and its normalised text, sorted."""
    found = []
    for element in applicant.iter():
        if not isinstance(element.tag, str) or element is applicant:
            continue
        value = normalise(element.text or "")
        if value:
            path = [local_name(element)]
            parent = element.getparent()
            while parent is not None and parent is not applicant:
                path.append(local_name(parent))
                parent = parent.getparent()
            found.append(("/".join(reversed(path)), value))
    return sorted(found)


def applicant_digest(applicant: etree._Element) -> str:
    """SHA-256 (hex) of the applicant's normalised leaves; equal for a request and the delivery answering it."""
    material = json.dumps(leaves(applicant), ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(DOMAIN_TAG + material).hexdigest()
