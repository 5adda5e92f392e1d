"""Self-produced parts whose origin the law ties to their own RVC (USMCA UR s.20: engines, gear
boxes and Table F goods of other vehicles; rule data `part_origin` with `self_produced`).

Such a `make` part is measured as a part: its net cost is the make line's value (the contract's
cost of production of the part), its VNM the non-originating materials below it, each at its
value: UR 20(4)(a)(i) for a Table F or Table G material, 20(4)(b) for the others.  The other
option of 20(4)(a), the VNM used in producing a listed material, needs a figure the BOM does
not carry; it can only lower that VNM, so leaving it out can only understate the part's RVC.
When the part meets its threshold it is originating, and the VNM used to produce it is not the
vehicle's (UR 20(1)): its materials count as originating in the vehicle's RVC.  A part made
inside another covered part is measured with the outer one.  Pure: reads the context's lines.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from roo_calc.codes import HsList, hs_display
from roo_calc.display import money as display_money, pct as display_pct
from roo_calc.rules.model import PartOrigin, value_at

if TYPE_CHECKING:
    from roo_calc.engine.requirements import Context


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


def _covered(rules: list[PartOrigin], hs: np.ndarray) -> np.ndarray:
    """The first self-produced rule (index) that covers each make line; -1 where none does."""
    rule_of = np.full(len(hs), -1, dtype=np.int64)
    for index, rule in enumerate(rules):
        mask = HsList(rule.hs).match(hs) if rule.hs else np.zeros(len(hs), dtype=bool)
        if rule.except_hs:
            mask &= ~HsList(rule.except_hs).match(hs)
        rule_of = np.where((rule_of < 0) & mask, index, rule_of)
    return rule_of


def roll_up(ctx: Context, originating: np.ndarray, reasons: np.ndarray) -> np.ndarray:
    """Mark, in place, the materials of each originating self-produced covered part as
    originating (UR 20(1)); returns which lines it marked.  Each part measured is listed as an
    assumption with its figures and the value of its materials."""
    marked = np.zeros(len(originating), dtype=bool)
    rules = [r for r in ctx.regime.part_origin if r.self_produced and ctx.vehicle_class in r.classes]
    made = getattr(ctx.bom, "made", None)
    if not rules or made is None or not len(made) or "parent_row" not in ctx.lines.frame:
        return marked
    hs = made["hs_code"].to_numpy(dtype=object)
    rule_of = _covered(rules, hs)
    if not (rule_of >= 0).any():
        return marked
    rows = made["row"].to_numpy(dtype=np.int64)
    parents = made["parent_row"].to_numpy(dtype=object)
    values = made["value_cents"].to_numpy(dtype=np.int64)
    parts = made["part_number"].to_numpy(dtype=object)
    outer: dict[int, int] = {}  # make row -> the outermost covered make at or above it (0: none)
    index_of: dict[int, int] = {}
    for i in np.argsort(rows, kind="stable").tolist():
        parent = parents[i]
        above = 0 if pd.isna(parent) else outer.get(int(parent), 0)
        outer[int(rows[i])] = above or (int(rows[i]) if rule_of[i] >= 0 else 0)
        index_of[int(rows[i])] = i
    owner = owner_of(ctx.lines.frame["parent_row"], outer)
    value = ctx.lines.value
    for row in np.unique(owner[owner > 0]).tolist():
        i = index_of[row]
        rule = rules[int(rule_of[i])]
        mine = owner == row
        net_cost = int(values[i])
        threshold = value_at(rule.threshold, ctx.on, f"{ctx.regime.id} part_origin threshold ({rule.title})")
        what = f"row {row} {parts[i]} (HS {hs_display(str(hs[i]))}, self-produced)"
        if net_cost <= 0:
            ctx.assume(f"made-part-{row}", None, mine,
                       f"{what}: no cost of production on the make line, so it cannot be measured as a part "
                       f"({rule.title}); its materials count as they are", threshold.citation)
            continue
        vnm = int(value[mine & ~originating].sum())
        rvc = Fraction(net_cost - vnm, net_cost) * 100
        figures = (f"net cost {display_money(net_cost)} (the make line's value), non-originating materials "
                   f"{display_money(vnm)}, RVC {display_pct(rvc)}% against {threshold.value}%")
        if rvc >= threshold.value:
            newly = mine & ~originating
            originating |= mine
            marked |= newly
            reasons[newly] = (f"material of the self-produced {parts[i]} (row {row}), originating at {display_pct(rvc)}% "
                              f"(>= {threshold.value}%): its VNM is not the vehicle's (USMCA UR 20(1))")
            ctx.assume(f"made-part-{row}", None, mine,
                       f"{what} measured as a part ({rule.title}): {figures}: originating, so the non-originating "
                       f"materials used to produce it leave the vehicle's VNM (UR 20(1)); listed materials valued "
                       f"at their non-originating value (UR 20(4)(a)(i))", f"{threshold.citation}; USMCA UR 20(1), 20(4)")
        else:
            ctx.assume(f"made-part-{row}", None, mine,
                       f"{what} measured as a part ({rule.title}): {figures}: under the threshold, so it is not taken "
                       f"as originating and its materials count as they are (an origin by a change of tariff "
                       f"classification, where its rule offers one, is not evaluated); listed materials valued at their "
                       f"non-originating value (UR 20(4)(a)(i))",
                       f"{threshold.citation}; USMCA UR 20(4)")
    return marked
