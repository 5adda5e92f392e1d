"""roo-calc: rules-of-origin compliance for vehicle bills of materials.

The supported Python API::

    import roo_calc
    bom = roo_calc.load_bom("sample_boms/compact-sedan-mx.xlsx")
    regime = roo_calc.load_regime("usmca-2020")
    result = roo_calc.evaluate(bom, regime)          # a Determination
    print(result.status, result.binding.id)

Everything else is internal and may change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

# Imports here stay light (dataclasses and pathlib load inside the functions): `roo-calc` imports
# this package before its Ctrl-C guard (roo_calc.__main__) is in place.

__version__ = "0.1.0"
__all__ = ["__version__", "load_bom", "load_certificates", "load_regime", "load_regimes", "evaluate", "default_as_of",
           "to_json"]

if TYPE_CHECKING:
    from pathlib import Path

    from roo_calc.bom.model import Bom, ReaderRules
    from roo_calc.certificates.model import Certificate
    from roo_calc.engine.result import Determination
    from roo_calc.rules.model import Regime


def _kind(value: object) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def _require(name: str, value: object, expected: type | tuple[type, ...], wanted: str, hint: str = "") -> None:
    """TypeError naming the argument, what it must be and what was given (before any work)."""
    if not isinstance(value, expected):
        raise TypeError(f"{name}: expected {wanted}, found {_kind(value)}{hint}")


def _require_paths(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name}: expected a list of rule files or folders, found {_kind(value)}; pass [{str(value)!r}]")
    if not isinstance(value, Iterable):
        raise TypeError(f"{name}: expected a list of rule files or folders, found {_kind(value)}")


def load_bom(path: str | Path, columns: str | Path | None = None,
             regimes: "Mapping[str, Regime] | None" = None) -> "Bom":
    """Read and validate a BOM workbook; raises `roo_calc.errors.BomError` listing every problem.

    `columns` is a TOML file mapping the workbook's own headers to contract columns.  A line's
    core_part_group may name any group of the `regimes`' core-part tables (default: the shipped
    regimes; pass `load_regimes([...])` to accept the groups a rule file of yours adds), and a
    blank vehicle_type is read from the HS code by their `vehicle_types_by_hs` (USMCA UR s.12;
    the shipped table when none of them has one)."""
    from roo_calc.bom.reader import load_bom as _load
    from roo_calc.rules.model import reader_rules

    _require("path", path, (str, os.PathLike), "the path of a BOM workbook (str or Path)")
    _require("columns", columns, (str, os.PathLike, type(None)), "the path of a TOML file of header mappings (str or Path) or None")
    _require("regimes", regimes, (Mapping, type(None)), "the regimes by id, as load_regimes returns them, or None")
    shipped = _shipped_reader_rules(str(_rules_dir()))
    rules = reader_rules(regimes.values()) if regimes is not None else shipped
    if not rules.vehicle_types_by_hs:  # a vehicle's type by its HS code is the law's (s.12), whatever the regimes given
        from dataclasses import replace

        rules = replace(rules, vehicle_types_by_hs=shipped.vehicle_types_by_hs)
    return _load(path, columns, rules=rules)


def _rules_dir() -> Path:
    from roo_calc.rules.loader import default_rules_dir

    return default_rules_dir()


@cache
def _shipped_reader_rules(rules_dir: str) -> "ReaderRules":
    """What the reader takes from the shipped regimes (read once per rules folder)."""
    from roo_calc.rules.model import reader_rules

    return reader_rules(load_regimes().values())


def load_certificates(path: str | Path) -> "tuple[Certificate, ...]":
    """Read a certificates workbook (a `Certificates` sheet); raises `roo_calc.errors.BomError`."""
    from roo_calc.certificates.reader import load_certificates as _load

    _require("path", path, (str, os.PathLike), "the path of a certificates workbook (str or Path)")
    return _load(path)


def load_regimes(rules: Iterable[str | Path] | None = None) -> dict[str, "Regime"]:
    """The shipped regimes plus any rule files or folders given (a list), by id."""
    from roo_calc.rules.loader import load_regimes as _load

    _require_paths("rules", rules)
    rules = list(rules) if rules is not None else None
    for item in rules or []:
        _require("rules", item, (str, os.PathLike), "rule file or folder paths (str or Path)")
    return _load(rules)


def load_regime(id_or_path: str | Path, rules: Iterable[str | Path] | None = None) -> "Regime":
    """A regime by id (shipped, or among `rules`) or by the path of its TOML file."""
    from roo_calc.errors import RuleFileError
    from roo_calc.rules.loader import load_regime as _load_file

    _require("id_or_path", id_or_path, (str, os.PathLike), "a regime id or the path of a rule file (str or Path)")
    _require_paths("rules", rules)
    from pathlib import Path

    candidate = Path(id_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        return _load_file(candidate)
    regimes = load_regimes(rules)
    if str(id_or_path) not in regimes:
        raise RuleFileError(f"no regime with id {str(id_or_path)!r}; known: {', '.join(sorted(regimes))}")
    return regimes[str(id_or_path)]


def default_as_of(bom: "Bom", today: date | None = None) -> date:
    """The date whose law applies by default: the workbook's production_date, else today."""
    _require_bom(bom)
    _require_date("today", today)
    return bom.vehicle.production_date or today or date.today()


