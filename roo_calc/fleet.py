"""Averaging across a fleet (NAFTA UR s.11; USMCA UR s.16, s.18(15)-(18)): net cost and VNM
(and the other figures) summed over a category of vehicles, weighted by annual volume.

The averaged vehicle is built as one BOM whose lines are every vehicle's lines and whose money
is each vehicle's times its annual volume, so the engine applies the very same rules to the sums:
an averaged RVC is (sum of net costs x volume - sum of VNM x volume) / sum of net costs x volume.
Every money figure of an average is therefore the group's annual total, exact in whole cents (a
stated quantity: a per-vehicle average would need rounding).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pydantic import BaseModel

from roo_calc.bom import merges
from roo_calc.bom.model import Bom, empty_made
from roo_calc.engine.determine import classify, evaluate
from roo_calc.engine.result import Assumption, Determination
from roo_calc.errors import BomError, Problem, RooCalcError
from roo_calc.fiscal_year import FiscalYearStart, Period, period_of, span_of, starts_text
from roo_calc.rules.model import Averaging, DatedValue, MeltAndPour, Regime

@dataclass(frozen=True)
class FleetEntry:
    """One vehicle of a fleet evaluation: its BOM, the annual volume given beside it (if any) and,
    when it comes from a fleet workbook, the cell that listed it (so its problems can name that row)."""

    path: Path
    volume: int | None = None
    listed_at: str | None = None  # e.g. "fleet.xlsx:Fleet!A3"
    volume_cell: str | None = None  # e.g. "B3", the Fleet cell of the volume (when the sheet has that column)
    fiscal_year: FiscalYearStart | None = None  # the Fleet row's fiscal_year_start, when given
    fiscal_year_cell: str | None = None  # e.g. "C3"

    def place(self) -> tuple[str, str | None, str | None]:
        """(file, sheet, cell) of the entry: its Fleet row when a fleet workbook listed it, else the BOM itself."""
        if self.listed_at:
            file, _, cell = self.listed_at.rpartition(":Fleet!")
            return file, "Fleet", cell
        return str(self.path), None, None


def load_listed(entry: FleetEntry, columns: str | Path | None, regimes: Mapping[str, Regime]) -> tuple[Bom | None, list[Problem]]:
    """One listed BOM, with the fleet workbook's volume (`fleet_volume`), or None and its problems,
    each naming the Fleet row that listed it."""
    from roo_calc import load_bom

    try:
        return fleet_volume(load_bom(entry.path, columns, regimes), entry), []
    except BomError as error:
        suffix = f" (BOM listed at {entry.listed_at})" if entry.listed_at else ""
        return None, [replace(p, message=p.message + suffix) for p in error.problems]


def read_fleet(path: Path) -> tuple[list[FleetEntry], list[Problem]]:
    """A fleet workbook: a sheet `Fleet` with columns bom_file, annual_volume (optional) and
    fiscal_year_start (optional: the first day of the producer's fiscal year, over which averages are
    calculated, USMCA UR 16(1), NAFTA UR 11(1)(a); one day for the whole fleet).
    Returns the entries and every problem of the sheet (all in one pass): no row below the header,
    a volume with no bom_file, a volume that is not a whole number above 0, a bom_file that does not
    exist, a fiscal_year_start that is not a day of the year or differs from an earlier row's."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = next((book[n] for n in book.sheetnames if n.strip().lower() == "fleet"), None)
    if sheet is None:
        return [], [Problem("missing-sheet", "expected a sheet named 'Fleet' listing BOM files", str(path), "Fleet")]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(h).strip().lower().replace(" ", "_").replace("-", "_") if h else "" for h in rows[0]] if rows else []
    if "bom_file" not in header:
        return [], [Problem("missing-column", f"expected a column 'bom_file', found {header}", str(path), "Fleet", "1:1")]
    file_col, volume_col = header.index("bom_file"), header.index("annual_volume") if "annual_volume" in header else None
    file_letter, volume_letter = chr(65 + file_col), chr(65 + volume_col) if volume_col is not None else ""
    year_col = header.index("fiscal_year_start") if "fiscal_year_start" in header else None
    entries: list[FleetEntry] = []
    problems = merges.sheet_problems(path, sheet.title, 1, {file_col: "bom_file", **({volume_col: "annual_volume"} if volume_col is not None else {}),
                                                            **({year_col: "fiscal_year_start"} if year_col is not None else {})})
    years: dict[FiscalYearStart, str] = {}  # the first day given, and its cell
    for number, row in enumerate(rows[1:], start=2):
        name = row[file_col] if file_col < len(row) else None
        name = None if name is None or not str(name).strip() else str(name).strip()
        volume = row[volume_col] if volume_col is not None and volume_col < len(row) else None
        others = [v for v in row if v is not None and str(v).strip()]
        if name is None:
            if others:  # a row with a volume (or anything) but no file would silently drop a vehicle
                problems.append(Problem("missing-value", f"bom_file: expected the BOM workbook of this row, found it blank "
                                        f"(the row holds {', '.join(repr(v) for v in others)})", str(path), "Fleet",
                                        f"{file_letter}{number}"))
            continue
        if volume is not None and (isinstance(volume, bool) or not isinstance(volume, (int, float))
                                   or volume <= 0 or volume != int(volume)):
            problems.append(Problem("bad-value", f"annual_volume: expected a whole number above 0, found {volume!r}",
                                    str(path), "Fleet", f"{volume_letter}{number}"))
            volume = None
        year, year_cell = _fiscal_year_cell(path, row, year_col, number, years, problems)
        target = (path.parent / name).resolve()
        if not target.is_file():
            problems.append(Problem("file-not-found", f"bom_file: expected a BOM workbook, found no such file {name!r} "
                                    f"(looked for {target})", str(path), "Fleet", f"{file_letter}{number}"))
            continue
        entries.append(FleetEntry(target, int(volume) if volume is not None else None, f"{path}:Fleet!{file_letter}{number}",
                                  f"{volume_letter}{number}" if volume_letter else None, year, year_cell))
    if not entries and not problems:
        problems.append(Problem("missing-value", "expected at least one row below the header naming a BOM workbook "
                                "in bom_file, found none", str(path), "Fleet", f"{file_letter}2"))
    return entries, problems


