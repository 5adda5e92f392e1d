"""advise and the batch path decide by the engine's linear forms (roo_calc.engine.linear): on
random BOMs that use every requirement kind, each plan's prediction and each batch scenario's
result equal the engine's determination of the changed BOM, evaluated from scratch.

Varied independently: values, origins, USMCA and NAFTA certifications, stated regional and US
content, traced values, high_wage, core-part groups (declared, "none", blank), a self-produced
part and which lines are its materials (its origin in the vehicle's VNM by its own RVC), materials and their steel/aluminum content, the vehicle's class (passenger, electrified, light and heavy
truck, an other vehicle of UR 20(2): core parts, the super-core, the excess-LVC credit of UR 18(22)), its LVC facts and
purchase figures, and the date.  The `ci` profile (tests/conftest.py) draws the same examples on
every run; HYPOTHESIS_PROFILE=long draws fresh ones.
"""

from __future__ import annotations

import datetime
import os
from fractions import Fraction

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roo_calc.advise import advise
from roo_calc.bom.model import Bom, Vehicle, empty_made
from roo_calc.engine.determine import evaluate
from roo_calc.engine.kinds import KINDS, LINEAR_KINDS
from roo_calc.rules.loader import load_regimes
from roo_calc.rules.model import Requirement
from roo_calc.scenarios.batch import EDITABLE, batchable, evaluate_batch

REGIMES = load_regimes()
PREFERENCE = [r for r in REGIMES.values() if r.kind == "preference"]
GROUPS = sorted(REGIMES["usmca-2020"].requirements["core_parts"].core_part_table)
# Core parts of each group and their "ex" codes, Table S steel and aluminum and their parts,
# NAFTA Schedule IV and Schedule V goods, and goods that are none of these.
HS = ["840734", "870840", "870710", "870829", "870850", "870880", "870894", "853710", "850760", "720839", "760612",
      "870899", "854430", "940120", "732010"]
COUNTRIES = ["US", "MX", "CA", "JP", "CN"]
VEHICLES = {"870323": "passenger_vehicle", "870380": "passenger_vehicle", "870421": "light_truck",
            "870423": "heavy_truck", "870333": "other"}
DATES = [datetime.date(2021, 8, 1), datetime.date(2024, 3, 1), datetime.date(2026, 6, 1)]
# 25 examples each in CI; the `long` profile's own count when run by hand.
SETTINGS = settings(max_examples=settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 25,
                    suppress_health_check=[HealthCheck.too_slow])

flag = st.sampled_from([None, True, False])
pct_e4 = st.one_of(st.none(), st.integers(0, 1_000_000))
line = st.fixed_dictionaries({
    "hs_code": st.sampled_from(HS),
    "origin_country": st.sampled_from(COUNTRIES),
    "value_cents": st.integers(0, 400_000),
    "usmca_originating": flag,
    "nafta_originating": flag,
    "regional_content_e4": pct_e4,
    "us_content_e4": pct_e4,
    "nafta_traced_value_cents": st.one_of(st.none(), st.integers(0, 200_000)),
    "high_wage": flag,
    "core_part_group": st.sampled_from([None, None, "none", *GROUPS]),
    "material": st.sampled_from([None, "steel", "aluminum"]),
    "steel_content_value_cents": st.one_of(st.none(), st.integers(0, 50_000)),
    "aluminum_content_value_cents": st.one_of(st.none(), st.integers(0, 50_000)),
})
vehicle = st.fixed_dictionaries({
    "hs_code": st.sampled_from(sorted(VEHICLES)),
    "assembly_country": st.sampled_from(["US", "MX", "CA"]),
    "extra_cents": st.integers(0, 3_000_000),
    "on": st.sampled_from(DATES),
    "lvc_high_wage_labor_cents": st.one_of(st.none(), st.integers(0, 1_500_000)),
    "lvc_high_wage_materials_cents": st.one_of(st.none(), st.none(), st.integers(0, 1_500_000)),
    "lvc_technology_points_e4": st.one_of(st.none(), st.integers(0, 120_000)),
    "lvc_assembly_points_e4": st.sampled_from([None, 0, 50_000]),
    "steel_purchases": st.one_of(st.none(), st.tuples(st.integers(1, 100_000), st.integers(0, 100))),
    # A self-produced (make) part at row 1 -- its HS code, its own cost, how many of the first
    # lines are its materials -- measured as a part where it is a core part (UR 14(4), 14(7)(a)),
    # and, in the vehicle's VNM, originating or not by its own RVC (a `Gate`: UR 14(1), 14(2),
    # 15(1)-(4), 20(1)); a seat in a passenger vehicle or a battery has no rule in the files.
    "make": st.one_of(st.none(), st.tuples(st.sampled_from(["840734", "870840", "870850", "940120", "850760"]),
                                           st.integers(0, 800_000), st.integers(1, 12))),
})


