"""The applicant digest: equal for a request and its delivery, blind to layout and letter case, and no name."""

from __future__ import annotations

import hashlib

from lxml import etree

from connectors.civil_status.applicant import applicant_digest, normalise
from tests.unit.connectors.civil_status.xps_support import node

APPLICANT = "/*/xps:antragsteller"


def _digest(data: bytes) -> str:
    return applicant_digest(node(etree.fromstring(data), APPLICANT))


def test_the_delivery_repeats_the_requests_applicant(electronic_request: bytes, delivery: bytes) -> None:
    assert _digest(electronic_request) == _digest(delivery)


def test_a_different_applicant_gives_a_different_digest(electronic_request: bytes, paper_request: bytes) -> None:
    root = etree.fromstring(electronic_request)
    node(root, f"{APPLICANT}//xps:vorname/name").text = "Erik"
    assert _digest(etree.tostring(root)) != _digest(electronic_request)
    assert _digest(paper_request) != _digest(electronic_request)


def test_letter_case_blanks_and_the_order_of_repeated_entries_do_not_count(paper_request: bytes) -> None:
    root = etree.fromstring(paper_request)
    person = node(root, f"{APPLICANT}/xps:natuerlichePerson")
    family = node(person, "xps:familienname/name")
    family.text = f"  {str(family.text).upper()} "
    first, second = (n for n in person if etree.QName(n).localname == "kommunikation")
    first.addprevious(second)  # the phone before the e-mail
    assert _digest(etree.tostring(root)) == _digest(paper_request)


def test_the_digest_is_a_sha256_of_no_readable_name(electronic_request: bytes) -> None:
    digest = _digest(electronic_request)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest != hashlib.sha256(b"Musterfrau").hexdigest()


def test_normalisation() -> None:
    assert normalise(" Ma\u0308x   MÜLLER\n") == normalise("Mäx Müller") == "mäx müller"
