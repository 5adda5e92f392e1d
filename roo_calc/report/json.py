"""The JSON report: a stable, documented shape for embedding roo-calc in other tools.

Money is a decimal string in the vehicle's currency at a fixed scale of 2 decimals; where an
amount is not a whole number of cents (traced shares, duty), its exact value is given under a
key ending in `_exact`.  Percentages are decimal strings to 4 places, rounded toward the verdict
(`roo_calc.display`).  Keys are only ever added, never renamed.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from roo_calc import __version__
from roo_calc.asof import Source
from roo_calc.bom.model import Bom
from roo_calc.certificates.report import certified_json, sources_json
from roo_calc.engine.result import Determination, RequirementResult
from roo_calc.display import json_money, json_money_exact, json_pct
from roo_calc.report.verdict import duty, is_tariff, requirement_code, status_code

NEEDED_FIGURES = {"gap_to_qualify"}  # rounded up: a gap never shows as 0.00 beside a failure
CEILING_FIGURES = {"vnm_allowed"}  # rounded down: the rounded ceiling still qualifies
MONEY_FIGURES = {"net_cost", "vnm", "materials", "vnm_allowed", "gap_to_qualify", "us_content", "us_materials",
                 "non_material_net_cost", "non_originating_same_heading", "total_cost", "core_parts_value",
                 "core_parts_non_originating", "purchases", "originating", "high_wage_labor", "high_wage_materials",
                 "duty", "dutiable_value", "transaction_value", "mfn_duty", "total_duty", "duty_non_us_content",
                 "duty_full_value", "duty_non_us_content_in_quota", "duty_non_us_content_out_of_quota", "duty_full_value_in_quota",
                 "duty_full_value_out_of_quota", "covered_imported", "dutiable_parts", "liability", "offset_accrued",
                 "offset_applied", "offset_excess", "offset_measure", "liability_per_year", "offset_applied_per_year", "duty_per_year"}


def money(cents: int | Fraction, up: bool = False, down: bool = False) -> str:
    """Money at a fixed scale of 2 decimals (half to even; up for amounts still needed, down for
    ceilings not to be exceeded)."""
    return json_money(cents, up, down)


pct = json_pct  # percent to 4 decimals, rounded toward the verdict (down for floors, up for ceilings)


def is_money(name: str) -> bool:
    """Whether a figure is money (cents); `dutiable_at_<rate>` are Section 232 parts per rate, and
    `duty_<case>`, `mfn_duty_<case>` a duty per case when the case is open."""
    return (name in MONEY_FIGURES or name.startswith(("dutiable_at_", "duty_", "mfn_duty_"))
            or name.endswith("_net_cost"))  # core parts: <group>_net_cost


def figure(name: str, value) -> str:
    if isinstance(value, str):
        return value
    if is_money(name):
        return money(value, up=name in NEEDED_FIGURES, down=name in CEILING_FIGURES)
    if isinstance(value, Fraction):
        return pct(value)
    return str(value)


def exact_figures(figures: dict) -> dict:
    """The money figures that are not whole cents, exactly (their `figures` entry is rounded)."""
    return {k: json_money_exact(v) for k, v in figures.items()
            if is_money(k) and isinstance(v, Fraction) and (v.denominator != 1)}


def every_line_json(req: RequirementResult, frame) -> list[dict]:
    """Every line that counts against the requirement, largest first (`--all-lines`)."""
    import numpy as np

    from roo_calc.numbers import SHARE_ONE

    counted = np.asarray(req.line_counted, dtype=np.int64)
    basis = np.asarray(req.line_basis, dtype=object)
    order = np.flatnonzero(counted)
    order = order[np.argsort(-counted[order], kind="stable")]
    rows, parts = frame["row"].to_numpy(), frame["part_number"].to_numpy()
    hs, origin, value = frame["hs_code"].to_numpy(), frame["origin_country"].to_numpy(), frame["value_cents"].to_numpy()
    out = []
    for i in order:
        amount = Fraction(int(counted[i]), SHARE_ONE)
        out.append({"row": int(rows[i]), "part_number": str(parts[i]), "hs_code": str(hs[i]), "origin_country": str(origin[i]),
                    "value": money(int(value[i])), "counted": money(amount), "counted_exact": json_money_exact(amount),
                    "basis": str(basis[i])})
    return out


def requirement_json(req: RequirementResult, frame=None) -> dict:
    """A requirement's result; its `lines` are the largest ten, or with `frame` (the BOM's
    lines) every line that counts."""
    return {
        "id": req.id,
        "title": req.title,
        "status": requirement_code(req),
        "comparison": req.comparison,
        "value": pct(req.value, req.comparison),
        "threshold": None if req.threshold is None else str(req.threshold),
        "margin": pct(req.margin),
        "threshold_in_force_from": req.threshold_from.isoformat() if req.threshold_from else None,
        "threshold_unconfirmed": req.threshold_unconfirmed,
        "citation": req.citation,
        "threshold_citation": req.threshold_citation,
        "figures": {k: figure(k, v) for k, v in req.figures.items()},
        "figures_exact": exact_figures(req.figures),
        "reason": req.reason,
        "lines": [
            {"row": d.row, "part_number": d.part_number, "hs_code": d.hs_code, "origin_country": d.origin_country,
             "value": money(d.value_cents), "counted": money(d.counted_cents),
             "counted_exact": json_money_exact(d.counted_cents), "basis": d.basis}
            for d in req.drivers
        ] if frame is None or req.line_counted is None else every_line_json(req, frame),
    }


def determination_json(result: Determination, frame=None) -> dict:
    binding = result.binding
    owed = duty(result)
    return {
        "regime": result.regime,
        "title": result.title,
        "regime_status": result.regime_status,
        "regime_kind": result.regime_kind,
        "status": status_code(result),
        "eligible": None if is_tariff(result) else result.eligible,
        "duty": None if owed is None else money(owed, up=True),
        "duty_exact": None if owed is None else json_money_exact(owed),
        "applied_on": result.applied_on.isoformat(),
        "what_if": result.what_if,
        "condition": result.condition,
        "vehicle_class": result.vehicle_class,
        "binding_requirement": binding.id if binding else None,
        "requirements": [requirement_json(r, frame) for r in result.requirements],
        "assumptions": [
            {"code": a.code, "requirement": a.requirement, "text": a.text, "lines": len(a.rows), "rows": list(a.rows),
             "value_at_stake": money(a.value_at_stake_cents), "citation": a.citation}
            for a in result.assumptions
        ],
        "review": list(result.review),
        "notes": list(result.notes),
        "vehicle_notes": list(result.vehicle_notes),
        "rule_file": result.rule_file,
        "duty_exposure": exposure_json(result.duty_exposure),
        "certified_lines": certified_json(result.certified_lines),
    }


def exposure_json(exposure) -> dict | None:
    if exposure is None:
        return None
    return {
        "import_into": exposure.import_into,
        "effect": exposure.effect,
        "rate": exposure.rate,
        "rate_citation": exposure.rate_citation,
        "per_vehicle": None if exposure.per_vehicle_cents is None else money(exposure.per_vehicle_cents),
        "annual_volume": exposure.annual_volume,
        "per_year": None if exposure.per_year_cents is None else money(exposure.per_year_cents),
        "note": exposure.note,
    }


def vehicle_json(bom: Bom) -> dict:
    v = bom.vehicle
    return {
        "model": v.model, "hs_code": v.hs_code, "vehicle_type": v.vehicle_type, "vehicle_type_inferred": v.vehicle_type_inferred,
        "assembly_country": v.assembly_country, "production_date": v.production_date.isoformat() if v.production_date else None,
        "currency": v.currency, "net_cost": money(v.net_cost_cents), "net_cost_derived": v.net_cost_derived,
        "total_cost": money(v.total_cost_cents) if v.total_cost_cents is not None else None,
        "materials": money(bom.materials_cents), "lines": len(bom.lines),
    }


def structure_json(bom: Bom) -> dict:
    """The BOM's levels: each make line with the rows directly below it, and the supplier
    sub-BOM rows that are not counted."""
    made = bom.made
    return {
        "levels": bom.levels,
        "quantity_basis": bom.vehicle.quantity_basis or "per_parent",
        "quantity_basis_declared": bom.vehicle.quantity_basis is not None,
        "make_lines": [{"row": int(made["row"].iat[i]), "part_number": made["part_number"].iat[i], "level": int(made["level"].iat[i]),
                        "parent_row": None if made["parent_row"].isna().iat[i] else int(made["parent_row"].iat[i]),
                        "value": money(int(made["value_cents"].iat[i])), "children_rows": bom.children_rows(int(made["row"].iat[i]))}
                       for i in range(len(made))],
        "supplier_detail_rows": list(bom.supplier_detail_rows),
    }


SCHEMA_VERSION = "1"  # of the JSON Schemas in schema/; raised when a key is renamed or removed


def envelope(command: str, bom: Bom, as_of: date, source: Source = "given") -> dict:
    """What every command's JSON starts with: the schema and roo-calc versions, the command,
    the input (path, hash, certificates, column mappings), the date and where it came from (--as-of,
    the workbook's production_date, today; "given" through the API) and the workbook's warnings."""
    return {
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "roo_calc_version": __version__,
        "input": {"path": bom.path, "sha256": bom.sha256, "certificates": sources_json(bom),
                  "columns": [{"sheet": m.sheet, "header": m.header, "column": m.column, "source": m.source} for m in bom.column_mapping]},
        "as_of": as_of.isoformat(),
        "as_of_source": source,
        "warnings": [str(w) for w in bom.warnings],
    }


def to_json(bom: Bom, determinations: list[Determination], as_of: date, all_lines: bool = False,
            source: Source = "given") -> dict:
    return {
        **envelope("evaluate", bom, as_of, source),
        "structure": structure_json(bom),
        "vehicle": vehicle_json(bom),
        "results": [determination_json(d, bom.lines if all_lines else None) for d in determinations],
    }
