"""XÖV messages are UTF-8: decode a body as UTF-8 or say what it is instead, before any parser sees it.

A body reaches libxml2 only once it is valid UTF-8 and declares no other encoding, so the parser reads exactly
the text the hub checked (no switch to a UTF-16 decoder that no byte pattern check anticipated), and no message
is misread because its declaration lies about its bytes.
"""

from __future__ import annotations

import re

from connectors.errors import NotUtf8

UTF8_BOM = b"\xef\xbb\xbf"
RULE = "XÖV-Nachrichten sind UTF-8"

# XML 1.0 appendix F: how a document's first four bytes reveal an encoding other than UTF-8
_SIGNATURES = (
    (b"\x00\x00\xfe\xff", "UTF-32 (Big Endian, mit Byte-Order-Mark)"),
    (b"\xff\xfe\x00\x00", "UTF-32 (Little Endian, mit Byte-Order-Mark)"),
    (b"\xfe\xff", "UTF-16 (Big Endian, mit Byte-Order-Mark)"),
    (b"\xff\xfe", "UTF-16 (Little Endian, mit Byte-Order-Mark)"),
    (b"\x00\x00\x00<", "UTF-32 (Big Endian, ohne Byte-Order-Mark)"),
    (b"<\x00\x00\x00", "UTF-32 (Little Endian, ohne Byte-Order-Mark)"),
    (b"\x00<\x00?", "UTF-16 (Big Endian, ohne Byte-Order-Mark)"),
    (b"<\x00?\x00", "UTF-16 (Little Endian, ohne Byte-Order-Mark)"),
    (b"\x4c\x6f\xa7\x94", "EBCDIC"),
)
# The XML declaration, only at the very start (after a UTF-8 byte-order mark); libxml2 refuses one elsewhere.
_DECLARATION = re.compile(r"\ufeff?<\?xml(?=[ \t\r\n?])(?P<attributes>[^>]*?)\?>")
_ENCODING = re.compile(r"""[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(["'])(?P<name>[^"']*)\1""")


def declaration(text: str) -> re.Match[str] | None:
    """The XML declaration at the start of `text`, or None when the document has none."""
    return _DECLARATION.match(text)


def declared_encoding(text: str) -> str | None:
    """The encoding the XML declaration names, or None when it names none (which means UTF-8)."""
    found = declaration(text)
    named = _ENCODING.search(found["attributes"]) if found else None
    return named["name"] if named else None


def _signature(data: bytes) -> str | None:
    return next((name for prefix, name in _SIGNATURES if data.startswith(prefix)), None)


def decode_utf8(data: bytes) -> str:
    """`data` as text when it is UTF-8 (a byte-order mark allowed) declaring no other encoding; NotUtf8 otherwise,
    naming the encoding found or the first byte that is not UTF-8."""
    signature = _signature(data)
    if signature:
        raise NotUtf8(f"die Nachricht ist in {signature} kodiert; {RULE}")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotUtf8(f"die Nachricht enthält an Byte {nul} ein NUL-Byte und ist daher kein UTF-8-Text (so sehen "
                      f"UTF-16 und UTF-32 aus); {RULE}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(f"die Nachricht ist kein gültiges UTF-8: Byte {exc.start} (0x{data[exc.start]:02X}) gehört zu "
                      f"keinem UTF-8-Zeichen; {RULE}, gleich was die Deklaration sagt") from exc
    named = declared_encoding(text)
    if named is not None and named.upper() != "UTF-8":
        raise NotUtf8(f"die Nachricht deklariert die Kodierung {named[:40]!r}; {RULE}: den Text als UTF-8 senden "
                      "und encoding=\"UTF-8\" oder keine Kodierung deklarieren")
    return text
