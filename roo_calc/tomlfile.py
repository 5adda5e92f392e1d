"""Reading a TOML input file (rules, scenarios) so that any bad file is one located error.

The bytes are read once and checked before parsing: a folder, an Excel workbook renamed .toml,
a binary file or text that is not UTF-8 is named as such (with the line and column of the first
bad byte), and nesting or integers beyond what the parser can hold are errors, not crashes.
Floats are parsed as Decimal, so 62.5 in a file is exactly 62.5.  The parser is tomli, the
project the standard library's tomllib is taken from, whose wheels are compiled (mypyc): about
2.5x faster on a 3.7 MB file of ten thousand scenarios, with the same results and errors.

A file of many small tables written one key to a line (`[[scenario]]`, `[[scenario.change]]`,
`select = { ... }`) repeats the same lines thousands of times: such a file is read line by line,
each distinct line parsed once, by tomli itself (`_line_tables`); any other file, and any file
in which that reading has the least doubt, is parsed whole.  The two readings give equal tables
(tests/test_tomlfile.py), and identical lines share one value object (never changed after).
"""

from __future__ import annotations

import re

import tomli
from decimal import Decimal
from pathlib import Path

from roo_calc.errors import RooCalcError

MAX_BYTES = 16 * 1024 * 1024  # no rule or scenario file comes near this; larger is a mistake


def read_toml(path: Path, error: type[RooCalcError], what: str) -> dict:
    """The parsed table of a TOML file; raises `error` naming the file and what is wrong with it."""
    if path.is_dir():
        raise error(f"{path}: is a folder, not a {what}")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    text = _text(path, data, error, what)
    try:
        return _line_tables(text) or tomli.loads(text, parse_float=Decimal)
    except tomli.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: arrays or tables nested too deeply to be a {what}") from None
    except ValueError as exc:  # an integer with more digits than Python converts (about 4,300)
        reason = str(exc).split(":")[0]
        raise error(f"{path}: a value too large to read ({reason}); no {what} needs one") from None


def _text(path: Path, data: bytes, error: type[RooCalcError], what: str) -> str:
    if len(data) > MAX_BYTES:
        raise error(f"{path}: over {MAX_BYTES // (1024 * 1024)} MiB: too large to be a {what}")
    if data.startswith(b"PK\x03\x04"):
        raise error(f"{path}: is a zip file (an Excel workbook?), not a {what} in TOML")
    if b"\x00" in data:
        raise error(f"{path}: is a binary file, not a {what} in TOML (found a NUL byte at offset {data.index(0)})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(f"{path}: line {line}, column {column}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                    f"save the {what} as UTF-8") from None


_NAME = r"[A-Za-z0-9_-]+"
_COMMENT = r"[ \t]*(#.*)?"
# [[a]], [[a.b]] and [a.b], as TOML allows them written (spaces around the names, a comment after).
_ARRAY = re.compile(rf"[ \t]*\[\[[ \t]*({_NAME})[ \t]*(?:\.[ \t]*({_NAME})[ \t]*)?\]\]{_COMMENT}")
_TABLE = re.compile(rf"[ \t]*\[[ \t]*({_NAME})[ \t]*\.[ \t]*({_NAME})[ \t]*\]{_COMMENT}")
_KEY = re.compile(rf"[ \t]*({_NAME})[ \t]*=")
_BLANK = re.compile(_COMMENT)


def _line_tables(text: str) -> dict | None:
    """The table of a file that is one array of tables `[[a]]`, each element holding `key = value`
    lines, arrays of tables `[[a.b]]` and tables `[a.c]` of such lines, each value whole on its
    line; None for any other file (and for any doubt: a multi-line string, a key defined twice, a
    line that is not whole): the caller then parses the file whole, and reports its errors.

    Each distinct line is classified once.  The values of the distinct `key = value` lines are
    parsed by tomli in one document, one line each under a key of our own (`k0`, `k1`, ...),
    after the comments (checked there); a line that is not whole would take in the next and lose
    its key, so every key must come back.  The structure is then built as TOML defines it."""
    if '"""' in text or "'''" in text:
        return None
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        return None
    lines = text.split("\n")
    kinds: dict[str, tuple | None] = {}
    comments: list[str] = []
    values: list[str] = []
    for line in dict.fromkeys(lines):
        key = _KEY.match(line)
        if key is not None:
            kinds[line] = ("=", key.group(1), len(values))
            values.append(f"k{len(values)}{line[key.end(1):]}")
            continue
        found = _BLANK.fullmatch(line)
        kinds[line] = None
        if found is None:
            found = _ARRAY.fullmatch(line) or _TABLE.fullmatch(line)
            if found is None:
                return None
            kinds[line] = ("[[" if found.re is _ARRAY else "[", found.group(1), found.group(2))
        if found.group(found.re.groups):  # the comment, checked by tomli below
            comments.append(found.group(found.re.groups))
    try:
        parsed = tomli.loads("\n".join([*comments, *values, f"k{len(values)} = 0"]), parse_float=Decimal)
    except (tomli.TOMLDecodeError, RecursionError, ValueError):
        return None
    if len(parsed) != len(values) + 1:
        return None
    return _tables(lines, kinds, [parsed[f"k{i}"] for i in range(len(values))])


def _tables(lines: list[str], kinds: dict[str, tuple | None], values: list) -> dict | None:
    """The structure of `_line_tables`'s file from its classified lines (None where TOML would
    refuse it or where it is not the one array of tables)."""
    data: dict = {}
    elements: list[dict] | None = None
    element: dict | None = None
    arrays: set[str] = set()  # keys of the element made by [[a.b]]
    current: dict | None = None  # where a `key = value` line goes
    for line in lines:
        kind = kinds[line]
        if kind is None:
            continue
        tag, name, other = kind
        if tag == "=":
            if current is None or name in current:
                return None
            current[name] = values[other]
        elif tag == "[[" and other is None:
            if elements is None:
                elements = data[name] = []
            elif name not in data:
                return None
            element = current = {}
            elements.append(element)
            arrays = set()
        elif element is None or name not in data:
            return None
        elif tag == "[[":
            if other in element and other not in arrays:
                return None
            arrays.add(other)
            current = {}
            element.setdefault(other, []).append(current)
        else:
            if other in element:
                return None
            current = element[other] = {}
    return data if elements is not None else None