def _fiscal_year_cell(path: Path, row: tuple, column: int | None, number: int, years: dict[FiscalYearStart, str],
                      problems: list[Problem]) -> tuple[FiscalYearStart | None, str | None]:
    """A row's fiscal_year_start: the day, or None (blank, or a problem recorded: not a day of the
    year, or a day other than an earlier row's; the fleet has one producer's fiscal year)."""
    value = row[column] if column is not None and column < len(row) else None
    if value is None or not str(value).strip():
        return None, None
    cell = f"{chr(65 + column)}{number}" if column is not None else None
    try:
        year = FiscalYearStart.parse(value)
    except ValueError as error:
        problems.append(Problem("bad-value", f"fiscal_year_start: {error}", str(path), "Fleet", cell))
        return None, None
    if years and year not in years:
        (earlier, at), = years.items()
        problems.append(Problem("conflicting-value", f"fiscal_year_start: expected the one first day of the producer's "
                                f"fiscal year, found {year} here and {earlier} at {at}", str(path), "Fleet", cell))
        return None, None
    years.setdefault(year, cell or "")
    return year, cell


def fleet_fiscal_year(entries: list[FleetEntry], given: FiscalYearStart | None) -> tuple[FiscalYearStart | None, list[Problem]]:
    """The producer's fiscal year for the averages: --fiscal-year-start (`given`) and the fleet
    workbooks' fiscal_year_start cells must name one day; each cell that differs is a located problem."""
    chosen, problems = given, []
    for entry in entries:
        if entry.fiscal_year is None:
            continue
        if chosen is None:
            chosen = entry.fiscal_year
        elif entry.fiscal_year != chosen:
            file = (entry.listed_at or "").rpartition(":Fleet!")[0]
            problems.append(Problem("conflicting-value", f"fiscal_year_start: expected the one first day of the producer's "
                                    f"fiscal year, found {entry.fiscal_year} here and {chosen} "
                                    + ("from --fiscal-year-start" if given else "in an earlier fleet workbook"),
                                    file, "Fleet", entry.fiscal_year_cell))
    return chosen, problems