def make_bom(lines: list[dict], facts: dict) -> Bom:
    n = len(lines)

    def column(name: str, dtype: str) -> pd.api.extensions.ExtensionArray:
        return pd.array([entry[name] for entry in lines], dtype=dtype)

    frame = pd.DataFrame({
        "row": pd.array(range(2, n + 2), dtype="int64"),
        "part_number": pd.Series([f"P{i}" for i in range(n)], dtype=object),
        "description": pd.Series([None] * n, dtype=object),
        "hs_code": pd.Series([entry["hs_code"] for entry in lines], dtype=object),
        "currency": pd.Series(["USD"] * n, dtype=object),
        "origin_country": pd.Series([entry["origin_country"] for entry in lines], dtype=object),
        "supplier": pd.Series([None] * n, dtype=object),
        "nafta_originating": column("nafta_originating", "boolean"),
        "usmca_originating": column("usmca_originating", "boolean"),
        "material": pd.Series([entry["material"] for entry in lines], dtype=object),
        "high_wage": column("high_wage", "boolean"),
        "core_part_group": pd.Series([entry["core_part_group"] for entry in lines], dtype=object),
        "regional_content_e4": column("regional_content_e4", "Int64"),
        "us_content_e4": column("us_content_e4", "Int64"),
        "resourcing_premium_e4": pd.array([(i * 37) % 900 * 100 for i in range(n)], dtype="Int64"),
        "quantity": pd.Series([1] * n, dtype=object),
        "value_cents": column("value_cents", "int64"),
        "nafta_traced_value_cents": column("nafta_traced_value_cents", "Int64"),
        "steel_content_value_cents": column("steel_content_value_cents", "Int64"),
        "aluminum_content_value_cents": column("aluminum_content_value_cents", "Int64"),
        "level": pd.array([1] * n, dtype="int64"),
        "parent_row": pd.array([None] * n, dtype="Int64"),
    })
    made = empty_made()
    if facts["make"] is not None:
        hs, cost, materials = facts["make"]
        below = frame.index < materials
        frame.loc[below, "level"] = 2
        frame["parent_row"] = pd.array([1 if b else None for b in below], dtype="Int64")
        made = pd.DataFrame({"row": pd.array([1], dtype="int64"), "part_number": pd.Series(["MAKE"], dtype=object),
                             "description": pd.Series([None], dtype=object), "hs_code": pd.Series([hs], dtype=object),
                             "origin_country": pd.Series([facts["assembly_country"]], dtype=object),
                             "value_cents": pd.array([cost], dtype="int64"), "level": pd.array([1], dtype="int64"),
                             "parent_row": pd.array([None], dtype="Int64"), "core_part_group": pd.Series([None], dtype=object)})
    purchases = facts["steel_purchases"]
    car = Vehicle(model="generated", hs_code=facts["hs_code"], vehicle_type=VEHICLES[facts["hs_code"]],
                  assembly_country=facts["assembly_country"], production_date=facts["on"],
                  net_cost_cents=max(int(frame["value_cents"].sum()) + facts["extra_cents"], 1),
                  lvc_high_wage_labor_cents=facts["lvc_high_wage_labor_cents"],
                  lvc_high_wage_materials_cents=facts["lvc_high_wage_materials_cents"],
                  lvc_technology_points_e4=facts["lvc_technology_points_e4"],
                  lvc_assembly_points_e4=facts["lvc_assembly_points_e4"],
                  steel_purchases_cents=None if purchases is None else purchases[0],
                  steel_purchases_originating_cents=None if purchases is None else purchases[0] * purchases[1] // 100)
    return Bom(path="generated", sha256="-", vehicle=car, lines=frame, made=made)


def edit_table(scenarios: list[list[dict]], count: int) -> pd.DataFrame:
    """The batch's edit table from drawn scenarios (each a list of line edits, the line taken modulo count)."""
    rows = [{"scenario": s, **e, "line": e["line"] % count, "supplier": None} for s, edits in enumerate(scenarios) for e in edits]
    return pd.DataFrame(rows, columns=["scenario", "line", *EDITABLE]).drop_duplicates(["scenario", "line"])


def changed_bom(bom: Bom, edits: pd.DataFrame, scenario: int) -> Bom:
    """The BOM with one scenario's rows of an edit table applied, cell by cell (the reference)."""
    changed = bom.lines.copy()
    for e in edits[edits["scenario"] == scenario].to_dict("records"):
        for field in EDITABLE:
            if e[field] is not None and not pd.isna(e[field]):
                changed.loc[changed.index[e["line"]], field] = e[field]
    return bom.model_copy(update={"lines": changed})


def kinds_decided(determinations) -> set[str]:
    """The kinds decided by a form, and "gate:True" / "gate:False" for a self-produced part found
    originating or not in a vehicle's VNM."""
    forms = [r.form for d in determinations for r in d.requirements if r.form is not None]
    return ({r.kind for d in determinations for r in d.requirements if r.form is not None}
            | {f"gate:{o}" for f in forms for o in f.originating()})


def test_every_kind_is_listed_once_and_in_the_rule_schema():
    assert set(KINDS) == set(Requirement.model_fields["kind"].annotation.__args__)
    assert LINEAR_KINDS == {"regional_value_content", "us_content", "tariff_shift", "core_parts", "purchases",
                            "labor_value_content"}


edit = st.fixed_dictionaries({
    "line": st.integers(0, 11),
    "origin_country": st.sampled_from([None, *COUNTRIES]),
    "usmca_originating": flag,
    "nafta_originating": flag,
    "high_wage": flag,
    "regional_content_e4": pct_e4,
    "us_content_e4": pct_e4,
})
FORMS_SEEN: set[str] = set()


@SETTINGS
@given(st.lists(line, min_size=1, max_size=12), vehicle,
       st.lists(st.lists(edit, min_size=1, max_size=4, unique_by=lambda e: e["line"]), min_size=1, max_size=4))
def test_every_batch_scenario_equals_the_engine_on_the_changed_bom(lines, facts, scenarios):
    bom = make_bom(lines, facts)
    on = facts["on"]
    edits = edit_table(scenarios, len(lines))
    for regime in PREFERENCE:
        if not batchable(regime):
            continue
        batch = evaluate_batch(bom, regime, on, edits, len(scenarios), REGIMES)
        for s in range(len(scenarios)):
            alone = evaluate(changed_bom(bom, edits, s), regime, on, REGIMES)
            FORMS_SEEN.update(kinds_decided([alone]))
            where = f"{regime.id}, scenario {s}"
            assert batch.status[s] == alone.status, where
            for req in alone.requirements:
                assert batch.requirement_status[req.id][s] == req.status, f"{where}: {req.id}"
                assert batch.value(req.id, s) == req.value, f"{where}: {req.id}"
                assert batch.margin(req.id, s) == req.decided_margin, f"{where}: {req.id}"
                if req.form is not None and req.status in ("pass", "fail"):  # a margin of 0 or more is a pass
                    assert (req.margin >= 0) == (req.status == "pass"), f"{where}: {req.id}"


@SETTINGS
@given(st.lists(line, min_size=1, max_size=7), vehicle, st.sampled_from(PREFERENCE),
       st.sampled_from([Fraction(0), Fraction(2)]), st.sampled_from([Fraction(0), Fraction(1, 2)]))
def test_every_advise_plan_equals_the_engine_on_the_changed_bom(lines, facts, regime, margin, certification):
    bom = make_bom(lines, facts)
    plan = advise(bom, regime, facts["on"], Fraction(5), known=REGIMES, margin_pts=margin, certification_pct=certification)
    FORMS_SEEN.update(kinds_decided([plan.before]))
    if plan.after is None:
        assert not plan.predicted
        return
    after = {r.id: r for r in plan.after.requirements}
    assert plan.predicted, plan.message
    for rid, decision in plan.predicted.items():
        assert after[rid].status == ("pass" if decision.met else "fail"), rid
        assert after[rid].value == decision.value, rid
        assert decision.met, (rid, plan.message)
    assert plan.verified, plan.message


def test_the_random_boms_reach_every_linear_kind():
    """Runs after the two properties above (file order): together they decided every kind."""
    if not FORMS_SEEN:
        test_every_batch_scenario_equals_the_engine_on_the_changed_bom()
    assert FORMS_SEEN >= LINEAR_KINDS | {"gate:True", "gate:False"}, LINEAR_KINDS - FORMS_SEEN
