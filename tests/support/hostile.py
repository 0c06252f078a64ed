"""The hostile corpus: every input an attacker with a valid token tried, with the answer the hub must give.

Shared by the parser tests (unit tier) and the HTTP tests on the real broker (integration tier). Inputs that
name a file name `canary` paths, so a test can tell whether anything opened them (see tests/support/file_watch.py).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

TRADE = "xgewerbeanzeige/01_gewerbemeldung.0300_anmeldung_bensheim.xml"
XBAU = "xbau/01_baugenehmigung.antrag.0200_bensheim-efh.xml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
FULLWIDTH_TWO = "\uff12"


@dataclass(frozen=True)
class Hostile:
    """One hostile input and the answer it must get: status, problem code and a part of the precise reason."""

    name: str
    body: bytes
    status: int
    code: str
    reason: str
    content_type: str = "application/xml"
    headers: tuple[tuple[str, str], ...] = field(default=())
    content_length: int | None = None  # announced instead of the body's length
    parser: bool = True  # the input reaches the XML parser; False: refused at the HTTP edge before it
    kept: bool = True  # parked on the dead-letter topic (all but the accepted and the unreadably large)

    @property
    def accepted(self) -> bool:
        return self.status == 202

    @property
    def parked(self) -> bool:
        return self.kept and not self.accepted


@dataclass(frozen=True)
class Canaries:
    """Files a hostile input may name: one that exists, a FIFO (opening it blocks) and one that does not exist."""

    existing: Path
    fifo: Path
    missing: Path

    @property
    def all(self) -> tuple[Path, ...]:
        return self.existing, self.fifo, self.missing


def sample(shared_dir: Path, name: str) -> str:
    return (shared_dir / "samples" / name).read_text(encoding="utf-8")


def body_of(text: str) -> str:
    """The document without its XML declaration."""
    return text.split("?>", 1)[1]


def fresh(text: str) -> str:
    """The sample with a new nachrichtenUUID, so the hub routes it again instead of treating it as a duplicate."""
    return re.sub(r"(<(\w+:)?nachrichtenUUID>)[^<]+", lambda m: m.group(1) + str(uuid.uuid4()), text, count=1)


def _doctype_system(url: str, rest: str, *, declaration: str = DECLARATION) -> str:
    return f'{declaration}\n<!DOCTYPE x SYSTEM "{url}">{rest}'


def parser_corpus(shared_dir: Path, canaries: Canaries, *, max_bytes: int) -> list[Hostile]:
    """Every hostile input that reaches the XML parser (all but the HTTP-edge ones)."""
    trade = sample(shared_dir, TRADE)
    trade_body = body_of(trade)
    xbau = sample(shared_dir, XBAU)
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>'
    dtd, xxe, utf8 = "xml.forbidden_construct", "XXE", "xml.not_utf8"
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return [
        Hostile("xxe-file", f'{DECLARATION}<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file://{canaries.existing}">]>'
                f"<foo>&xxe;</foo>".encode(), 400, dtd, xxe),
        Hostile("xxe-network", f'{DECLARATION}<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/xxe">]>'
                "<foo>&xxe;</foo>".encode(), 400, dtd, xxe),
        Hostile("xxe-parameter-entity", f'{DECLARATION}<!DOCTYPE foo [<!ENTITY % ext SYSTEM '
                f'"file://{canaries.existing}"> %ext;]><foo/>'.encode(), 400, dtd, xxe),
        Hostile("billion-laughs", f'{DECLARATION}<!DOCTYPE lolz [<!ENTITY lol0 "lol">{lol}]><lolz>&lol9;</lolz>'
                .encode(), 400, dtd, xxe),
        Hostile("quadratic-blowup", (f'{DECLARATION}<!DOCTYPE q [<!ENTITY a "{"x" * 50_000}">]><q>'
                                     + "&a;" * 5_000 + "</q>").encode(), 400, dtd, xxe),
        Hostile("external-dtd-network", _doctype_system("http://127.0.0.1:9/evil.dtd", trade_body).encode(),
                400, dtd, xxe),
        Hostile("external-dtd-file", _doctype_system(f"file://{canaries.existing}", trade_body).encode(),
                400, dtd, xxe),
        Hostile("external-dtd-fifo", _doctype_system(f"file://{canaries.fifo}", trade_body).encode(), 400, dtd, xxe),
        Hostile("external-dtd-stdin", _doctype_system("file:///dev/stdin", trade_body).encode(), 400, dtd, xxe),
        Hostile("external-dtd-missing", _doctype_system(f"file://{canaries.missing}", trade_body).encode(),
                400, dtd, xxe),
        Hostile("utf16-nobom-dtd-stdout", _doctype_system("file:///dev/stdout", trade_body, declaration=utf16)
                .encode("utf-16-le"), 400, utf8, "UTF-16 (Little Endian, ohne Byte-Order-Mark)"),
        Hostile("utf16-nobom-dtd-fifo", _doctype_system(f"file://{canaries.fifo}", trade_body, declaration=utf16)
                .encode("utf-16-le"), 400, utf8, "UTF-16 (Little Endian, ohne Byte-Order-Mark)"),
        Hostile("utf16-nobom-dtd-file", _doctype_system(f"file://{canaries.existing}", trade_body,
                                                        declaration=utf16).encode("utf-16-le"),
                400, utf8, "UTF-16 (Little Endian, ohne Byte-Order-Mark)"),
        Hostile("utf16-nobom-dtd-missing", _doctype_system(f"file://{canaries.missing}", trade_body,
                                                           declaration=utf16).encode("utf-16-le"),
                400, utf8, "UTF-16 (Little Endian, ohne Byte-Order-Mark)"),
        Hostile("utf16be-nobom", (utf16 + trade_body).encode("utf-16-be"), 400, utf8,
                "UTF-16 (Big Endian, ohne Byte-Order-Mark)"),
        Hostile("utf16-nobom", (utf16 + trade_body).encode("utf-16-le"), 400, utf8,
                "UTF-16 (Little Endian, ohne Byte-Order-Mark)"),
        Hostile("utf16-bom", (utf16 + trade_body).encode("utf-16"), 400, utf8, "mit Byte-Order-Mark"),
        Hostile("utf16-bom-dtd", _doctype_system(f"file://{canaries.fifo}", trade_body, declaration=utf16)
                .encode("utf-16"), 400, utf8, "mit Byte-Order-Mark"),
        Hostile("utf32-bom", (trade.replace("UTF-8", "UTF-32")).encode("utf-32"), 400, utf8, "UTF-32"),
        Hostile("deep-nesting", b"<a>" * 100_000 + b"</a>" * 100_000, 400, "xml.malformed", "tiefer als 256 Ebenen"),
        Hostile("over-the-limit", (trade.replace("</xga:alg", "<!--" + "x" * max_bytes + "--></xga:alg"))
                .encode(), 413, "message.too_large", f"die Grenze liegt bei {max_bytes}"),
        Hostile("invalid-utf8", trade.encode().replace(b"Bensheim", b"Bens\xffheim", 1), 400, utf8,
                "kein gültiges UTF-8"),
        Hostile("lying-encoding", trade.encode("iso-8859-1"), 400, utf8, "kein gültiges UTF-8"),
        Hostile("latin1-declared-over-utf8", trade.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode(),
                400, utf8, "deklariert die Kodierung 'ISO-8859-1'"),
        Hostile("wrong-namespace", xbau.replace("http://www.xleitstelle.de/xbau/2/6", "http://www.xleitstelle.de"
                                                "/xbau/2/5").encode(), 415, "standard.unsupported_version", "2/5"),
        Hostile("unknown-standard", b"<?xml version='1.0'?><n:meldung xmlns:n='urn:example:xunbekannt:1.0'>"
                b"<n:id>1</n:id></n:meldung>", 415, "standard.unknown", "urn:example:xunbekannt:1.0"),
        Hostile("schema-invalid-xbau", re.sub(r"<xbau:bauvorhaben>", "<xbau:bauvorhabenX>", xbau, count=1)
                .replace("</xbau:bauvorhaben>", "</xbau:bauvorhabenX>", 1).encode(), 422, "schema.invalid",
                "bauvorhabenX"),
        Hostile("missing-required-parts", re.sub(r"<xga:leser>.*?</xga:leser>", "", trade, count=1,
                                                 flags=re.DOTALL).encode(), 422, "message.missing_field",
                "nachrichtenkopf/leser"),
        Hostile("empty-body", b"", 400, "message.empty", "leer"),
        Hostile("fullwidth-author-key", re.sub(r"(<xga:autor>.*?<code>)06431002(</code>)",
                                               rf"\g<1>0643100{FULLWIDTH_TWO}\g<2>", trade, count=1,
                                               flags=re.DOTALL).encode(), 422, "message.invalid_field", "U+FF12"),
        Hostile("xinclude", trade.replace("<xga:nachrichtenkopf>", '<xi:include xmlns:xi="http://www.w3.org/2001/'
                                          f'XInclude" href="file://{canaries.existing}"/><xga:nachrichtenkopf>', 1)
                .encode(), 400, dtd, "XInclude"),
        Hostile("xml-stylesheet", trade.replace(DECLARATION, DECLARATION + '\n<?xml-stylesheet type="text/xsl" '
                                                f'href="file://{canaries.existing}"?>', 1).encode(),
                400, dtd, "xml-stylesheet"),
        Hostile("processing-instruction-in-body", trade.replace("<xga:nachrichtenkopf>",
                                                                "<?hub-skip please?><xga:nachrichtenkopf>", 1)
                .encode(), 400, dtd, "hub-skip"),
        Hostile("doctype-in-a-comment", fresh(trade.replace(
            DECLARATION, DECLARATION + f'\n<!-- <!DOCTYPE x SYSTEM "file://{canaries.existing}"> -->', 1)).encode(),
            202, "", ""),
    ]