def fleet_volume(bom: Bom, entry: FleetEntry) -> Bom:
    """The BOM with the fleet workbook's annual volume. When its Vehicle sheet states another one,
    the fleet's figure is used (the fleet workbook is the list made for this averaging, and its
    row is the more specific statement) and a warning located at the Fleet row names both figures,
    so the weight used is never a silent choice."""
    stated = bom.vehicle.annual_volume
    if entry.volume is None or stated == entry.volume:
        return bom
    warnings = bom.warnings
    if stated is not None:
        file = (entry.listed_at or "").rpartition(":Fleet!")[0]
        warnings += (Problem("fleet-volume", f"annual_volume: the fleet workbook gives {entry.volume:,} for {bom.path}, "
                             f"whose Vehicle sheet gives {stated:,}; the averages use {entry.volume:,} (the fleet "
                             "workbook's figure); correct whichever is wrong", file or bom.path, "Fleet" if file else None,
                             entry.volume_cell if file else None, "warning"),)
    return bom.model_copy(update={"vehicle": bom.vehicle.model_copy(update={"annual_volume": entry.volume}),
                                  "warnings": warnings})


def is_fleet_workbook(path: Path) -> bool:
    import zipfile

    if not Path(path).is_file():  # a pipe or a device would block on open; load_bom reports it
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").lower()
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return b'name="fleet"' in workbook and b'name="bom"' not in workbook


def vehicle_class(bom: Bom, regime: Regime) -> str:
    """The regime's class of the vehicle, or a name saying it has none or several (vehicles are
    averaged only within one class: USMCA UR 16(1), 16(2), 20(6))."""
    classes, _ = classify(regime, bom.vehicle)
    return classes[0] if len(classes) == 1 else ("no class" if not classes else "one of " + "|".join(classes))


def averaging_rule(regime: Regime, by: str, vehicle_class: str) -> Averaging | None:
    """The regime's averaging entry for category `by` that covers `vehicle_class`, if any."""
    return next((a for a in regime.averaging if a.category == by and (not a.classes or vehicle_class in a.classes)), None)


def category_key(bom: Bom, regime: Regime, by: str) -> tuple[str, ...]:
    """The vehicle's group under the regime's averaging category `by`: its class first (never
    two classes in one average), then the values of the category's other `by` fields (rule
    data), "?" for a fact not given."""
    group = vehicle_class(bom, regime)
    rule = averaging_rule(regime, by, group)
    fields = [f for f in (rule.by if rule else ()) if f != "vehicle_class"]
    return (group, *("?" if getattr(bom.vehicle, f) is None else str(getattr(bom.vehicle, f)) for f in fields))


