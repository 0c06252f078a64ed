"""Hardened XML parsing shared by every connector: UTF-8 only, no DTD, no entities, no processing instructions, no
XInclude, no resolver call, bounded size and depth.

Every XÖV message (and every stored payload a tool reads again) enters through `parse_secure`; nothing else in the
hub parses untrusted XML. The checks work on the decoded text and in the parser, not on byte patterns:
1. size, then encoding (`connectors.encoding`): only UTF-8 reaches libxml2, which is told so, so it parses exactly
   the text checked below;
2. the prolog, everything before the root element, is read structurally: a DOCTYPE (or any other markup
   declaration) there is refused, comments are skipped (a "<!DOCTYPE" inside a comment is just text);
3. libxml2 parses with DTD loading, entity substitution and network access off, its default depth and size
   limits (no huge_tree), and a resolver that refuses every request to load anything;
4. the tree is refused if it still holds a DTD, an entity reference, a processing instruction or XInclude.
"""

from __future__ import annotations

import re
from itertools import chain

from lxml import etree

from connectors.encoding import declaration, decode_utf8
from connectors.errors import EmptyMessage, ForbiddenXmlConstruct, MalformedXml, OversizedMessage

XXE = "XÖV-Nachrichten tun das nie, der Hub weist sie ab (Schutz vor XXE)"
XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
_WHITESPACE = " \t\r\n"
MAX_DEPTH = 256  # libxml2's element depth limit without huge_tree
_PI_TARGET = re.compile(r"<\?([^ \t\r\n?>]*)")


class RefuseAll(etree.Resolver):
    """Answers every request of libxml2 to load a document (external DTD, entity, XInclude) with a refusal."""

    def resolve(self, system_url: str, public_id: str, context: object = None) -> None:
        named = (system_url or public_id or "?")[:100]
        raise ForbiddenXmlConstruct(f"die Nachricht verlangt, {named!r} zu laden; {XXE}")


def _parser() -> etree.XMLParser:
    """A fresh parser per document (lxml parsers must not be shared between threads).

    collect_ids stays on: lxml 6 sets libxml2's loadsubset flag when it is off, which loads the external DTD.
    """
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    parser.resolvers.add(RefuseAll())
    return parser


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _instruction(target: str, line: int | None) -> ForbiddenXmlConstruct:
    where = f" in Zeile {line}" if line else ""
    return ForbiddenXmlConstruct(f"die Nachricht enthält die Verarbeitungsanweisung <?{target[:40]} …?>{where}; "
                                 "XÖV-Nachrichten enthalten keine, und der Hub nimmt außer der XML-Deklaration keine "
                                 "an")


def check_prolog(text: str) -> None:
    """Refuse a DOCTYPE or processing instruction before the root element; comments and whitespace are skipped."""
    found = declaration(text)
    position = found.end() if found else (1 if text.startswith("\ufeff") else 0)
    while True:
        while position < len(text) and text[position] in _WHITESPACE:
            position += 1
        if text.startswith("<!--", position):
            end = text.find("-->", position + 4)
            if end < 0:
                return  # an unterminated comment: libxml2 names it
            position = end + 3
        elif text.startswith("<?", position):
            target = _PI_TARGET.match(text, position)
            raise _instruction(target[1] if target else "", _line(text, position))
        elif text.startswith("<!", position):
            kind = "eine DTD" if text[position:position + 9].upper() == "<!DOCTYPE" else "eine Markup-Deklaration"
            raise ForbiddenXmlConstruct(f"die Nachricht deklariert {kind} (Zeile {_line(text, position)}); {XXE}")
        else:
            return  # the root element starts here (or something libxml2 refuses as not well-formed)


def check_tree(tree: etree._ElementTree) -> None:
    """Refuse what a parsed tree may still hold although the hub never processes it."""
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise ForbiddenXmlConstruct(f"die Nachricht deklariert eine DTD; {XXE}")
    root = tree.getroot()
    around = chain(root.itersiblings(preceding=True), root.itersiblings())  # comments and PIs outside the root
    found = next((n for n in around if isinstance(n, etree._ProcessingInstruction)), None)
    if found is None:  # one pass over the tree, in C: entity references, PIs and XInclude elements
        includes = [f"{{{uri}}}*" for uri in XINCLUDE_NAMESPACES]
        found = next(root.iter(etree.Entity, etree.ProcessingInstruction, *includes), None)
    if found is None:
        return
    if isinstance(found, etree._Entity):
        raise ForbiddenXmlConstruct(f"die Nachricht verweist in Zeile {found.sourceline} auf die Entität "
                                    f"{found.text}; {XXE}")
    if isinstance(found, etree._ProcessingInstruction):
        raise _instruction(str(found.target), found.sourceline)
    raise ForbiddenXmlConstruct(f"die Nachricht enthält in Zeile {found.sourceline} das XInclude-Element "
                                f"{local_name(found)}; der Hub bindet nie andere Dokumente ein")


def parse_secure(data: bytes, *, max_bytes: int) -> etree._ElementTree:
    """Parse untrusted XML bytes, or raise a ConnectorError that says precisely why not."""
    if not data.strip():
        raise EmptyMessage("der Nachrichtenrumpf ist leer")
    if len(data) > max_bytes:
        raise OversizedMessage(f"die Nachricht hat {len(data)} Bytes; die Grenze liegt bei {max_bytes}")
    check_prolog(decode_utf8(data))
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = f" in Zeile {exc.lineno}" if exc.lineno else ""
        if "Excessive depth" in exc.msg:  # libxml2's own limit (no huge_tree); its text names a parser option
            raise MalformedXml(f"die Nachricht verschachtelt ihre Elemente tiefer als {MAX_DEPTH} Ebenen{line}; "
                               "XÖV-Nachrichten tun das nie") from exc
        raise MalformedXml(f"die Nachricht ist kein wohlgeformtes XML{line}: {exc.msg}") from exc
    tree = root.getroottree()
    check_tree(tree)
    return tree


def copy_tree(tree: etree._ElementTree) -> etree._Element:
    """A deep copy of the tree's root, made by serialising and parsing again: both release the GIL, while lxml's
    deepcopy holds it (for 100 ms and more near the size limit, which would stall the event loop)."""
    return etree.fromstring(etree.tostring(tree.getroot()), parser=_parser())


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace (read from lxml's "{namespace}name" tag: on every hot path)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else etree.QName(element).localname


def namespace(element: etree._Element) -> str:
    """The element's namespace URI, or an empty string."""
    tag = element.tag
    if isinstance(tag, str):
        return tag[1:tag.index("}")] if tag.startswith("{") else ""
    return etree.QName(element).namespace or ""
