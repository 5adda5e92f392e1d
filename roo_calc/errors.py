"""Problems found in inputs, as values (collected in one pass) and as exceptions (raised once).

A `Problem` remembers where it was found -- file, sheet and cell -- so every message can be
printed as ``file:sheet!cell: what was expected, what was found``.  BOM loading collects all of
them before raising `BomError`; a broken rule file raises `RuleFileError` at once, because a rule
set with one bad value is unusable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from roo_calc.bom.model import MappedColumn

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about an input file, with a stable code for tests and tooling."""

    code: str
    message: str
    file: str
    sheet: str | None = None
    cell: str | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        where = self.file
        if self.sheet:
            where += f":{self.sheet}"
            if self.cell:
                where += f"!{self.cell}"
        return where

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.location}: {prefix}{self.message}"


class RooCalcError(Exception):
    """Base class of every error roo-calc raises on purpose (never a traceback for users)."""


class BomError(RooCalcError):
    """A BOM workbook could not be read; carries every problem found in one pass."""

    def __init__(self, problems: list[Problem], proposals: tuple[MappedColumn, ...] = ()):
        self.problems = problems
        self.proposals = proposals  # header mappings for headers that look like contract columns
        errors = [p for p in problems if p.severity == "error"]
        super().__init__("\n".join(str(p) for p in errors) or "invalid BOM workbook")


class RuleFileError(RooCalcError):
    """A rule file is malformed: names the file, the key path and what is allowed."""


class NoValueError(RooCalcError):
    """A dated rule value was asked for on a date when none is in force."""


class ScenarioError(RooCalcError):
    """A scenario file is malformed or one of its selectors matches nothing."""


class OutputError(RooCalcError):
    """An output file cannot be written (a folder, a read-only place, a full disk); nothing was written."""
