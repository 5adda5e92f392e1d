"""Load scenario files and apply a scenario to a BOM, giving a new BOM (the input is untouched).

Money set by a scenario is rounded once, half to even, to the cent (`roo_calc.numbers.to_cents`),
as the reader does.  When a scenario changes line values and does not set the vehicle's net
cost, the net cost moves by the same amount: materials are part of net cost.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from roo_calc.bom.model import Bom, Vehicle
from roo_calc.collector import paused
from roo_calc.display import money as display_money
from roo_calc.bom.schema import CERTIFICATION_COLUMNS
from roo_calc.errors import ScenarioError
from roo_calc.numbers import pct_to_e4, to_cents
from roo_calc.scenarios.model import Change, LineEdit, Scenario, Selector, built
from roo_calc.tomlfile import read_toml


MAX_LISTED = 100  # problems listed from one scenario file; the rest are counted


def load_scenarios(path: str | Path) -> list[Scenario]:
    """The scenarios in one file: a single scenario (`name`, `[[change]]`, `[vehicle]` at the top
    level), or many as a `[[scenario]]` array of tables, each with its own name.  Every problem in
    every entry is found in one pass and raised together, each naming the file, the entry (its
    number, from 1, and name) and the key."""
    with paused():  # a few hundred thousand tables and models, none in a cycle (roo_calc.collector)
        return _load_scenarios(Path(path))


def _load_scenarios(path: Path) -> list[Scenario]:
    data = read_toml(path, ScenarioError, "scenario file")
    if "scenario" not in data:
        return [_validated(data, path, f"{path}")]
    entries = data["scenario"]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ScenarioError(f"{path}: scenario: expected one or more [[scenario]] tables, found {_kind(entries)}")
    if set(data) != {"scenario"}:
        others = ", ".join(sorted(set(data) - {"scenario"}))
        raise ScenarioError(f"{path}: {others}: a file of [[scenario]] tables holds nothing else at its top level "
                            "(give each scenario its own name, [[scenario.change]] and [scenario.vehicle])")
    scenarios: list[Scenario] = []
    problems: list[str] = []
    first: dict[object, int] = {}
    edits = _Validated()
    for number, entry in enumerate(entries, start=1):
        name = entry.get("name")
        try:
            scenarios.append(edits.scenario(entry, path) or _validated(entry, path, _entry(path, number, name)))
        except ScenarioError as error:
            problems.extend(str(error).splitlines())
            continue
        if name in first:
            problems.append(f"{_entry(path, number, name)}: name: scenario {first[name]} has the same name; names must be unique")
        first.setdefault(name, number)
    if problems:
        more = len(problems) - MAX_LISTED
        raise ScenarioError("\n".join(problems[:MAX_LISTED]) + (f"\n... and {more:,} more problems" if more > 0 else ""))
    return scenarios


def load_scenario(path: str | Path) -> Scenario:
    """The one scenario in a file; a file of several is an error (use `load_scenarios`)."""
    scenarios = load_scenarios(path)
    if len(scenarios) != 1:
        raise ScenarioError(f"{path}: holds {len(scenarios)} scenarios, one was expected")
    return scenarios[0]


def _kind(value) -> str:
    if isinstance(value, list):
        return "an empty list" if not value else "a list of values, not tables"
    return f"a {type(value).__name__} value"


class _Validated:
    """Changes already validated in this file, by their text: a file of ten thousand scenarios
    repeats the same few edits, and each is checked once.  A plain scenario (a name, perhaps a
    description, and changes) is then built from them without a model validation of its own."""

    def __init__(self) -> None:
        self._selectors: dict[str, Selector] = {}
        self._edits: dict[str, LineEdit] = {}
        self._changes: dict[tuple[str, str], Change] = {}
        self._read: dict[tuple[int, int], Change | None] = {}  # by the id()s of the tables, alive while the file is read

    def change(self, change) -> Change | None:
        """The validated change, or None when it is not valid (left to the full validation, which
        locates every problem).  Each table is looked up by its repr, exact for TOML's values:
        True and 1, 1 and Decimal('1') print differently; a table read once for many identical
        lines (`roo_calc.tomlfile`) is first looked up by its identity."""
        if not isinstance(change, dict) or change.keys() != {"select", "set"}:
            return None
        select, edit = change["select"], change["set"]
        key = (id(select), id(edit))
        if key not in self._read:
            self._read[key] = self._change(select, edit)
        return self._read[key]

    def _change(self, select, edit) -> Change | None:
        keys = (repr(select), repr(edit))
        found = self._changes.get(keys)
        if found is not None:
            return found
        selector = self._selectors.get(keys[0]) or _plain_selector(select)
        if selector is None:
            return None
        self._selectors[keys[0]] = selector
        line_edit = self._edits.get(keys[1])
        if line_edit is None:
            try:
                line_edit = self._edits[keys[1]] = LineEdit.model_validate(edit)
            except ValidationError:
                return None
        found = self._changes[keys] = built(Change, select=selector, set=line_edit)
        return found

    def scenario(self, entry: dict, path: Path) -> Scenario | None:
        """The scenario, when the entry is plain and each of its changes valid; else None."""
        if not entry.keys() <= {"name", "description", "change"}:
            return None
        name, description, changes = entry.get("name"), entry.get("description"), entry.get("change")
        if not (isinstance(name, str) and name and (description is None or isinstance(description, str))
                and isinstance(changes, list) and changes):
            return None
        made = tuple([self.change(c) for c in changes])
        if None in made:
            return None
        return built(Scenario, name=name, description=description, change=made, vehicle=None, path=str(path))


def _plain_selector(table) -> Selector | None:
    """A selector of plain text values (a value or a non-empty list of them, none blank), built
    as `Selector` validates it; None for anything else (left to the full validation)."""
    if not isinstance(table, dict) or not table or not table.keys() <= Selector.model_fields.keys():
        return None
    fields: dict[str, Any] = {}
    for key, value in table.items():
        values = tuple(value) if isinstance(value, list) else (value,)
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            return None
        fields[key] = values
    return built(Selector, **fields)


def _entry(path: Path, number: int, name) -> str:
    """Where an entry of a file of many is: the file, its number (from 1) and its name."""
    return f"{path}: scenario {number}" + (f" ({name!r})" if isinstance(name, str) and name else "")


def _validated(data: dict, path: Path, where: str) -> Scenario:
    try:
        return Scenario.model_validate({**data, "path": str(path)})
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = ".".join(str(p) for p in error["loc"]) or "(top level)"
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key"
            elif error["type"] in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
                message += f", found {error['input']}"
            lines.append(f"{where}: {loc}: {message}")
        raise ScenarioError("\n".join(lines)) from None


def select(lines: pd.DataFrame, selector: Selector) -> np.ndarray:
    """The lines a selector picks: every given condition holds (values within one are alternatives)."""
    mask = np.ones(len(lines), dtype=bool)
    for field, wanted in selector.model_dump().items():
        if not wanted:
            continue
        if field == "hs_prefix":
            prefixes = tuple(w.replace(".", "").strip() for w in wanted)
            mask &= lines["hs_code"].astype(str).str.startswith(prefixes).to_numpy(dtype=bool)
        elif field == "origin_country":
            mask &= lines[field].isin([w.upper() for w in wanted]).to_numpy(dtype=bool)
        else:
            mask &= lines[field].isin(list(wanted)).to_numpy(dtype=bool)
    return mask


class LineIndex:
    """The lines of one BOM by field value, built once, so that thousands of selectors are
    answered by look-up rather than a scan each; `mask` equals `select` for every selector."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self.lines = lines
        self._by: dict[str, dict[object, np.ndarray]] = {}

    def _positions(self, field: str) -> dict[object, np.ndarray]:
        if field not in self._by:
            codes, uniques = pd.factorize(self.lines[field], use_na_sentinel=True)
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
            self._by[field] = {u: order[bounds[i]:bounds[i + 1]] for i, u in enumerate(uniques)}
        return self._by[field]

    def picked(self, selector: Selector) -> list[int]:
        """The positions of the lines the selector picks, in order (as `np.flatnonzero(mask)`);
        a selector of one field other than hs_prefix (a part number, say) is a look-up alone."""
        given = [field for field in Selector.model_fields if getattr(selector, field)]
        if len(given) != 1 or given[0] == "hs_prefix":
            return np.flatnonzero(self.mask(selector)).tolist()
        wanted = getattr(selector, given[0])
        values = [w.upper() for w in wanted] if given[0] == "origin_country" else wanted
        by = self._positions(given[0])
        found = [by[v] for v in dict.fromkeys(values) if v in by]
        if len(found) == 1:
            return found[0].tolist()
        return sorted(set().union(*(f.tolist() for f in found)))

    def mask(self, selector: Selector) -> np.ndarray:
        mask: np.ndarray | None = None
        for field in Selector.model_fields:
            wanted = getattr(selector, field)
            if not wanted:
                continue
            if field == "hs_prefix":
                hit = select(self.lines, Selector(hs_prefix=wanted))
            else:
                values = [w.upper() for w in wanted] if field == "origin_country" else wanted
                hit = np.zeros(len(self.lines), dtype=bool)
                by = self._positions(field)
                for v in values:
                    found = by.get(v)
                    if found is not None:
                        hit[found] = True
            mask = hit if mask is None else mask & hit
        return np.ones(len(self.lines), dtype=bool) if mask is None else mask