def combine(boms: list[tuple[Bom, int]]) -> tuple[Bom, tuple[tuple[str, int], ...]]:
    """One BOM standing for the annual totals of several vehicles (each one's money times its annual
    volume), and where each of its rows comes from: the vehicles' row numbers overlap, so the
    averaged BOM numbers its lines 1, 2, ... and row n is (workbook, row) at index n - 1."""
    weights = [volume for _bom, volume in boms]
    frames, made_frames, first = [], [], boms[0][0].vehicle
    money = {name: 0 for name in ("net_cost_cents", "transaction_value_cents", "steel_purchases_cents",
                                  "steel_purchases_originating_cents", "aluminum_purchases_cents",
                                  "aluminum_purchases_originating_cents", "lvc_high_wage_labor_cents",
                                  "lvc_high_wage_materials_cents")}
    missing = set()
    sources: list[tuple[str, int]] = []
    for (bom, _volume), weight in zip(boms, weights):
        # Materials and self-produced (make) lines are renumbered together, so each material's
        # parent_row still names its own vehicle's make line (a self-produced core part is
        # measured by its own net cost, UR 14(7), in the average as in the vehicle).
        frame, made = bom.lines.copy(), bom.made.copy()
        old_rows = [int(r) for r in frame["row"]] + [int(r) for r in made["row"]]
        renumber = pd.Series(np.arange(len(sources) + 1, len(sources) + 1 + len(old_rows), dtype=np.int64), index=old_rows)
        sources.extend((bom.path, old) for old in old_rows)
        for part in (frame, made):
            part["row"] = renumber.loc[part["row"].to_numpy(dtype=np.int64)].to_numpy()
            if "parent_row" in part:
                part["parent_row"] = part["parent_row"].map(renumber).astype("Int64")
            part["value_cents"] = part["value_cents"] * weight
            part["part_number"] = Path(bom.path).stem + " / " + part["part_number"].astype(str)
        for name in ("nafta_traced_value_cents", "steel_content_value_cents", "aluminum_content_value_cents"):
            frame[name] = frame[name] * weight
        frames.append(frame)
        made_frames.append(made)
        for name in money:
            value = getattr(bom.vehicle, name)
            if value is None:
                missing.add(name)
            else:
                money[name] += value * weight
    lines = pd.concat(frames, ignore_index=True)
    made_lines = pd.concat(made_frames, ignore_index=True) if any(len(m) for m in made_frames) else empty_made()
    points = {name: min((getattr(b.vehicle, name) for b, _ in boms if getattr(b.vehicle, name) is not None), default=None)
              for name in ("lvc_technology_points_e4", "lvc_assembly_points_e4")}
    update = {name: (None if name in missing else value) for name, value in money.items()}
    update["net_cost_cents"] = money["net_cost_cents"]
    vehicle = first.model_copy(update={**update, **points, "model": " + ".join(b.vehicle.model for b, _ in boms),
                                       "annual_volume": sum(v for _b, v in boms), "total_cost_cents": None})
    return Bom(path=" + ".join(b.path for b, _ in boms), sha256="-", vehicle=vehicle, lines=lines, made=made_lines,
               levels=max(b.levels for b, _ in boms)), tuple(sources)


@dataclass
class Average:
    regime: str
    category: tuple[str, ...]
    members: list[str]
    volume: int
    result: Determination | None
    note: str | None = None
    row_sources: tuple[tuple[str, int], ...] = ()  # (workbook, row) of the averaged BOM's row n at index n - 1
    weights: tuple[tuple[str, int], ...] = ()  # (workbook, annual volume): the averaged amounts are sums of amount x volume
    period: str | None = None  # the averaging period, or what is known of it (the vehicles' production dates)
    # When a threshold changes within the group's dates: the vehicles (file and production date) this
    # verdict is for; the averaged figures are still the whole group's.
    verdict_for: tuple[str, ...] | None = None


