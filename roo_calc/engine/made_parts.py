"""Self-produced (`make`) parts in the vehicle's VNM by roll-up.

The VNM of a vehicle does not include the VNM used to produce originating materials that are
then used in its production (USMCA UR 14(1) for passenger vehicles and light trucks, 15(1) for
heavy trucks, 20(1) for other vehicles; 7(4)(b) and 8(6) for an intermediate material).  So a
`make` part that is originating takes its non-originating materials out of the vehicle's VNM.

Whether it is originating is decided by its own RVC where the rule file ties the part's origin
to it (`part_origin` with `self_produced`): core parts of Table A.1 / A.2 at the 14(13)
threshold (14(2), 14(5)), Table D and E parts of heavy trucks at 15(2), 15(3), engines, gear
boxes and Table F parts of other vehicles at 20(2)(h), 20(3)(b)-(c).  It is measured as a part:
its net cost is the make line's value (the contract's cost of production of the part), its VNM
what its materials count in the vehicle's VNM (non-originating ones at their value; for other
vehicles a Table F or G material too, UR 20(4)(a)(i), (b)).  The part is a `Gate` of the RVC's
linear form, so the verdict, `advise` and the compare batch all decide it from the same sums.

A make part no such rule covers (its product-specific rule is not in the rule files) keeps its
materials in the VNM; that is listed with the VNM that would leave were it originating, and the
RVC's reason says so when the verdict turns on it.  A part made inside another covered part is
measured with the outer one.  Pure: reads the context's lines.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from roo_calc.bom.schema import NOT_A_CORE_PART
from roo_calc.codes import HsList, hs_display
from roo_calc.display import money as display_money, pct as display_pct
from roo_calc.engine.linear import Gate
from roo_calc.engine.result import Assumption
from roo_calc.numbers import SHARE_ONE
from roo_calc.rules.model import PartOrigin, cite, value_at

if TYPE_CHECKING:
    from roo_calc.engine.requirements import Context

UNKNOWN = "made-part-origin-unknown"


def owner_of(parent_rows: pd.Series, outer: dict[int, int]) -> np.ndarray:
    """Per line, `outer[its parent row]`: the make part it goes into (0 for a line with no parent,
    or whose parent is not in `outer`), looked up for all lines at once."""
    parent = parent_rows.fillna(0).to_numpy(dtype=np.int64)  # sheet rows start at 1: 0 is no parent
    if not outer:
        return np.zeros(len(parent), dtype=np.int64)
    known = np.array(sorted(outer), dtype=np.int64)
    tops = np.array([outer[row] for row in known.tolist()], dtype=np.int64)
    at = np.searchsorted(known, parent).clip(0, len(known) - 1)
    return np.where(known[at] == parent, tops[at], 0).astype(np.int64)


def _covered(rules: list[PartOrigin], hs: np.ndarray, group: np.ndarray) -> np.ndarray:
    """The first self-produced rule (index) that covers each make line; -1 where none does.  An
    `ex_hs` code counts where the make line declares a core_part_group."""
    rule_of = np.full(len(hs), -1, dtype=np.int64)
    declared = np.array([isinstance(g, str) and g != NOT_A_CORE_PART for g in group], dtype=bool)
    for index, rule in enumerate(rules):
        mask = HsList(rule.hs).match(hs) if rule.hs else np.zeros(len(hs), dtype=bool)
        if rule.ex_hs:
            mask |= declared & HsList(rule.ex_hs).match(hs)
        if rule.except_hs:
            mask &= ~HsList(rule.except_hs).match(hs)
        rule_of = np.where((rule_of < 0) & mask, index, rule_of)
    return rule_of


def gates(ctx: Context, counted: np.ndarray, basis: np.ndarray) -> tuple[tuple[Gate, ...], np.ndarray, np.ndarray]:
    """The RVC's gates (one per outermost covered make part), each line's basis restated where
    its part is originating, and the lines counted below make parts whose origin is not known.  `counted`: what each line counts in the VNM (scaled cents), before any
    make part is taken as originating.  Each part measured, and each unknown, is listed as an
    assumption."""
    made = getattr(ctx.bom, "made", None)
    if made is None or not len(made) or "parent_row" not in ctx.lines.frame:
        return (), basis, np.zeros(len(counted), dtype=bool)
    rules = [r for r in ctx.regime.part_origin if r.self_produced and ctx.vehicle_class in r.classes]
    hs = made["hs_code"].to_numpy(dtype=object)
    group = made["core_part_group"].to_numpy(dtype=object) if "core_part_group" in made else np.full(len(hs), None)
    rule_of = _covered(rules, hs, group)
    rows = made["row"].to_numpy(dtype=np.int64)
    parents = made["parent_row"].to_numpy(dtype=object)
    values = made["value_cents"].to_numpy(dtype=np.int64)
    parts = made["part_number"].to_numpy(dtype=object)
    outer: dict[int, int] = {}  # make row -> the outermost covered make at or above it (0: none)
    top: dict[int, int] = {}  # make row -> the outermost make at or above it
    index_of: dict[int, int] = {}
    for i in np.argsort(rows, kind="stable").tolist():
        parent = parents[i]
        row = int(rows[i])
        above = 0 if pd.isna(parent) else outer.get(int(parent), 0)
        outer[row] = above or (row if rule_of[i] >= 0 else 0)
        top[row] = row if pd.isna(parent) else top.get(int(parent), row)
        index_of[row] = i
    owner = owner_of(ctx.lines.frame["parent_row"], outer)
    found: list[Gate] = []
    basis = basis.copy()
    for row in np.unique(owner[owner > 0]).tolist():
        i = index_of[row]
        rule = rules[int(rule_of[i])]
        mine = owner == row
        net_cost = int(values[i])
        threshold = value_at(rule.threshold, ctx.on, f"{ctx.regime.id} part_origin threshold ({rule.title})")
        what = f"row {row} {parts[i]} (HS {hs_display(str(hs[i]))}, self-produced)"
        cited = f"{threshold.citation}; {cite(rule.reference)}" if rule.reference else threshold.citation
        if net_cost <= 0:
            ctx.assume(f"made-part-{row}", None, mine,
                       f"{what}: no cost of production on the make line, so it cannot be measured as a part "
                       f"({rule.title}); its materials count as they are", cited)
            continue
        most = floor(Fraction(net_cost * SHARE_ONE) * (100 - Fraction(threshold.value)) / 100)
        vnm = Fraction(int(counted[mine].sum()), SHARE_ONE)
        rvc = (net_cost - vnm) / net_cost * 100
        figures = (f"net cost {display_money(net_cost)} (the make line's value), VNM {display_money(vnm)} (what its "
                   f"materials count in the vehicle's VNM), RVC {display_pct(rvc)}% against {threshold.value}%")
        unconfirmed = f" (UNCONFIRMED, see the rule file: {rule.title})" if threshold.unconfirmed else ""
        found.append(Gate(mine, most, f" (row {row} {parts[i]}, self-produced: originating at {threshold.value}%)"))
        if rvc >= threshold.value:
            basis[mine] = (f"material of the self-produced {parts[i]} (row {row}), originating at {display_pct(rvc)}% "
                           f"(>= {threshold.value}%): the VNM used to produce it is not the vehicle's (roll-up)")
            ctx.assume(f"made-part-{row}", None, mine,
                       f"{what} measured as a part ({rule.title}): {figures}: originating{unconfirmed}, so the "
                       f"non-originating materials used to produce it leave the vehicle's VNM (roll-up, USMCA UR 14(1), "
                       f"15(1), 20(1); 7(4)(b), 8(6))", cited)
        else:
            ctx.assume(f"made-part-{row}", None, mine,
                       f"{what} measured as a part ({rule.title}): {figures}: under the threshold, so it is not taken "
                       f"as originating and its materials count as they are (an origin by a change of tariff "
                       f"classification, where its rule offers one, is not evaluated)", cited)
    unknown = _unknown(ctx, made, top, index_of, counted, owner)
    return tuple(found), basis, unknown


def _unknown(ctx: Context, made: pd.DataFrame, top: dict[int, int], index_of: dict[int, int], counted: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """List, as one assumption, the outermost make parts no rule covers whose materials count in
    the VNM, with the VNM that would leave were each originating; returns those materials."""
    under = owner_of(ctx.lines.frame["parent_row"], top)
    free = (owner == 0) & (under > 0) & (counted > 0)  # counted, under a make part no rule measures
    if not free.any():
        return free
    parts = made["part_number"].to_numpy(dtype=object)
    hs = made["hs_code"].to_numpy(dtype=object)
    listed, rows, stake = [], [], 0
    for row in sorted({int(u) for u in under[free]}):
        mine = free & (under == row)
        at_stake = int(counted[mine].sum())
        stake += at_stake
        rows += [int(r) for r in ctx.lines.frame["row"].to_numpy()[mine]]
        i = index_of[row]
        listed.append(f"row {row} {parts[i]} (HS {hs_display(str(hs[i]))}): {display_money(Fraction(at_stake, SHARE_ONE))}")
    text = ("self-produced parts whose own rule of origin is not in the rule files, so roo-calc cannot tell whether "
            "they are originating: their non-originating materials are counted in the vehicle's VNM as they are; were a "
            "part originating, they would leave it (roll-up, USMCA UR 14(1), 15(1), 20(1); 7(4)(b), 8(6)): "
            + "; ".join(listed) + " (the VNM that would leave)")
    if not any(a.code == UNKNOWN for a in ctx.assumptions):
        ctx.assumptions.append(Assumption(code=UNKNOWN, requirement=None, text=text, rows=tuple(rows),
                                          value_at_stake_cents=stake // SHARE_ONE, citation="USMCA UR 14(1), 15(1), 20(1)"))
    return free