def no_match(bom: Bom, scenario: Scenario, number: int, change) -> ScenarioError:
    where = scenario.path or "scenario"
    return ScenarioError(f"{where}: scenario {scenario.name!r}, change {number}: selector "
                         f"({change.select.describe()}) matches no line of {bom.path}")


def apply_scenario(bom: Bom, scenario: Scenario) -> Bom:
    """The BOM as it would be under the scenario; raises ScenarioError when a selector matches nothing."""
    lines = bom.lines.copy()
    delta = 0
    where = scenario.path or "scenario"
    for number, change in enumerate(scenario.change, start=1):
        mask = select(lines, change.select)
        if not mask.any():
            raise no_match(bom, scenario, number, change)
        edit = change.set
        for field in ("origin_country", "supplier"):
            if getattr(edit, field) is not None:
                lines.loc[mask, field] = getattr(edit, field)
        for field in (*CERTIFICATION_COLUMNS, "high_wage"):
            if getattr(edit, field) is not None:
                lines.loc[mask, field] = getattr(edit, field)
        for field, column in (("regional_content_pct", "regional_content_e4"), ("us_content_pct", "us_content_e4")):
            if getattr(edit, field) is not None:
                lines.loc[mask, column] = pct_to_e4(getattr(edit, field))
        if edit.value is not None or edit.price_change_pct is not None:
            old = lines.loc[mask, "value_cents"].to_numpy(dtype=np.int64)
            if edit.value is not None:
                new = np.full(len(old), to_cents(edit.value), dtype=np.int64)
            else:
                assert edit.price_change_pct is not None  # the enclosing condition: value or price_change_pct
                factor = 1 + edit.price_change_pct / 100
                new = np.array([to_cents(Decimal(int(v)) / 100 * factor) for v in old], dtype=np.int64)
            lines.loc[mask, "value_cents"] = new
            delta += int(new.sum() - old.sum())
    new_vehicle = _edited_vehicle(bom.vehicle, scenario, delta)
    problems = _vehicle_problems(new_vehicle, scenario)
    if int(lines["value_cents"].sum()) > new_vehicle.net_cost_cents:
        problems.append(f"{where}: scenario {scenario.name!r} makes the materials exceed the net cost")
    if problems:
        raise ScenarioError("\n".join(problems))
    return bom.model_copy(update={"lines": lines, "vehicle": new_vehicle, "path": f"{bom.path} [{scenario.name}]"})