def average(boms: list[Bom], regimes: list[Regime], on: date | None, by: str, known: dict[str, Regime] | None = None,
            volumes: Mapping[str, int] | None = None, fiscal_year: FiscalYearStart | None = None,
            undated_on: date | None = None) -> list[Average]:
    """Volume-weighted determinations per category and averaging period, for each regime that allows
    the category.  `on` (--as-of) evaluates every group as of that date; None: each vehicle is held to
    the rules in force on its production date (`undated_on` for a vehicle that gives none).
    `fiscal_year`: the first day of the producer's fiscal year, when stated; without it the groups are
    by category only, and each says what its vehicles' dates allow (see `_period_check`).

    Each vehicle weighs by its annual volume: `volumes` by the Bom's path, else its Vehicle
    sheet's.  Before any work: BomError naming every vehicle without one, at its Vehicle sheet
    cell; TypeError or ValueError naming an argument that is not what it must be (a path where a
    Bom is expected, a volume that is not a whole number above 0, one vehicle given twice)."""
    weight_of = _volumes(boms, regimes, on, known, volumes)
    out: list[Average] = []
    for regime in regimes:
        allowed = {a.category for a in regime.averaging}
        if by not in allowed:
            out.append(Average(regime.id, ("-",), [], 0, None,
                               f"{regime.id} does not allow averaging by {by}" + (f" (it allows: {', '.join(sorted(allowed))})" if allowed else "")))
            continue
        first_from = regime.averaging_period.first_from if regime.averaging_period else None
        groups: dict[tuple[tuple[str, ...], Period | None], list[tuple[Bom, int]]] = {}
        for bom in sorted(boms, key=lambda b: b.path):  # the result never depends on the order given
            made = bom.vehicle.production_date
            period = period_of(made, fiscal_year, first_from) if fiscal_year and made else None
            groups.setdefault((category_key(bom, regime, by), period), []).append((bom, weight_of[bom.path]))
        for (key, period), members in groups.items():
            rule = averaging_rule(regime, by, key[0])
            if rule is None:
                out.append(Average(regime.id, key, [b.vehicle.model for b, _ in members], sum(v for _b, v in members), None,
                                   f"{regime.id} does not allow averaging {key[0]} vehicles by {by}: "
                                   f"{', '.join(b.path for b, _ in members)} not averaged"))
                continue
            _one_currency(members)
            combined, sources = combine(members)
            names, volume = [b.vehicle.model for b, _ in members], sum(v for _b, v in members)
            period_text, review, assumptions = _period_check(regime, members, fiscal_year, period)
            if on is not None or review:  # --as-of; or no lawful period holds the group: one verdict, to review
                latest = max((b.vehicle.production_date for b, _ in members if b.vehicle.production_date),
                             default=undated_on or date.today())
                verdicts: list[tuple[tuple[str, ...] | None, Determination]] = [
                    (None, evaluate(combined, regime, on or latest, known))]
            else:
                verdicts, said = _by_threshold(combined, regime, members, known, undated_on, fiscal_year, period)
                period_text += "".join(f"; {x}" for x in said)
            for verdict_for, result in verdicts:
                out.append(Average(regime.id, key, names, volume, _with(result, review, assumptions), rule.citation,
                                   sources, weights(members), period_text, verdict_for))
    return out


def missing_volume(bom: Bom, entry: FleetEntry | None = None, asked_by: str = "averaging") -> Problem:
    """Averaging weighs each vehicle by its annual volume: where a missing one belongs (the
    fleet workbook's row that listed the BOM, else the BOM's Vehicle sheet)."""
    message = f"annual_volume: {asked_by} weighs each vehicle by its annual volume; expected it "
    if entry is not None and entry.listed_at:
        file, _, _cell = entry.listed_at.rpartition(":Fleet!")
        return Problem("missing-value", message + f"for {bom.path} in this cell or on its Vehicle sheet, found neither",
                       file, "Fleet", entry.volume_cell or "1:1")
    cell = bom.vehicle.cells.get("annual_volume")
    found = "it blank" if cell else "no such row"
    if entry is None:  # the Python API: the volume may be given beside the BOM instead
        found += " (or give it in volumes, by the Bom's path)"
    return Problem("missing-field", message + "on the Vehicle sheet, found " + found, bom.path, "Vehicle", cell or "A1")


def _volumes(boms: list[Bom], regimes: list[Regime], on: date | None, known: Mapping[str, Regime] | None,
             volumes: Mapping[str, int] | None) -> dict[str, int]:
    """Each Bom's weight by its path, after checking `average`'s arguments (see there)."""
    from roo_calc import _require, _require_date

    _require("boms", boms, (list, tuple), "a list of Bom, as roo_calc.load_bom returns")
    for bom in boms:
        _require("boms", bom, Bom, "a list of Bom",
                 "; read it first: roo_calc.load_bom(path)" if isinstance(bom, (str, Path)) else "")
    _require("regimes", regimes, (list, tuple), "a list of Regime, as roo_calc.load_regime returns")
    for regime in regimes:
        _require("regimes", regime, Regime, "a list of Regime",
                 f"; load it first: roo_calc.load_regime({regime!r})" if isinstance(regime, str) else "")
    _require_date("on", on)
    _require("known", known, (Mapping, type(None)), "the regimes by id, as roo_calc.load_regimes returns, or None")
    _require("volumes", volumes, (Mapping, type(None)), "annual volumes by each Bom's path, or None")
    given = {str(path): volume for path, volume in (volumes or {}).items()}
    for path, volume in given.items():
        if isinstance(volume, bool) or not isinstance(volume, int) or volume <= 0:
            raise ValueError(f"volumes[{path!r}]: expected a whole number above 0, found {volume!r}")
    paths = [bom.path for bom in boms]
    unknown = [path for path in given if path not in paths]
    if unknown:
        raise ValueError(f"volumes: {', '.join(map(repr, unknown))} is the path of no Bom given; expected the paths "
                         f"of the boms ({', '.join(map(repr, paths))})")
    seen: dict[Path, str] = {}
    for path in paths:
        first = seen.get(Path(path).resolve())
        if first is not None:
            raise ValueError(f"boms: {path} is given twice{f' (also as {first})' if first != path else ''}; each vehicle "
                             "is given once, or its volume would count twice in the averages")
        seen[Path(path).resolve()] = path
    problems = [missing_volume(bom) for bom in boms if not (given.get(bom.path) or bom.vehicle.annual_volume)]
    if problems:
        raise BomError(problems)
    return {bom.path: given.get(bom.path) or bom.vehicle.annual_volume or 0 for bom in boms}