def evaluate(bom: "Bom", regime: "Regime", as_of: date | None = None,
             others: "dict[str, Regime] | None" = None, import_into: str | None = "US",
             certificates: "tuple[Certificate, ...]" = ()) -> "Determination":
    """Apply a regime to a BOM; `as_of` defaults to the production date, else today.

    `others` are the regimes a requirement may refer to (Section 232 asks whether the vehicle
    is USMCA-qualifying); by default the shipped ones.  With `import_into` (default US), the
    result carries its duty exposure at that country's general rates (None to skip).
    Supplier certifications -- the BOM's `Certificates` sheet and any `certificates` from
    `load_certificates` -- are applied when valid on the date; the result lists the lines that
    relied on one (`certified_lines`) and the expired ones as assumptions.
    """
    from roo_calc.certificates.apply import annotate, apply_certificates
    from roo_calc.engine.determine import evaluate as _evaluate
    from roo_calc.rules.model import Regime

    _require_bom(bom)
    _require("regime", regime, Regime, "a Regime",
             f"; load it first: roo_calc.load_regime({regime!r})" if isinstance(regime, str) else "")
    _require_date("as_of", as_of)
    if others is not None:
        _require("others", others, dict, "a dict of Regime by id, as load_regimes() returns")
        for key, value in others.items():
            _require(f"others[{key!r}]", value, Regime, "a Regime")
    if import_into is not None:
        _require("import_into", import_into, str, "an ISO alpha-2 country code such as 'US', or None")
        if not (len(import_into) == 2 and import_into.isascii() and import_into.isalpha()):
            raise ValueError(f"import_into: expected an ISO alpha-2 country code such as 'US', or None; found {import_into!r}")
    _require_certificates(certificates)
    on = as_of or default_as_of(bom)
    bom, application = apply_certificates(bom, on, tuple(certificates))
    result = _evaluate(bom, regime, on, others if others is not None else load_regimes())
    result = annotate(result, application, regime)
    if import_into:
        from roo_calc.engine.duty import with_duty_exposure
        from roo_calc.rules.loader import load_mfn_table

        result = with_duty_exposure(bom, [result], import_into.upper(), load_mfn_table(import_into))[0]
    return result


def to_json(bom: "Bom", determinations: list["Determination"], as_of: date | None = None) -> dict:
    """The documented JSON shape of `roo-calc evaluate --format json`: one report of results
    evaluated on one date, which is its `as_of` (given, it must be that date: a report dated
    otherwise than its results would not be true of them; ValueError says so)."""
    from roo_calc.engine.result import Determination
    from roo_calc.report.json import to_json as _to_json

    _require_bom(bom)
    _require("determinations", determinations, (list, tuple), "a list of results of roo_calc.evaluate")
    for item in determinations:
        _require("determinations", item, Determination, "a list of results of roo_calc.evaluate")
    _require_date("as_of", as_of)
    dates = list(dict.fromkeys(d.as_of for d in determinations))
    if len(dates) > 1:
        raise ValueError("determinations: evaluated on different dates (" + ", ".join(map(str, dates))
                         + "); one report holds results of one date: evaluate them all with the same as_of")
    if as_of is not None and dates and as_of != dates[0]:
        raise ValueError(f"as_of: {as_of} is not the date the determinations were evaluated on ({dates[0]}); "
                         "pass result.as_of, or evaluate with as_of=" + repr(as_of))
    on = as_of or (dates[0] if dates else None)
    if on is None:
        raise TypeError("as_of: expected a datetime.date when no determinations are given, found None")
    return _to_json(bom, determinations, on)


def _require_certificates(certificates: object) -> None:
    """A TypeError naming `certificates` unless it is a list or tuple of Certificates."""
    from roo_calc.certificates.model import Certificate

    expected = "a tuple of certificates from roo_calc.load_certificates"
    if not isinstance(certificates, (list, tuple)):
        raise TypeError(f"certificates: expected {expected}, found {_kind(certificates)}")
    for i, item in enumerate(certificates):
        if not isinstance(item, Certificate):
            hint = (f"; read the workbook first: roo_calc.load_certificates({str(item)!r})"
                    if isinstance(item, (str, os.PathLike)) else "")
            raise TypeError(f"certificates[{i}]: expected a Certificate from roo_calc.load_certificates, "
                            f"found {_kind(item)}{hint}")


def _require_bom(bom: object) -> None:
    from roo_calc.bom.model import Bom

    _require("bom", bom, Bom, "a Bom", "; read it first: roo_calc.load_bom(path)" if isinstance(bom, (str, os.PathLike)) else "")


def _require_date(name: str, value: object, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        hint = "; pass its .date()" if isinstance(value, datetime) else ""
        hint += "; parse it with datetime.date.fromisoformat" if isinstance(value, str) else ""
        raise TypeError(f"{name}: expected a datetime.date, found {_kind(value)}{hint}")