_VEHICLE_MONEY = ("net_cost", "transaction_value", "steel_purchases", "steel_purchases_originating",
                  "aluminum_purchases", "aluminum_purchases_originating", "lvc_high_wage_labor",
                  "lvc_high_wage_materials")
_VEHICLE_POINTS = ("lvc_technology_points", "lvc_assembly_points")


def _edited_vehicle(vehicle: Vehicle, scenario: Scenario, delta: int) -> Vehicle:
    """The vehicle with the scenario's [vehicle] figures, each recorded as given by the scenario
    (reports cite the scenario, not the Vehicle sheet's cell, for it); a net cost moved by the
    lines' change in value when the scenario does not set it.  A total cost on the sheet moves
    with the net cost: the excluded costs stay as they are (USMCA UR s.1, net cost)."""
    updates: dict = {}
    given: list[str] = []
    if scenario.vehicle is not None:
        v = scenario.vehicle
        if v.assembly_country:
            updates["assembly_country"] = v.assembly_country
            given.append("assembly_country")
        for field in _VEHICLE_MONEY:
            if getattr(v, field) is not None:
                updates[f"{field}_cents"] = to_cents(getattr(v, field))
                given.append(field)
        for field in _VEHICLE_POINTS:
            if getattr(v, field) is not None:
                updates[f"{field}_e4"] = pct_to_e4(getattr(v, field))
                given.append(field)
    if "net_cost_cents" not in updates and delta:
        updates["net_cost_cents"] = vehicle.net_cost_cents + delta
    if vehicle.total_cost_cents is not None and "net_cost_cents" in updates:
        updates["total_cost_cents"] = updates["net_cost_cents"] + sum(vehicle.excluded_costs_cents.values())
    if given:
        label = f"scenario {scenario.name!r}" + (f" in {scenario.path}" if scenario.path else "")
        updates["given_by"] = {**vehicle.given_by, **{field: label for field in given}}
    return vehicle.model_copy(update=updates)


