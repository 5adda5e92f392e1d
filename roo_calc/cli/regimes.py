"""`roo-calc regimes`: list the regimes, or show one as in force on a date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Optional

import typer

from roo_calc.cli.common import PlainHelp, QuietOption, RulesOption, as_date, echo, examples, fail, parse_day
from roo_calc.errors import NoValueError, RooCalcError

app = typer.Typer(help="List regimes, or show one with the thresholds in force on a date.", invoke_without_command=True,
                  context_settings={"help_option_names": ["-h", "--help"]}, rich_markup_mode=None,
                  epilog=examples("roo-calc regimes", "roo-calc regimes --rules examples/my-rules/",
                                  "roo-calc regimes show nafta-1994 --as-of 2001-06-30"))
ShowAsOf = Annotated[Optional[datetime], typer.Option("--as-of", metavar="DATE", parser=parse_day,
                                                      help="Show the law as on this date (YYYY-MM-DD); default: today.")]


@app.callback()
def list_regimes(ctx: typer.Context, rules: RulesOption = None, quiet: QuietOption = False) -> None:
    """List every regime: id, status, dates in force, title."""
    if ctx.invoked_subcommand is not None:
        return
    from roo_calc.rules.loader import load_regimes

    try:
        regimes = load_regimes(rules)
    except RooCalcError as error:
        fail(error)
    if quiet:
        return
    rows = [("id", "status", "in force", "title")]
    for r in regimes.values():
        span = (f"{r.in_force.from_ or '?'} to {r.in_force.to or 'now'}" if r.in_force.from_
                else f"proposed {r.proposed_on}" if r.proposed_on else "-")
        if r.approved_through_field:
            span += f" or {r.approved_through_field}"
        rows.append((r.id, r.status, span, r.title))
    widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
    for row in rows:
        echo("  ".join(str(c).ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])


def tariff_change_points(req, on: date) -> list[str]:
    """A tariff requirement's other dated law: bilateral terms, offsets, exemptions, stacking."""
    from roo_calc.rules.model import value_at

    out = []
    for key, deal in sorted(req.deals.items(), key=lambda kv: kv[1].from_):
        state = "in force" if deal.from_ <= on and (deal.to is None or on <= deal.to) else "not in force"
        terms = (f"column 1 + Section 232 = {deal.all_in}%" if deal.all_in is not None
                 else f"{deal.quota:,} a year at {deal.in_quota_rate}%")
        flag = " [UNCONFIRMED]" if deal.unconfirmed else ""
        out.append(f"    deal {key} ({', '.join(deal.countries[:4])}{' ...' if len(deal.countries) > 4 else ''}): {terms}, "
                   f"from {deal.from_}{f' to {deal.to}' if deal.to else ''}{flag} ({state} on {on}) - {deal.citation}")
    for cls, history in req.offset.items():
        try:
            point = value_at(history, on, f"offset for {cls}")
            now = f"{point.value}% of {req.offset_basis.get(cls, req.offset_basis.get('default', 'msrp'))} (from {point.from_})"
        except NoValueError:
            now = "none yet"
        later = ", ".join(f"{p.value}% from {p.from_}" for p in history if p.from_ > on)
        out.append(f"    offset {cls}: {now}" + (f"; then {later}" if later else "") + f" - {history[0].citation}")
    for point in req.usmca_parts_exempt:
        out.append(f"    USMCA-qualifying parts exempt: {'yes' if point.value else 'no'} from {point.from_} - {point.citation}")
    if req.covered_parts is not None:
        flag = " [UNCONFIRMED]" if req.covered_parts.unconfirmed else ""
        out.append(f"    covered parts{flag}: HS {', '.join(req.covered_parts.hs)}")
    for rule in req.stacking:
        span = f"from {rule.from_}" if rule.from_ else ""
        span += f" to {rule.to}" if rule.to else ""
        out.append(f"    stacking: {rule.measure} {rule.effect.replace('_', ' ')} {span} - {rule.citation}")
    return out


@app.command("show", cls=PlainHelp, epilog=examples("roo-calc regimes show usmca-2020", "roo-calc regimes show nafta-1994 --as-of 2001-06-30"))
def show(regime_id: Annotated[str, typer.Argument(metavar="ID", help="Regime id, e.g. usmca-2020.")], as_of: ShowAsOf = None,
         rules: RulesOption = None, quiet: QuietOption = False) -> None:
    """Every requirement of a regime and the threshold in force on a date, with its citation."""
    from roo_calc.rules.loader import load_regimes

    try:
        regimes = load_regimes(rules)
        if regime_id not in regimes:
            raise RooCalcError(f"no regime with id {regime_id!r}; known: {', '.join(sorted(regimes))}")
    except RooCalcError as error:
        fail(error)
    if quiet:
        return
    r = regimes[regime_id]
    on = as_date(as_of) or date.today()
    applied, what_if = r.applies_on(on)
    _echo_regime(r, on, what_if)
    _echo_part_origin(r, applied)
    echo("requirements:")
    for rid, req in r.requirements.items():
        _echo_requirement(r, rid, req, applied)
    for note in r.notes:
        echo(f"note: {note}")