NO_PERIOD = "the producer's fiscal year; the rule file states no [averaging_period]"


def _made(bom: Bom) -> str:
    return f"{Path(bom.path).name} ({bom.vehicle.production_date or 'no production_date'})"


def _period_check(regime: Regime, members: list[tuple[Bom, int]], fiscal_year: FiscalYearStart | None,
                  period: Period | None) -> tuple[str, list[str], list[Assumption]]:
    """The group's averaging period in words, and what cannot be known of it: a review reason when no
    lawful period can hold the vehicles or a production date is missing; an assumption when one can,
    but only if the producer's fiscal year (or election) is as taken.  An average is calculated over
    the producer's fiscal year (USMCA UR 16(1), 16(8); NAFTA UR 11(1)(a), 11(9)), or over the first
    period from the entry into force (USMCA UR 16(4), 16(12); NAFTA UR 11(3))."""
    rule = regime.averaging_period
    cite, cite_first = (rule.citation_of(0), rule.citation) if rule else (NO_PERIOD, NO_PERIOD)
    first_from = rule.first_from if rule else None
    state = "state the producer's fiscal year (--fiscal-year-start, or fiscal_year_start on the Fleet sheet)"
    undated = [b for b, _ in members if b.vehicle.production_date is None]
    if undated:
        why = (f"production_date not given for {', '.join(Path(b.path).name for b in undated)}: the period the vehicles "
               f"were made in cannot be known, and an average covers the vehicles produced during one fiscal year "
               f"({cite}); give production_date")
        return "unknown (a production date is missing)", [why], []
    dates = sorted(b.vehicle.production_date for b, _ in members if b.vehicle.production_date)
    if period is not None:
        text = f"{'first period' if period.first else 'fiscal year'} {period} (fiscal year stated: begins {fiscal_year})"
        split = period.split
        if split and dates[0] < split <= dates[-1]:
            before = [_made(b) for b, _ in members if b.vehicle.production_date and b.vehicle.production_date < split]
            after = [_made(b) for b, _ in members if b.vehicle.production_date and b.vehicle.production_date >= split]
            return text, [], [_assumption("averaging-first-period", (
                f"the vehicles made before {split} ({', '.join(before)}) and from it ({', '.join(after)}) are averaged "
                f"together over the first period {period}, as the producer may elect ({cite_first}); without that election "
                f"they are two averages, the partial fiscal year to {split - timedelta(days=1)} and the fiscal year "
                f"from {split}"), cite_first)]
        return text, [], []
    span = span_of(dates, first_from)
    text = f"not stated; the vehicles were made from {span.low} to {span.high}"
    if span.fit == "same-day":
        return f"not stated; the vehicles were all made on {span.low}", [], []
    if span.fit == "one-year":
        assert span.starts is not None
        return text, [], [_assumption("averaging-fiscal-year", (
            f"the producer's fiscal year is not stated: the vehicles, made from {span.low} to {span.high}, are taken to "
            f"be of one fiscal year, as an average requires ({cite}); that holds only if the fiscal year begins on "
            f"{starts_text(span.starts)}; one beginning on another day divides them into two averages; {state}"), cite)]
    if span.fit == "first-period":
        assert span.starts is not None
        return text, [], [_assumption("averaging-first-period", (
            f"the producer's fiscal year is not stated: the vehicles, made from {span.low} to {span.high} "
            f"({span.months} months apart), fit in no fiscal year; they are taken to be of the first period from "
            f"{first_from} to the end of a fiscal year beginning on {starts_text(span.starts)} in the year after, "
            f"which the producer may elect ({cite_first}); otherwise they are not one average; {state}"), cite_first)]
    return text, [(f"the vehicles were made from {span.low} to {span.high} ({span.months} months apart): no fiscal year "
                   f"holds them all{f', nor the first period from {first_from}' if first_from else ''}, and an average is calculated over the "
                   f"producer's fiscal year ({cite}); {state}, and each year is averaged apart")], []


