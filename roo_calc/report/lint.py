"""The one-screen summary printed by `roo-calc validate`.

The region and the certification policy come from the preference regimes' rule files (their
`region`, `certification_field` and `uncertified_regional`), not from this module."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from roo_calc.bom.model import Bom
from roo_calc.display import money as display_money
from roo_calc.display import plural
from roo_calc.report.text import header

if TYPE_CHECKING:
    from roo_calc.rules.model import Regime

# What each `uncertified_regional` policy does to a regional line without a certification.
POLICY = {
    "non_originating": "treated as non-originating until certified",
    "originating": "assumed originating (rule file policy)",
    "review": "origin must be established (needs review)",
}


def _region(preferences: list[Regime]) -> tuple[str, ...]:
    """Every country of the regimes' regions, in the order the rule files list them."""
    return tuple(dict.fromkeys(c for r in preferences for c in r.region))


def _certifications(preferences: list[Regime], bom: Bom, regional: np.ndarray) -> list[tuple[str, str, np.ndarray, str]]:
    """(field, agreement, regional lines without the field, how they are counted) per
    certification field, the newest regime's field first: each regime that reads the field
    says how it counts those lines, in one sentence when they all do the same."""
    newest = sorted(preferences, key=lambda r: r.in_force.from_ or r.proposed_on or date.min, reverse=True)
    out: list[tuple[str, str, np.ndarray, str]] = []
    for field in dict.fromkeys(r.certification_field for r in newest):
        missing = regional & ~bom.lines[field].notna().to_numpy(dtype=bool)
        treatments = {r.id: _treatment(r, bom, missing) for r in newest if r.certification_field == field}
        policy = (next(iter(treatments.values())) if len(set(treatments.values())) == 1
                  else "; ".join(f"under {rid}, {text}" for rid, text in treatments.items()))
        out.append((field, field.removesuffix("_originating").upper(), missing, policy))
    return out


def _treatment(regime: Regime, bom: Bom, missing: np.ndarray) -> str:
    """How the regime counts regional lines without a certification, in this vehicle's class:
    by its `uncertified_regional` policy, unless a requirement values them its own way (NAFTA
    tracing, UR 9(1), 9(2)(i); an all-traced derivation's assumed share)."""
    from roo_calc.engine.determine import classify
    from roo_calc.codes import HsList

    policy = POLICY[regime.uncertified_regional]
    classes, _described = classify(regime, bom.vehicle)
    if len(classes) != 1:
        return policy
    vehicle_class = classes[0]
    texts: list[str] = []
    for requirement in regime.requirements.values():
        if requirement.classes and vehicle_class not in requirement.classes:
            continue
        method = requirement.vnm_for(vehicle_class) if requirement.kind == "regional_value_content" else None
        if method == "tracing" and requirement.tracing is not None:
            if requirement.tracing.undeclared_regional == "all":
                text = "counted at full value in VNM (NAFTA UR 9(2)(i))"
            else:
                traced = bom.lines["nafta_traced_value_cents"].notna().to_numpy(dtype=bool) & missing
                listed = HsList(requirement.tracing.list).match(bom.lines["hs_code"].astype(str).to_numpy()) & missing & ~traced
                counts = [(int(traced.sum()), "with a stated traced value counted at it (NAFTA UR 9(2)(c)-(e), (h))"),
                          (int(listed.sum()), "of a Schedule IV provision counted at full value in VNM (NAFTA UR 9(2)(i))"),
                          (int((missing & ~listed & ~traced).sum()), "not of a Schedule IV provision taken to hold no "
                                                                      "traced material, adding nothing (NAFTA UR 9(1))")]
                text = ", ".join(f"{plural(n, 'line')} {what}" for n, what in counts if n)
        elif requirement.derivation is not None and (method == "all_traced" or requirement.kind == "us_content"):
            text = f"{requirement.derivation.undeclared_regional_share}% regional content assumed"
        else:
            text = policy
        if text not in texts:
            texts.append(text)
    return "; ".join(texts) or policy