def _echo_regime(r, on: date, what_if: str | None) -> None:
    """The regime's title, rule file, date, sources, vehicle classes and vehicle-type table."""
    from roo_calc.rules.model import cite

    echo(f"{r.id}: {r.title}  [{r.status}]")
    if r.summary:
        echo(r.summary)
    echo(f"rule file: {r.path}" + (f" (extends {r.extends})" if r.extends else ""))
    echo(f"as of {on}" + (f" - {what_if}" if what_if else ""))
    echo(f"supplier certifications: BOM column {r.certification_field}, Y = originating under {r.certified_as} "
         f"({r.agreement_name})")
    if r.approved_through_field:
        echo(f"in force through the vehicle's {r.approved_through_field} when the workbook gives it "
             f"(else to {r.in_force.to or 'now'})")
    for source in r.sources:
        echo(f"  source {source.id}: {source.title}" + (f" <{source.href}>" if source.href else ""))
    echo("classes:")
    for name, c in r.classes.items():
        declared = f"; when declared {c.law_type}: {', '.join(c.hs_if_declared)}" if c.hs_if_declared else ""
        echo(f"  {name}: {c.title} [HS {', '.join(c.hs)}{declared}]")
    if r.vehicle_types_by_hs:
        echo("vehicle type of a workbook that leaves vehicle_type blank, by HS code (any other code: other):")
    for row in r.vehicle_types_by_hs:
        echo(f"  {row.type}: HS {', '.join(row.hs)} - {cite(row.reference)}")


def _echo_part_origin(r, applied: date) -> None:
    """Parts that originate only at their own RVC, with the threshold in force."""
    from roo_calc.rules.model import cite

    if r.part_origin:
        echo("parts originating only at their own RVC (stated content checked against it):")
    for rule in r.part_origin:
        codes = ", ".join(rule.hs + tuple(f"ex {h}" for h in rule.ex_hs))
        echo(f"  {rule.title} [{', '.join(rule.classes)}; HS {codes}]")
        if rule.except_hs:
            echo(f"    except HS {', '.join(rule.except_hs)}")
        if rule.partial_hs:
            echo(f"    listed only in part (8-digit or \"ex\" entries; stated content not used): HS {', '.join(rule.partial_hs)}")
        if not rule.bought:
            echo("    only self-produced (make) parts are measured by it; a bought line's origin is its certification")
        if rule.self_produced:
            echo("    a self-produced (make) part is measured by its own RVC; originating, its materials' VNM is not the "
                 "vehicle's" + (f" - {cite(rule.reference)}" if rule.reference else ""))
        for item in rule.table_g:
            echo(f"    Table G: {item.component} [HS {', '.join(item.hs)}]: {'; '.join(item.materials)} - {cite(item.reference)}")
        if rule.note and "UNCONFIRMED" in rule.note:
            echo(f"    [UNCONFIRMED] {rule.note[rule.note.index('UNCONFIRMED'):].removeprefix('UNCONFIRMED: ')}")
        _echo_history("threshold", rule.threshold, applied, ">=", "%")


def _echo_requirement(r, rid: str, req, applied: date) -> None:
    """One requirement: its law, each threshold history and the credits and change points that apply."""
    from roo_calc.rules.model import cite

    echo(f"  {rid} ({req.kind}): {req.title}")
    echo(f"    law: {req.citation}")
    sign = "rate" if r.kind == "tariff" else ">=" if req.comparison == "at_least" else "<="
    histories = [(cls, h, sign, "%") for cls, h in req.threshold.items()]
    histories += [(f"{cls} minimum high-wage points", h, sign, "") for cls, h in req.minimum.items()]
    if req.tracing is not None:
        if req.tracing.material_rvc_requirement:
            histories.append(("RVC requirement of other Schedule IV materials (9(2)(g))",
                              req.tracing.material_rvc_requirement, ">=", "%"))
        histories += [(f"RVC requirement of {e.title} (9(2)(g))", e.requirement, ">=", "%")
                      for e in req.tracing.material_rvc_exceptions]
    if req.components is not None:
        histories.append((f"RVC requirement of {req.components.title} (10(1)(d)(iii))", req.components.requirement,
                          ">=", "%"))
    for label, history, sign, unit in histories:
        _echo_history(label, history, applied, sign, unit)
    if req.tracing is not None and req.tracing.same_as_vehicle:
        echo(f"    RVC requirement of {', '.join(req.tracing.same_as_vehicle)} (9(2)(g)): the vehicle's threshold")
    if req.lvc_credit is not None:
        credit = req.lvc_credit
        state = "available" if applied <= credit.through else "ended"
        flag = " [UNCONFIRMED]" if credit.unconfirmed else ""
        echo(f"    excess-LVC credit ({', '.join(credit.classes)}): high-wage points above {credit.points_above} of an "
             f"LVC above {credit.lvc_above}% count toward the RVC, if the RVC is not below {credit.rvc_floor}%; "
             f"until {credit.through} inclusive; on {applied}: {state}{flag} - {credit.citation}")
    if req.new_plant is not None:
        n = req.new_plant
        echo(f"    new or refitted plant ({', '.join(n.classes)}): >= {n.value}% for {n.years_new} years after the first "
             f"prototype in a new plant, {n.years_refit} after a refit (Vehicle sheet new_plant, first_prototype_date): "
             f"from the day after the prototype's through its anniversary{' [UNCONFIRMED]' if n.unconfirmed else ''} "
             f"- {cite(n.reference)}")
    if r.kind == "tariff":
        for line in tariff_change_points(req, applied):
            echo(line)


def _echo_history(label: str, history, applied: date, sign: str, unit: str) -> None:
    """One dated value as in force on `applied`, with its citation and the later change points."""
    from roo_calc.rules.model import value_at

    try:
        point = value_at(history, applied, label)
    except NoValueError as exc:
        echo(f"    {label}: {exc}")
        return
    flag = " [UNCONFIRMED]" if point.unconfirmed else ""
    echo(f"    {label}: {sign} {point.value}{unit} (from {point.from_}){flag} - {point.citation}")
    later = [p for p in history if p.from_ > applied]
    if later:
        echo("      then: " + ", ".join(f"{p.value}{unit} from {p.from_}"
                                + (" (the producer's fiscal year nearest)" if p.fiscal_year else "") for p in later))
