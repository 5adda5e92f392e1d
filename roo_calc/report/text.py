"""The terminal report: a one-line-per-regime summary, then each regime's figures in detail,
written so an analyst can redo every number by hand from what is printed."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

from roo_calc.asof import Source, as_of_text
from roo_calc.bom.model import Bom
from roo_calc.certificates.report import certified_text
from roo_calc.codes import hs_display
from roo_calc.engine.result import Determination, RequirementResult
from roo_calc.report.verdict import requirement_label, status_label
from roo_calc.display import money as display_money, money_needed, number, pct as display_pct, plural, points



def _pct(value: Fraction | None, comparison: str = "at_least") -> str:
    return "-" if value is None else display_pct(value, comparison) + "%"


def _threshold(req: RequirementResult) -> str:
    if req.threshold is None:
        return "-"
    sign = ">=" if req.comparison == "at_least" else "<="
    return f"{sign} {req.threshold}%"


def header(bom: Bom, as_of: date | None = None, source: Source = "given") -> list[str]:
    v = bom.vehicle
    inferred = " (inferred from HS code)" if v.vehicle_type_inferred else ""
    derived = " (total cost minus excluded costs)" if v.net_cost_derived else ""
    out = [
        f"{v.model} - HS {hs_display(v.hs_code)}, {v.vehicle_type}{inferred}, assembled in {v.assembly_country}",
        f"BOM: {bom.path} ({plural(len(bom.lines), 'line')}; materials {display_money(bom.materials_cents)} {v.currency}; "
        f"net cost {display_money(v.net_cost_cents)} {v.currency}{derived})",
    ]
    out += input_lines(bom)
    if as_of:
        out.append(f"As of {as_of_text(as_of, source)}")
    return out


def input_lines(bom: Bom) -> list[str]:
    """How the workbook was read: header mappings used, the BOM's structure, and the columns
    ignored that look like contract columns (each may change the verdict)."""
    out = []
    if bom.column_mapping:
        out.append("Headers mapped: " + "; ".join(str(m) for m in bom.column_mapping))
    if bom.levels > 1 or len(bom.made) or bom.supplier_detail_rows:
        made, detail = [int(r) for r in bom.made["row"]], list(bom.supplier_detail_rows)
        text = f"Structure: {bom.levels} levels; "
        text += (f"{len(made)} make (self-produced) line{'s' * (len(made) > 1)} ({_rows(made)}): "
                 f"{'their' if len(made) > 1 else 'its'} components are counted, not {'them' if len(made) > 1 else 'it'}"
                 if made else "no make (self-produced) lines")
        text += (f"; {len(detail)} supplier sub-BOM line{'s' * (len(detail) > 1)} below "
                 f"{'bought lines' if len(detail) > 1 else 'a bought line'}, not counted ({_rows(detail)})"
                 if detail else "; no supplier sub-BOM lines")
        basis = bom.vehicle.quantity_basis
        text += ("; quantities and values per unit of the parent line (quantity_basis per_parent"
                 + (")" if basis else ", the default: not declared)") if basis != "exploded"
                 else "; quantities and values already per vehicle (quantity_basis exploded)")
        out.append(text)
    converted = [w.message for w in bom.warnings if w.code == "country-name"]
    if converted:
        out.append("Country names read as ISO codes: " + "; ".join(converted))
    out += [f"warning: {w.location}: {w.message}" for w in bom.warnings if w.code in ("unused-column", "quantity-basis", "fleet-volume", "unnamed-column", "make-buy-values")]
    return out


def _rows(rows: list[int], limit: int = 8) -> str:
    """'row 5', 'rows 5, 6 and 3 more'."""
    shown = ", ".join(str(r) for r in rows[:limit]) + (f" and {len(rows) - limit} more" if len(rows) > limit else "")
    return ("rows " if len(rows) > 1 else "row ") + shown


OFF_THRESHOLD = ("the points the figure before credit can lose (+) or must gain (-) against the least figure that meets "
                 "the requirement with its credit (which may count only above a floor) and its minimum: not the value "
                 "against the threshold (see the note)")


def summary_table(results: list[Determination]) -> list[str]:
    rows = [("Regime", "Status", "Binding", "Value", "Threshold", "Margin", "Failing")]
    for d in results:
        b = d.binding
        failing = ", ".join(r.id for r in d.requirements if r.status == "fail") or "-"
        rows.append((
            d.regime + (" *" if d.what_if else "") + (" †" if d.condition else ""),
            status_label(d),
            b.id if b else "-",
            _pct(b.value, b.comparison) if b else "-",
            _threshold(b) if b else "-",
            (points(b.margin) + (" ‡" if b.margin_off_threshold else "")) if b and b.margin is not None else "-",
            failing,
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if any(d.what_if for d in results):
        lines.append("* not in force on that date, or never enacted: evaluated as a what-if (see detail)")
    for d in results:
        if d.condition:
            lines.append(f"† {d.regime}: {d.condition}")
    if any(d.binding for d in results):
        lines.append("Binding: the requirement that decides the verdict; Margin: points by which it clears (+) or misses (-) "
                     "its threshold")
    if any(d.binding and d.binding.margin_off_threshold for d in results):
        lines.append(f"‡ {OFF_THRESHOLD}")
    return lines


def requirement_lines(req: RequirementResult, currency: str) -> list[str]:
    out = []
    head = f"  [{requirement_label(req)}] {req.id}: {req.title}"
    if req.value is not None and req.margin is not None:
        head += f" = {_pct(req.value, req.comparison)} (required {_threshold(req)}; margin {points(req.margin)})"
    out.append(head)
    if req.margin_off_threshold:
        out.append(f"      margin: {OFF_THRESHOLD}")
    f = req.figures
    m = lambda k: display_money(number(f[k]))  # noqa: E731
    if req.kind == "regional_value_content" and req.value is not None:
        credit = (f" + excess-LVC credit {display_pct(number(f['excess_lvc_credit']))} pts = {_pct(req.value)}"
                  if "excess_lvc_credit" in f else "")
        out.append(f"      (net cost {m('net_cost')} - VNM {m('vnm')}) / net cost {m('net_cost')} x 100 = "
                   f"{_pct(number(f.get('rvc_before_credit', req.value)))}{credit}   [VNM method: {f['vnm_method']}]")
        if f["gap_to_qualify"]:
            out.append(f"      to qualify, VNM must fall to {display_money(number(f['vnm_allowed']), down=True)} {currency}: "
                       f"{money_needed(number(f['gap_to_qualify']))} {currency} of non-originating value must become originating")
    elif req.kind == "us_content" and req.value is not None:
        out.append(f"      (US share of materials {m('us_materials')} + assembly value counted {m('non_material_net_cost')})"
                   f" / net cost {m('net_cost')} x 100 = {_pct(req.value)}")
        if f["gap_to_qualify"]:
            out.append(f"      to qualify, {money_needed(number(f['gap_to_qualify']))} {currency} more US content is needed")
    elif req.kind == "tariff_shift" and req.value is not None:
        basis = str(f.get("de_minimis_basis", "total_cost" if "total_cost" in f else "net_cost"))
        out.append(f"      non-originating materials of heading {f['heading']}: {m('non_originating_same_heading')}"
                   f" / {basis.replace('_', ' ')} {m(basis)} x 100 = {_pct(req.value, 'at_most')}")
    elif req.kind == "core_parts" and req.value is not None:
        groups = ", ".join(f"{k[:-4]} {_pct(number(v))}" for k, v in f.items() if k.endswith("_rvc") and k != "super_core_rvc")
        made = [k[:-9] for k in f if k.endswith("_net_cost")]
        lines = ("over the group's lines, each counting as non-originating 100% less its stated regional content where "
                 "it states one, else none of its value if originating and all of it if not")
        basis = lines if not made else f"{lines}; {', '.join(made)}: the self-produced part's own net cost"
        whole = f"; super-core {_pct(number(f['super_core_rvc']))}" if "super_core_rvc" in f else ""
        out.append(f"      core-part RVC by group ({basis}): {groups}{whole}"
                   f" (core parts {m('core_parts_value')}, of which non-originating {m('core_parts_non_originating')})")
    elif req.kind == "purchases" and req.value is not None:
        out.append(f"      originating {m('originating')} / purchases {m('purchases')} x 100 = {_pct(req.value)}")
    elif req.kind == "labor_value_content" and req.value is not None:
        out.append(f"      (high-wage labor {m('high_wage_labor')} + high-wage materials {m('high_wage_materials')}) / net cost "
                   f"{m('net_cost')} x 100 = {display_pct(number(f['high_wage_points']))} points (minimum {f['minimum_high_wage_points']})"
                   f" + technology {display_pct(number(f['technology_points']))} + assembly {display_pct(number(f['assembly_points']))} = {_pct(req.value)}")
    elif req.kind in ("section_232", "section_232_parts"):
        out.extend(section_232_lines(req, currency))
    if req.reason:
        out.append(f"      note: {req.reason}")
    if req.threshold_citation:
        flag = " [UNCONFIRMED]" if req.threshold_unconfirmed else ""
        label = f"threshold {req.threshold}%" if req.threshold is not None else f"rate {f.get('base_rate', f.get('rate', '?'))}%"
        out.append(f"      {label} in force from {req.threshold_from}{flag}: {req.threshold_citation}")
        if req.threshold_note:
            out.append(f"      {req.threshold_note}")
    out.append(f"      law: {req.citation}")
    if req.drivers:
        label = {"regional_value_content": "lines adding most to VNM", "us_content": "largest non-US content",
                 "tariff_shift": "non-originating materials of the vehicle's heading",
                 "core_parts": "core-part lines counting the most non-originating value", "purchases": "largest non-originating purchases",
                 "section_232": "largest non-US content"}.get(req.kind, "lines")
        out.append(f"      {label}:")
        width = max(14, *(len(d.part_number) for d in req.drivers))  # a part number is never cut
        for d in req.drivers:
            desc = (d.description or "")[:28]
            out.append(f"        row {d.row:<6} {d.part_number:<{width}} {desc:<28} {hs_display(d.hs_code):<12} {d.origin_country}"
                       f"  {display_money(d.value_cents):>12}  counted {display_money(d.counted_cents):>12}  {d.basis}")
    return out


def _made_words(case: str) -> list[str]:
    """The year-of-manufacture part of a Section 232 case (Proclamation 10984 cl.(10))."""
    found = re.search(r"made_(by|from)_(\d{4})", case)
    if found is None:
        return []
    return [f"made in {found[2]} or earlier (excluded, cl.(10))" if found[1] == "by" else f"made in {found[2]} or later"]


def section_232_lines(req: RequirementResult, currency: str) -> list[str]:
    """The Section 232 figures, each with its derivation (see engine.tariffs)."""
    f = req.figures
    m = lambda k: display_money(number(f[k]))  # noqa: E731
    out = []
    if "origin_date" in f and req.status != "not_applicable":
        out.append(f"      entry date {f['entry_date']} (the duty keys on entry); origin judged as of {f['origin_date']} ({f.get('origin_date_source', 'production_date')})")
    if req.kind == "section_232" and "dutiable_value" in f:
        out.append(f"      duty = {f['rate']}% x dutiable value {m('dutiable_value')} = {m('duty')} {currency}"
                   f" (transaction value {m('transaction_value')}, US content {m('us_content')}; effective rate {_pct(req.value)})")
        if "total_duty" in f:
            free = " (USMCA-originating: free of the general rate" if f.get("mfn_free") else " (general rate"
            out.append(f"      with the column 1 duty {m('mfn_duty')}{free} {f['mfn_rate']}%): total {m('total_duty')} {currency}")
    elif req.kind == "section_232":
        keys = [k for k in f if k.startswith("duty_") and k != "duty_per_year"]
        # A value basis is named only where both are open (a vehicle that cannot qualify has one).
        both = any("non_us_content" in k for k in keys) and any("full_value" in k for k in keys)
        cases = {"non_us_content": "USMCA-qualifying (on non-US content)", "full_value": "not USMCA-qualifying (on the full value)"}
        cases = {**(cases if both else {}), "in_quota": "in quota", "out_of_quota": "out of quota"}
        for key in keys:
            case = key[5:]
            words = [text for part, text in cases.items() if part in case] + _made_words(case)
            out.append(f"      if {', '.join(words) or case}: duty {m(key)} {currency}")
    if req.kind == "section_232_parts" and "liability" in f:
        terms = " + ".join(f"{k.removeprefix('dutiable_at_')}% x {m(k)}" for k in f if k.startswith("dutiable_at_"))
        out.append(f"      liability = {terms or '0'} (dutiable imported covered parts {m('dutiable_parts')}) "
                   f"= {m('liability')} {currency} per vehicle")
        if "offset_accrued" in f:
            excess = f", excess {m('offset_excess')}" if "offset_excess" in f else ""
            basis = "MSRP" if f.get("offset_basis") == "msrp" else "transaction value"
            accrued = (f"{f['offset_rate']}% x {basis} {m('offset_measure')} = {m('offset_accrued')} accrued"
                       if "offset_measure" in f else f"accrued {m('offset_accrued')}")
            out.append(f"      offset {accrued}, applied {m('offset_applied')} (capped at the liability{excess}); "
                       f"net {m('duty')} {currency} per vehicle")
        if "duty_per_year" in f:
            out.append(f"      per year at {int(f['annual_volume']):,} vehicles: liability {m('liability_per_year')}, offset "
                       f"{m('offset_applied_per_year')}, net {m('duty_per_year')} {currency}")
    if "stacking" in f:
        out.append(f"      other duties: {f['stacking']}")
    return out


def exposure_line(exposure, currency: str) -> str:
    """Duty exposure in words: what the verdict saves or costs at the general rate."""
    head = f"duty exposure (import into {exposure.import_into}"
    if exposure.rate is not None:
        head += f", general rate {exposure.rate}%"
    head += ")"
    if exposure.per_vehicle_cents is None:
        return f"{head}: {exposure.note}"
    amount = f"{display_money(exposure.per_vehicle_cents)} {currency} per vehicle"
    if exposure.per_year_cents is not None:
        amount += f", {display_money(exposure.per_year_cents)} {currency} a year at {exposure.annual_volume:,} vehicles"
    verb = {"saved": "duty saved", "owed": "duty owed"}.get(exposure.effect, "duty at stake")
    return f"{head}: {verb} {amount} [{exposure.rate_citation}]" + (f"; {exposure.note}" if exposure.note else "")


def detail(d: Determination, bom: Bom) -> list[str]:
    currency = bom.vehicle.currency
    out = [f"== {d.regime}: {d.title} -> {status_label(d)}"]
    if d.what_if:
        out.append(f"  what-if: {d.what_if}")
    if d.condition:
        out.append(f"  applies {d.condition}")
    if d.vehicle_class:
        out.append(f"  vehicle class: {d.vehicle_class} - {d.vehicle_class_title}; law applied as on {d.applied_on}")
    for req in d.requirements:
        out.extend(requirement_lines(req, currency))
    exposure = d.duty_exposure
    if exposure is not None:
        out.append("  " + exposure_line(exposure, currency))
    if d.review:
        out.append("  needs review:")
        out.extend(f"    - {r}" for r in d.review)
    if d.assumptions:
        out.append("  assumptions:")
        values = dict(zip(bom.lines["row"].tolist(), bom.lines["value_cents"].tolist()))
        texts = [a.text for a in d.assumptions]
        for a in d.assumptions:
            cite = f" [{a.citation}]" if a.citation else ""
            # The same assumption made for several requirements says which requirement each is for.
            text = f"for {a.requirement}: {a.text}" if a.requirement and texts.count(a.text) > 1 else a.text
            if not a.rows:  # about the vehicle as a whole, not about lines
                out.append(f"    - {text}{cite}")
                continue
            out.append(f"    - {text}{cite}: {plural(len(a.rows), 'line')}, value at stake "
                       f"{display_money(a.value_at_stake_cents)} {currency} ({largest_rows(a.rows, values)})")
    out.extend(certified_text(d.certified_lines))
    for note in d.vehicle_notes:
        out.append(f"  vehicle class: {note}")
    for note in d.notes:
        out.append(f"  rule-file note: {note}")
    return out


def largest_rows(rows, values: dict, most: int = 8) -> str:
    """The rows of largest value first ("largest: row 17 2,400.00, ..."), not the first rows."""
    ranked = sorted(rows, key=lambda r: (-values.get(r, 0), r))
    text = ", ".join(f"row {r} {display_money(values.get(r, 0))}" for r in ranked[:most])
    return ("largest: " if len(rows) > 1 else "") + text + (f" and {len(rows) - most} more" if len(rows) > most else "")


def brief(d: Determination, currency: str) -> list[str]:
    """One line per failing or undecided requirement (and per review item)."""
    out = []
    for req in d.requirements:
        if req.status not in ("fail", "needs_review"):
            continue
        text = f"  {d.regime}: {req.id} {requirement_label(req)}"
        if req.value is not None and req.margin is not None:
            text += f" {_pct(req.value, req.comparison)} (required {_threshold(req)}; margin {points(req.margin)})"
        gap = req.figures.get("gap_to_qualify")
        if gap:
            text += f"; {money_needed(number(gap))} {currency} to move"
        elif req.reason:
            text += f"; {req.reason}"
        out.append(text)
    out.extend(f"  {d.regime}: needs review: {r}" for r in d.review)
    return out


def render(bom: Bom, results: list[Determination], as_of: date, detail_level: str = "full", source: Source = "given") -> str:
    lines = header(bom, as_of, source) + [""] + summary_table(results)
    if detail_level == "brief":
        failing = [line for d in results for line in brief(d, bom.vehicle.currency)]
        if failing:
            lines += ["", "What fails or needs review:"] + failing
    else:
        for d in results:
            lines += [""] + detail(d, bom)
    unused = [f"warning: {w.location}: {w.message}" for w in bom.warnings if w.code == "certificate-matches-nothing"]
    if unused:  # a certification the verdicts did not use: said here, not only counted
        lines += ["", *unused]
    if bom.warnings:
        lines += ["", f"{plural(len(bom.warnings), 'warning')} on the workbook (run roo-calc validate for the list)"]
    return "\n".join(lines) + "\n"