def _melt_and_pour(preferences: list[Regime], bom: Bom) -> str | None:
    """How many Table S steel lines state whether their steel was melted and poured in the region
    (the column a regime's `melt_and_pour` names, USMCA UR 17(5)(b)), when a regime asks it."""
    from roo_calc.codes import HsList

    asking = [(r.id, q) for r in preferences for q in r.requirements.values() if q.melt_and_pour is not None]
    if not asking:
        return None
    requirement = asking[0][1]
    melt = requirement.melt_and_pour
    assert melt is not None
    hs = bom.lines["hs_code"].astype(str).to_numpy()
    steel = HsList(requirement.table_s).match(hs)
    if requirement.table_s_parts:
        steel |= HsList(requirement.table_s_parts).match(hs) & bom.lines["steel_content_value_cents"].notna().to_numpy(dtype=bool)
    if not steel.any():
        return None
    column = bom.lines[melt.column]
    said = {flag: int(((column == flag).fillna(False).to_numpy(dtype=bool) & steel).sum()) for flag in (True, False)}
    blank = int(steel.sum()) - said[True] - said[False]
    return (f"Table S steel lines: {int(steel.sum())}; {melt.column} (USMCA UR 17(5)(b), asked from {melt.from_} by "
            f"{', '.join(sorted({rid for rid, _q in asking}))}): {said[True]} Y, {said[False]} N, {blank} not stated"
            + (" (counted as non-originating from that day)" if blank else ""))


def summary(bom: Bom, regimes: Mapping[str, Regime] | None = None) -> str:
    """The summary; `regimes` (default: the shipped rules) give the region and the policies."""
    if regimes is None:
        from roo_calc.rules.loader import load_regimes

        regimes = load_regimes()
    preferences = [r for r in regimes.values() if r.kind == "preference"]
    lines = bom.lines
    v = bom.vehicle
    cur = v.currency
    value = lines["value_cents"].to_numpy(dtype=np.int64)
    region = _region(preferences)
    regional = lines["origin_country"].isin(region).to_numpy(dtype=bool)
    out = ["", "Workbook is valid." if not bom.warnings else f"Workbook is valid, with {len(bom.warnings)} warning(s) above.", ""]
    out += header(bom)
    out.append(f"Production date: {v.production_date or 'not given (evaluations use --as-of or today)'}")
    out.append(f"Materials made in {'/'.join(region)}: {display_money(int(value[regional].sum()))} {cur} ({plural(int(regional.sum()), 'line')}); "
               f"elsewhere: {display_money(int(value[~regional].sum()))} {cur} ({plural(int((~regional).sum()), 'line')})")
    out.append(f"Net cost less materials (assembly, overhead, other costs): {display_money(v.net_cost_cents - bom.materials_cents)} {cur}")
    for field, agreement, uncertified, policy in _certifications(preferences, bom, regional):
        out.append(f"{agreement} certifications: {int((lines[field] == True).fillna(False).sum())} Y, "  # noqa: E712
                   f"{int((lines[field] == False).fillna(False).sum())} N; "  # noqa: E712
                   + (f"{plural(int(uncertified.sum()), 'regional line')} {'has' if uncertified.sum() == 1 else 'have'} none on file (value at stake "
                      f"{display_money(int(value[uncertified].sum()))} {cur}: {policy})" if uncertified.any()
                      else "every regional line has one on file"))
    stated = lines["regional_content_e4"].notna().to_numpy(dtype=bool)
    out.append(f"Regional content stated on {plural(int(stated.sum()), 'line')}; US content on {int(lines['us_content_e4'].notna().sum())}; "
               f"NAFTA traced value on {int(lines['nafta_traced_value_cents'].notna().sum())}")
    materials = lines["material"].value_counts().to_dict()
    if materials:
        out.append("Steel/aluminum lines: " + ", ".join(f"{k} {n}" for k, n in materials.items()))
    melt = _melt_and_pour(preferences, bom)
    if melt:
        out.append(melt)
    currencies = sorted(set(lines["currency"]) - {cur})
    if currencies:
        out.append(f"Converted to {cur} through the FX sheet: " + ", ".join(
            f"{f.currency} at {f.rate}" + (f" ({f.source}, {f.date})" if f.source or f.date else "") for f in bom.fx))
    wanted: list[tuple[str, object]] = [
        ("transaction_value (duty exposure, Section 232)", v.transaction_value_cents),
        ("annual_volume (per-year figures, averaging)", v.annual_volume),
        ("steel_purchases / steel_purchases_originating (else BOM steel lines are used)", v.steel_purchases_originating_cents),
        ("aluminum_purchases / aluminum_purchases_originating (else BOM aluminum lines are used)", v.aluminum_purchases_originating_cents),
        ("lvc_high_wage_labor (USMCA labor value content: needs review without it)", v.lvc_high_wage_labor_cents),
    ]
    if v.hs_code.startswith("8702"):  # USMCA UR 20(2)(a), 20(3)(a)(ii)
        wanted.append(("persons (heading 87.02: USMCA 62.5% for 15 or fewer, 60% for 16 or more; 15 or fewer is "
                       "assumed without it)", v.persons))
    missing = [name for name, value in wanted if value is None]
    if missing:
        out.append("Not given on the Vehicle sheet: " + "; ".join(missing))
    if bom.extra_columns:
        out.append("Extra columns kept and ignored: " + ", ".join(bom.extra_columns))
    return "\n".join(out)
