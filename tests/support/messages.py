"""Fresh trade notifications for load-shaped tests: the shared Anmeldung with a new nachrichtenUUID and business."""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

X = {"x": "http://www.xgewerbeanzeige.de/spezifikation/2.1"}


def fresh_anmeldungen(shared_dir: Path, count: int) -> list[tuple[str, bytes]]:
    """`count` distinct Anmeldungen (message id, XML): each its own message id, business and case."""
    source = next((shared_dir / "samples" / "xgewerbeanzeige").glob("*anmeldung_bensheim*.xml")).read_bytes()
    made = []
    for _ in range(count):
        root = etree.fromstring(source)
        message_id = str(uuid.uuid4())
        for path, value in (("x:nachrichtenkopf/x:identifikation.nachricht/x:nachrichtenUUID", message_id),
                            ("x:satz/*/x:gewerbebetriebID", str(uuid.uuid4())), ("x:satz/*/x:uuid", str(uuid.uuid4()))):
            found = root.xpath(path, namespaces=X)
            assert isinstance(found, list) and found, path
            for node in found:
                assert isinstance(node, etree._Element)
                node.text = value
        made.append((message_id, etree.tostring(root, xml_declaration=True, encoding="UTF-8")))
    return made


def by_file_number_only(status: bytes, message_id: str) -> bytes:
    """An XBau message whose bezug names the application only by its Aktenzeichen (bezug/vorgang), under a new id."""
    root = etree.fromstring(status)
    others = root.xpath("*[local-name()='bezug']/*[local-name()!='vorgang']")
    assert isinstance(others, list)
    for node in others:
        assert isinstance(node, etree._Element)
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    ids = root.xpath("//*[local-name()='nachrichtenUUID']")
    assert isinstance(ids, list) and ids and isinstance(ids[0], etree._Element)
    ids[0].text = message_id
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