def vehicle_problems(bom: Bom, scenario: Scenario) -> list[str]:
    """What `apply_scenario` refuses in the scenario's [vehicle] figures, found without applying
    its line changes: to list the problems of every scenario at once."""
    if scenario.vehicle is None:  # nothing to check (ten thousand sourcing scenarios copy no vehicle)
        return []
    return _vehicle_problems(_edited_vehicle(bom.vehicle, scenario, 0), scenario)


def _vehicle_problems(new: Vehicle, scenario: Scenario) -> list[str]:
    """The scenario's [vehicle] figures that the Vehicle sheet would refuse beside the sheet's
    other figures, each naming the scenario file, the scenario and the key: originating steel
    or aluminum purchases above the purchases (USMCA UR 17(1): the originating purchases are a
    part of them), and high-wage labor and materials above the net cost (UR 18(6)(a)), as the
    reader checks them."""
    if scenario.vehicle is None:
        return []
    where = f"{scenario.path or 'scenario'}: scenario {scenario.name!r}, [vehicle]"
    problems = []
    for metal in ("steel", "aluminum"):
        bought, originating = f"{metal}_purchases", f"{metal}_purchases_originating"
        total, part = getattr(new, f"{bought}_cents"), getattr(new, f"{originating}_cents")
        if total is None or part is None or part <= total:
            continue
        if getattr(scenario.vehicle, originating) is not None:
            key, found, other, expected = originating, part, bought, "at most"
        else:
            key, found, other, expected = bought, total, originating, "at least"
        figure = total if other == bought else part
        problems.append(f"{where} {key}: expected {expected} {other} ({display_money(figure)}, {new.source_of(other)}), "
                        f"found {display_money(found)}")
    labor, materials = new.lvc_high_wage_labor_cents, new.lvc_high_wage_materials_cents
    given = [name for name in ("lvc_high_wage_labor", "lvc_high_wage_materials") if getattr(new, f"{name}_cents") is not None]
    if given and (labor or 0) + (materials or 0) > new.net_cost_cents:  # USMCA UR 18(6)(a): both are within the net cost
        problems.append(f"{where} {' + '.join(given)}: expected at most the net cost ({display_money(new.net_cost_cents)}, "
                        f"{new.source_of('net_cost')}), found {display_money((labor or 0) + (materials or 0))}")
    return problems


def without_effect(bom: Bom, scenario: Scenario) -> list[str]:
    """Changes of the scenario that cannot move any result, each with the reason: a line's
    high_wage flag counts toward labor value content only when the Vehicle sheet gives no
    lvc_high_wage_materials (the engine uses that figure then; USMCA UR 18(7), 18(21))."""
    given = scenario.vehicle.lvc_high_wage_materials if scenario.vehicle is not None else None
    figure = bom.vehicle.lvc_high_wage_materials_cents
    if given is None and figure is None:
        return []
    where = (f"the scenario's [vehicle] lvc_high_wage_materials {given}" if given is not None else
             f"the Vehicle sheet's lvc_high_wage_materials {Decimal(figure or 0).scaleb(-2)}"
             + (f" ({bom.vehicle.cells['lvc_high_wage_materials']})" if "lvc_high_wage_materials" in bom.vehicle.cells else ""))
    return [f"scenario {scenario.name!r}, change {number}: high_wage = {'Y' if change.set.high_wage else 'N'} has no effect: "
            f"labor value content takes its high-wage materials from {where}, not from the lines' high_wage flags "
            "(set lvc_high_wage_materials under [vehicle] to model the change, or leave it blank on the Vehicle sheet "
            "to count the flagged lines)"
            for number, change in enumerate(scenario.change, start=1) if change.set.high_wage is not None]
