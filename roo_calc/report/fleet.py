"""The Excel report of several vehicles (`roo-calc evaluate A.xlsx B.xlsx --output`): one sheet
per vehicle with its verdicts, and with --average-by an Averages sheet with each averaged
verdict and its citation."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from roo_calc.asof import Source, as_of_text
from roo_calc.atomic import atomic_path
from roo_calc.report.excel import Page, _glossary, _money, _print_setup, _sheet_name, _status_formats, _styles, verdict_table
from roo_calc.report.json import determination_json
from roo_calc.report.verdict import status_label


def write_fleet_report(path: Path, vehicles: list, averages: list, average_by: str | None, on: date,
                       paper: str = "letter", sources: dict[str, Source] | None = None, source: Source = "given") -> None:
    """`vehicles`: (bom, as of, determinations) per vehicle; `averages`: fleet.Average items; `sources`:
    where each vehicle's date came from (by BOM path), `source`: where the averages' date came from."""
    import xlsxwriter

    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with atomic_path(Path(path)) as temporary:
        book = xlsxwriter.Workbook(temporary, {"strings_to_formulas": False, "strings_to_urls": False,
                                               "strings_to_numbers": False, "nan_inf_to_errors": True})
        styles = _styles(book)
        styles["count"] = book.add_format({"num_format": "#,##0"})
        styles["page"] = Page(paper, f"fleet of {len(vehicles)} vehicles", generated)
        used = {"averages", "glossary"}
        if average_by:
            _averages(book, styles, averages, average_by, averages_date_text(on, source))
        for bom, when, results in vehicles:
            sheet = book.add_worksheet(_sheet_name(bom.vehicle.model[:28], used))
            v = bom.vehicle
            sheet.write_string(0, 0, f"{v.model} ({Path(bom.path).name})", styles["title"])
            facts = [("BOM", bom.path), ("SHA-256", bom.sha256), ("As of", as_of_text(when, (sources or {}).get(bom.path, "given"))),
                     ("Annual volume", _volume_text(bom)), ("Currency", v.currency)]
            for i, (label, value) in enumerate(facts, start=2):
                sheet.write_string(i, 0, label, styles["bold"])
                sheet.write_string(i, 1, str(value))
            sheet.write_string(7, 0, "Net cost", styles["bold"])
            sheet.write_number(7, 1, _money(v.net_cost_cents), styles["money"])
            verdict_table(sheet, styles, results, 9)
            _print_setup(sheet, 9, styles["page"], v.model)
        _glossary(book, styles)
        book.close()


def _volume_text(bom) -> str:
    """The annual volume used, and the fleet workbook's warning when it contradicts the Vehicle sheet."""
    volume = bom.vehicle.annual_volume
    if not volume:
        return "not given"
    notes = [f"{w.location}: {w.message}" for w in bom.warnings if w.code == "fleet-volume"]
    return f"{volume:,}" + (f" (warning: {notes[0]})" if notes else "")


def fleet_json(vehicles: list, sources: dict[str, Source], averages: list, average_by: str | None, on: date,
               source: Source, all_lines: bool = False) -> dict:
    """The fleet JSON (schema/evaluate-fleet.json): each vehicle's evaluate JSON, then the averages."""
    from roo_calc import __version__
    from roo_calc.report.json import SCHEMA_VERSION, to_json

    return {"schema_version": SCHEMA_VERSION, "command": "evaluate", "roo_calc_version": __version__,
            "vehicles": [to_json(bom, results, when, all_lines, sources[bom.path]) for bom, when, results in vehicles],
            "average_by": average_by, "as_of": on.isoformat(), "as_of_source": source,
            "averages": [average_json(a) for a in averages]}


def fleet_text(vehicles: list, sources: dict[str, Source], averages: list, average_by: str | None, on: date,
               source: Source) -> str:
    """Each vehicle's header and verdict table, then each averaged verdict with its members and citation."""
    from roo_calc.report.text import header, summary_table

    out = []
    for bom, when, results in vehicles:
        out += header(bom, when, sources[bom.path]) + [""] + summary_table(results) + [""]
    if average_by:
        out.append(f"== Averaged by {average_by}, weighted by annual volume, {averages_date_text(on, source)}")
        for a in averages:
            if a.result is None:
                out.append(f"  {a.note}")
                continue
            out.append(f"  {a.regime} / {' / '.join(a.category)}: {', '.join(a.members)} ({a.volume:,} vehicle{'s' if a.volume != 1 else ''} a year) [{a.note}]")
            out += ["    " + line for line in period_lines(a)]
            out.append("    " + amounts_text(a))
            out += ["    " + line for line in summary_table([a.result])]
            out += ["    review: " + why for why in a.result.review]
            out += ["    assumption: " + x.text for x in a.result.assumptions if x.code.startswith("averaging-")]
    return "\n".join(out) + "\n"


