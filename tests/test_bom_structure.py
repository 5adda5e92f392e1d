"""Multi-level BOMs (contract v2 `level` and `procurement`): quantities multiply down the levels,
only bought lines count, a make line's materials are its children, and a supplier's sub-BOM
(children of a bought line) is never counted."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roo_calc.bom import structure
from roo_calc import load_bom
from roo_calc.errors import BomError

COLUMNS = ["level", "procurement", "part_number", "description", "hs_code", "quantity", "unit_value", "value", "origin_country"]
VEHICLE = {"model": "Tree car", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-05-01", "net_cost": 20000}

# row 2: engine, made in the plant, 1 per vehicle, own cost 3000
#   row 3: block, bought, 1 per engine
#   row 4: piston, bought, 4 per engine, 25.50 each
#     row 5: piston ring (the supplier's sub-BOM): not counted
#   row 6: cylinder head, made, 2 per engine, own cost 400 each
#     row 7: valve, bought, 8 per head, 3.25 each
# row 8: seat, bought, 4 per vehicle (level 1)
TREE = [
    {"level": 1, "procurement": "make", "part_number": "ENG", "hs_code": "8407.34", "value": 3000, "origin_country": "MX"},
    {"level": ".2", "procurement": "buy", "part_number": "BLOCK", "hs_code": "8409.91", "value": 900, "origin_country": "US"},
    {"level": ".2", "procurement": "F", "part_number": "PISTON", "hs_code": "8409.91", "quantity": 4, "unit_value": 25.5, "origin_country": "DE"},
    {"level": "..3", "procurement": "buy", "part_number": "RING", "hs_code": "8409.91", "quantity": 3, "origin_country": None},
    {"level": 2, "procurement": "E", "part_number": "HEAD", "hs_code": "8409.91", "quantity": 2, "unit_value": 400, "origin_country": "MX"},
    {"level": 3, "procurement": None, "part_number": "VALVE", "hs_code": "8481.80", "quantity": 8, "unit_value": 3.25, "origin_country": "CN"},
    {"level": None, "procurement": None, "part_number": "SEAT", "hs_code": "9401.20", "quantity": 4, "unit_value": 100, "origin_country": "MX"},
]


def test_multi_level_counts_bought_lines_under_make_lines(make_bom):
    bom = load_bom(make_bom(vehicle=VEHICLE, lines=TREE, bom_columns=COLUMNS))
    lines = bom.lines
    assert lines["part_number"].tolist() == ["BLOCK", "PISTON", "VALVE", "SEAT"]
    assert lines["quantity"].tolist() == [Decimal(1), Decimal(4), Decimal(16), Decimal(4)]
    assert lines["value_cents"].tolist() == [90_000, 10_200, 5_200, 40_000]  # valve: 8 x 3.25 x 2 heads
    assert lines["level"].tolist() == [2, 2, 3, 1] and str(lines["level"].dtype) == "int64"
    assert lines["parent_row"].tolist()[:3] == [2, 2, 6] and lines["parent_row"].isna().tolist()[3]
    assert str(lines["parent_row"].dtype) == "Int64"
    made = bom.made
    assert made["part_number"].tolist() == ["ENG", "HEAD"] and made["row"].tolist() == [2, 6]
    assert made["value_cents"].tolist() == [300_000, 80_000]  # the head's own cost, twice per vehicle
    assert made["level"].tolist() == [1, 2] and made["parent_row"].isna().tolist() == [True, False]
    assert bom.supplier_detail_rows == (5,)
    assert bom.levels == 3
    assert bom.children_rows(2) == [3, 4, 6] and bom.children_rows(6) == [7]
    assert bom.materials_cents == 90_000 + 10_200 + 5_200 + 40_000


def test_flat_bom_has_level_one_and_no_made_lines(make_bom):
    bom = load_bom(make_bom())
    assert bom.lines["level"].tolist() == [1, 1] and bom.lines["parent_row"].isna().all()
    assert bom.made.empty and {"row", "value_cents", "level", "parent_row", "core_part_group"} <= set(bom.made.columns)
    assert bom.supplier_detail_rows == () and bom.levels == 1


def test_structure_errors_are_located(make_bom):
    lines = [
        {"level": 1, "procurement": "make", "part_number": "A", "hs_code": "8708.29", "value": 10, "origin_country": "MX"},
        {"level": 3, "procurement": "buy", "part_number": "B", "hs_code": "8708.29", "value": 1, "origin_country": "MX"},
        {"level": 1, "procurement": "make", "part_number": "C", "hs_code": "8708.29", "value": 10, "origin_country": "MX"},
        {"level": "x", "procurement": "X", "part_number": "D", "hs_code": "8708.29", "value": 1, "origin_country": "MX"},
        {"level": 0, "part_number": "E", "hs_code": "8708.29", "value": 1, "origin_country": "MX"},
    ]
    with pytest.raises(BomError) as caught:
        load_bom(make_bom(vehicle=VEHICLE, lines=lines, bom_columns=COLUMNS))
    found = {(p.cell, p.code) for p in caught.value.problems}
    assert ("A3", "bom-structure") in found  # level 3 under a level 1 line
    assert ("B4", "bom-structure") in found  # make line C with no children
    assert ("A5", "bad-value") in found and ("B5", "bad-value") in found and ("A6", "bad-value") in found
    text = str(caught.value)
    assert "found 3" in text and "X, both" in text and "needs its materials listed below it" in text


@given(st.lists(st.tuples(st.integers(1, 4), st.booleans()), min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_every_line_is_counted_made_or_detail_once(spec):
    """Each line lands in exactly one class; a line is counted only when every ancestor is
    made, and a detail line always has a bought ancestor."""
    levels = [1] + [level for level, _ in spec[1:]]
    make = [m for _, m in spec]
    tree = structure.build(levels, make, list(range(2, 2 + len(levels))))
    for i, kind in enumerate(tree.kind):
        ancestors, p = [], tree.parent[i]
        while p is not None:
            ancestors.append(p)
            p = tree.parent[p]
        if all(make[a] for a in ancestors):
            assert kind == (structure.MADE if make[i] else structure.MATERIAL)
        else:
            assert kind == structure.DETAIL
    assert pd.Series(tree.kind).isin([structure.MATERIAL, structure.MADE, structure.DETAIL]).all()


@given(st.lists(st.tuples(st.integers(1, 9), st.integers(0, 99_999)), min_size=1, max_size=8), st.integers(1, 7))
@settings(max_examples=6, deadline=None)
def test_nesting_under_a_make_line_multiplies_values_by_its_quantity(tmp_path_factory, lines, k):
    """The same bought lines, flat or as the components of a make line used k times per vehicle:
    each counted value is k times the flat one, exactly."""
    from roo_calc.bom.template import write_workbook

    folder = tmp_path_factory.mktemp("nest")
    flat = [{"part_number": f"P{i}", "hs_code": "8708.29", "quantity": q, "unit_value": cents / 100, "origin_country": "MX"}
            for i, (q, cents) in enumerate(lines)]
    nested = [{"level": 1, "procurement": "make", "part_number": "ASSY", "hs_code": "8708.29", "quantity": k, "value": 1,
               "origin_country": "MX"}] + [{**line, "level": 2} for line in flat]
    vehicle = {**VEHICLE, "net_cost": 10**9}
    write_workbook(folder / "flat.xlsx", vehicle, flat, bom_columns=COLUMNS, notes=False)
    write_workbook(folder / "nested.xlsx", vehicle, nested, bom_columns=COLUMNS, notes=False)
    one, many = load_bom(folder / "flat.xlsx"), load_bom(folder / "nested.xlsx")
    assert [k * v for v in one.lines["value_cents"]] == many.lines["value_cents"].tolist()
    assert [k * q for q in one.lines["quantity"]] == many.lines["quantity"].tolist()
    assert many.made["value_cents"].tolist() == [100]  # value is extended: already for its k units and many.lines["parent_row"].tolist() == [2] * len(lines)