def _assumption(code: str, text: str, citation: str) -> Assumption:
    return Assumption(code=code, requirement=None, text=text, rows=(), value_at_stake_cents=0, citation=citation)


def _with(result: Determination, review: list[str], assumptions: list[Assumption]) -> Determination:
    """The averaged result with the period's review reasons (the verdict then needs review: no
    lawful average may hold these vehicles together) and assumptions."""
    if not review and not assumptions:
        return result
    update: dict[str, object] = {"assumptions": tuple(assumptions) + result.assumptions,
                                 "review": result.review + tuple(review)}
    if review and result.status != "not_applicable":
        update["status"] = "needs_review"
    return result.model_copy(update=update)


def _by_threshold(combined: Bom, regime: Regime, members: list[tuple[Bom, int]], known: dict[str, Regime] | None,
                  undated_on: date | None, fiscal_year: FiscalYearStart | None = None, period: Period | None = None
                  ) -> tuple[list[tuple[tuple[str, ...] | None, Determination]], list[str]]:
    """The averaged BOM's determination for each run of vehicles under the same rules: the rules in
    force change on dated points (thresholds rising on July 1), and each vehicle is held to those in
    force on its production date, the average replacing only its own RVC calculation (USMCA UR 16(1):
    "the calculation may be averaged"; UNCONFIRMED, see the regime's averaging_period note).  One
    verdict (None: for every vehicle) when the rules that decide it are the same over the group.
    With a stated fiscal year, a change the law ties to the fiscal year (NAFTA UR 13(1)) falls on the
    fiscal year's first day (`_fiscal_side`), said in words (the second item returned)."""
    fallback = undated_on or date.today()
    made = sorted((((b.vehicle.production_date or fallback), b) for b, _ in members), key=lambda m: (m[0], m[1].path))
    dated = _change_dates(regime)
    stated = fiscal_year is not None and period is not None
    changes = sorted(d for d, tied in dated.items() if not (stated and tied))
    tied_points = sorted(d for d, tied in dated.items() if stated and tied)
    runs: list[list[tuple[date, Bom]]] = []
    for day, bom in made:
        if runs and not any(runs[-1][-1][0] < c <= day for c in changes):
            runs[-1].append((day, bom))
        else:
            runs.append([(day, bom)])
    said: list[str] = []
    results = []
    for run in runs:
        on, said = _fiscal_side(run[-1][0], tied_points, fiscal_year, period)
        result = evaluate(combined, regime, on, known)
        if tied_points:  # the engine's "no fiscal year given" reading is replaced by the stated one
            kept = tuple(a for a in result.assumptions if a.code not in {f"fiscal-year-{c}" for c in tied_points})
            result = result.model_copy(update={"assumptions": kept})
        results.append((run, result))
    merged: list[tuple[list[tuple[date, Bom]], Determination]] = []
    for run, result in results:  # neighbours whose rules give the same verdict the same way are one run
        if merged and _decided_alike(merged[-1][1], result):
            merged[-1] = (merged[-1][0] + run, result)
        else:
            merged.append((run, result))
    if len(merged) == 1:
        return [(None, merged[0][1])], said
    note = regime.averaging_period.note if regime.averaging_period else None
    out: list[tuple[tuple[str, ...] | None, Determination]] = []
    for run, result in merged:
        listed = tuple(_made(b) for _d, b in run)
        dates = f"made on {run[0][0]}" if run[0][0] == run[-1][0] else f"made from {run[0][0]} to {run[-1][0]}"
        text = (f"the rules in force change within this group's dates, and each vehicle is held to those in force on its "
                f"production date: this verdict, on the rules of {run[-1][0]}, is for {', '.join(listed)}, {dates}; "
                f"the averaged figures are the whole group's"
                + (f" ({note})" if note else ""))
        out.append((listed, _with(result, [], [_assumption("averaging-rules-by-date", text,
                                                            regime.averaging_period.citation if regime.averaging_period else "")])))
    return out, said