def averages_date_text(on: date, source: Source) -> str:
    """Which rules the averages were held to: --as-of's, else each group's own vehicles' dates."""
    if source == "vehicles":
        return "each on the rules in force on its vehicles' production dates (set one date with --as-of)"
    return f"as of {as_of_text(on, source)}"


def period_lines(a) -> list[str]:
    """The averaging period of an averaged verdict and, when the rules change within it, whom the verdict is for."""
    out = [f"period: {a.period}"] if a.period else []
    if a.verdict_for:
        out.append(f"verdict for: {', '.join(a.verdict_for)} (the rules change within the group's dates)")
    return out


def average_json(a) -> dict:
    """One averaged determination (`fleet.Average`) for the fleet JSON. Its rows are rows of the averaged
    BOM (every vehicle's lines one after another): `row_sources` gives each one's workbook and row, and
    each assumption says `where` its lines are, workbook by workbook."""
    out = {"regime": a.regime, "category": list(a.category), "vehicles": a.members, "annual_volume": a.volume,
           "citation": a.note if a.result else None, "note": None if a.result else a.note,
           "result": determination_json(a.result) if a.result else None, "period": a.period,
           "verdict_for": list(a.verdict_for) if a.verdict_for else None}
    if a.result is None:
        return out
    out["amounts"] = amounts_basis(a)
    source = a.row_sources
    for assumption in out["result"]["assumptions"]:
        where: dict[str, list[int]] = {}
        for row in assumption["rows"]:
            file, file_row = source[row - 1]
            where.setdefault(file, []).append(file_row)
        assumption["where"] = [{"file": file, "rows": rows} for file, rows in where.items()]
    shown = sorted({r for x in out["result"]["assumptions"] for r in x["rows"]} |
                   {line["row"] for req in out["result"]["requirements"] for line in req["lines"]})
    out["row_sources"] = {str(r): {"file": source[r - 1][0], "row": source[r - 1][1]} for r in shown}
    return out


def amounts_text(a) -> str:
    """What every money figure of an averaged result is, in words (JSON `amounts.basis`, the text
    and the Excel report say the same): the group's annual totals, exact to the cent."""
    return (f"money figures are annual totals for the {a.volume:,} vehicle{'s' if a.volume != 1 else ''} a year of the "
            "group: each vehicle's amount x its annual volume, summed, exact to the cent (no rounding); divide by "
            f"{a.volume:,} for the average per vehicle; percentages are of these totals")


def amounts_basis(a) -> dict:
    """The JSON's statement of what the averaged result's money figures are (`amounts_text`), with each
    file's weight (its annual volume). `annual_factor` is 1: the figures are the annual totals."""
    return {"basis": amounts_text(a), "weights": [{"file": file, "weight": weight} for file, weight in a.weights],
            "annual_factor": 1}


def _averages(book, styles, averages: list, average_by: str, as_of: str) -> None:
    sheet = book.add_worksheet("Averages")
    sheet.write_string(0, 0, f"Averaged by {average_by}, weighted by annual volume, {as_of}", styles["title"])
    headers = ["Regime", "Category", "Vehicles", "Annual volume", "Status", "Binding requirement", "Failing requirements",
               "Citation or note", "Period", "Verdict for", "Review and period assumptions", "Money figures"]
    sheet.write_row(2, 0, headers, styles["head"])
    sheet.set_row(2, 30)
    row = 3
    for a in averages:
        sheet.write_string(row, 0, a.regime)
        sheet.write_string(row, 1, " / ".join(a.category), styles["wrap"])
        sheet.write_string(row, 2, ", ".join(a.members), styles["wrap"])
        if a.volume:
            sheet.write_number(row, 3, a.volume, styles["count"])
        if a.result is not None:
            sheet.write_string(row, 4, status_label(a.result))
            sheet.write_string(row, 5, a.result.binding.id if a.result.binding else "")
            sheet.write_string(row, 6, ", ".join(r.id for r in a.result.requirements if r.status == "fail"))
        sheet.write_string(row, 7, a.note or "", styles["wrap"])
        sheet.write_string(row, 8, a.period or "", styles["wrap"])
        sheet.write_string(row, 9, ", ".join(a.verdict_for or ()), styles["wrap"])
        said = "\n".join([*(a.result.review if a.result else ()),
                          *(x.text for x in (a.result.assumptions if a.result else ()) if x.code.startswith("averaging-"))])
        sheet.write_string(row, 10, said, styles["wrap"])
        money = amounts_text(a) if a.result is not None else ""
        sheet.write_string(row, 11, money, styles["wrap"])
        sheet.set_row(row, 15 * max(1, -(-len(a.note or "") // 60), -(-len(", ".join(a.members)) // 30), -(-len(said) // 60),
                                    -(-len(money) // 45)))
        row += 1
    _status_formats(sheet, styles, f"E4:E{row}")
    for col, width in enumerate((22, 30, 32, 12, 16, 14, 22, 62, 30, 30, 62, 40)):
        sheet.set_column(col, col, width)
    _print_setup(sheet, 2, styles["page"], "Averages")
