"""XML parsing for workbook parts, hardened: no DTD, no entities, nothing fetched from outside.

Workbook parts are parsed with the standard library's expat (a C parser) in namespace mode, so
prefixed names (`<x:c>`, as the OpenXML SDK writes them), single-quoted attributes, character
references and any encoding expat knows are read as XML defines them.  A document type
declaration, an entity declaration or an external reference is refused outright (the checks
defusedxml makes, without its slower pure-Python tree builder), so no entity is ever expanded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Callable
from xml.parsers import expat

SEP = " "  # between a namespace URI and a local name in expat's names: "uri local"


class XmlRefused(ValueError):
    """A part that is not well-formed XML, or that carries a DTD or entity declaration."""


def _refuse_dtd(*_args) -> None:
    raise XmlRefused("it carries a DOCTYPE declaration (DTDs and entities are not allowed in a workbook)")


def _refuse_entity(*_args) -> None:
    raise XmlRefused("it declares an entity (entities are not allowed in a workbook)")


def _refuse_external(*_args) -> int:
    raise XmlRefused("it refers to an external entity (nothing outside the workbook is read)")


def make_parser(start: Callable | None = None, end: Callable | None = None,
                chars: Callable | None = None) -> expat.XMLParserType:
    """An expat parser in namespace mode with DTDs, entity declarations and external
    references refused; the given handlers are attached."""
    parser = expat.ParserCreate(namespace_separator=SEP)
    parser.buffer_text = True
    parser.buffer_size = 1 << 20
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if chars:
        parser.CharacterDataHandler = chars
    return parser


def run(parser: expat.XMLParserType, stream: IO[bytes]) -> None:
    """Parse a stream; malformed XML raises XmlRefused saying where."""
    try:
        while chunk := stream.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise XmlRefused(f"it is not well-formed XML ({expat.ErrorString(exc.code)} at line {exc.lineno}, "
                         f"column {exc.offset + 1})") from None


def local(name: str) -> tuple[str, str]:
    """(namespace URI, local name) of an expat name."""
    uri, _, loc = name.rpartition(SEP)
    return uri, loc


@dataclass
class Node:
    """An element of a small part: namespace, local name, attributes, children, text."""

    ns: str
    name: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, name: str) -> Node | None:
        return next((c for c in self.children if c.name == name), None)

    def findall(self, name: str) -> list[Node]:
        return [c for c in self.children if c.name == name]

    def attr(self, name: str) -> str | None:
        """An attribute by local name, whatever its namespace (r:id, or id in any namespace)."""
        if name in self.attrs:
            return self.attrs[name]
        for key, value in self.attrs.items():
            if key.rpartition(SEP)[2] == name:
                return value
        return None


def tree(stream: IO[bytes]) -> Node:
    """A small part (workbook, relationships, styles) as a tree of Nodes."""
    stack: list[Node] = []
    root: list[Node] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, loc = local(name)
        node = Node(ns, loc, attrs)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text += data

    run(make_parser(start, end, chars), stream)
    if not root:
        raise XmlRefused("it holds no XML element")
    return root[0]