def _fiscal_side(day: date, tied: list[date], fiscal_year: FiscalYearStart | None, period: Period | None
                 ) -> tuple[date, list[str]]:
    """The date whose rules hold a vehicle made on `day` in `period`: `day` itself, moved across each
    change point the law ties to "the fiscal year beginning on the day closest to" it (NAFTA UR
    13(1)) to the side the stated fiscal year puts the period on (a tie goes to the earlier year,
    the stricter); and, for the change points near the period, what was decided."""
    said: list[str] = []
    if fiscal_year is None or period is None:
        return day, said
    for change in tied:
        before, _ = fiscal_year.year_of(change)
        after = fiscal_year.year_of(before)[1] + timedelta(days=1)
        begins = before if (change - before) <= (after - change) else after
        later = period.start >= begins
        if later and day < change:
            day = change
        elif not later and day >= change:
            day = change - timedelta(days=1)
        if period.start - timedelta(days=366) <= change <= period.end + timedelta(days=366):
            said.append(f"the change of {change} applies from the fiscal year beginning on the day closest to it, "
                        f"{begins}: this period is {'on or after' if later else 'before'} it")
    return day, said


def _decided_alike(a: Determination, b: Determination) -> bool:
    """The same verdict from the same requirements, statuses and thresholds."""
    def shape(d: Determination) -> tuple:
        return d.status, tuple((r.id, r.status, r.threshold) for r in d.requirements)
    return shape(a) == shape(b)


def _change_dates(regime: Regime) -> dict[date, bool]:
    """Every date on which a dated value of the regime's requirements changes (thresholds, minimums,
    ..., the start of the steel melted-and-poured test of USMCA UR 17(5)(b)), and the first day in
    force and after it; True for a change the law ties to the fiscal year."""
    found: dict[date, bool] = {}

    def walk(value: object) -> None:
        if isinstance(value, DatedValue):
            found[value.from_] = found.get(value.from_, True) and value.fiscal_year
        elif isinstance(value, MeltAndPour):
            found[value.from_] = False
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(list(regime.requirements.values()))
    if regime.in_force.from_:
        found[regime.in_force.from_] = False
    if regime.in_force.to:  # after it, a what-if
        found[regime.in_force.to + timedelta(days=1)] = False
    return found


def _one_currency(members: list[tuple[Bom, int]]) -> None:
    """Refuse to add amounts in different currencies: the contract's FX sheet converts a line's
    currency into its own vehicle's, not one vehicle's costs into another's."""
    currencies: dict[str, list[str]] = {}
    for bom, _volume in members:
        currencies.setdefault(bom.vehicle.currency, []).append(bom.path)
    if len(currencies) > 1:
        listed = "; ".join(f"{currency}: {', '.join(paths)}" for currency, paths in sorted(currencies.items()))
        raise RooCalcError(f"cannot average vehicles costed in different currencies ({listed}): their net costs and "
                           "materials would be added as if one currency; state every vehicle of the group in one currency")


def weights(members: list[tuple[Bom, int]]) -> tuple[tuple[str, int], ...]:
    """Each member's weight in the averaged sums (as in `combine`): its annual volume."""
    return tuple((bom.path, volume) for bom, volume in members)
