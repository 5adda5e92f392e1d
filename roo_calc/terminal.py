"""Text bound for a terminal, made safe: control characters from input files are shown, not obeyed.

A workbook cell, a file name or a rule file can hold ESC, BEL, CR or a bidirectional override;
printed raw they could recolour the screen, hide a line or reorder what the reader sees.  Every
text the CLI prints passes through `printable`.
"""

from __future__ import annotations

import re

# C0 controls except newline and tab, DEL, C1 controls, and the Unicode bidirectional
# embeddings, overrides and isolates (which reorder text on screen).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character that would act on the terminal written as an escape (ESC as
    ``\\x1b``, U+202E as ``\\u202e``); newlines and tabs are kept."""
    return _UNSAFE.sub(_escape, text)
