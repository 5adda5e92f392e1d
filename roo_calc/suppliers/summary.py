"""The summary workbook of `roo-calc solicit`: suppliers in the order to call them (the regimes
whose verdict their certification flips, then the value at stake), each regime's verdict now,
and every part asked for."""

from __future__ import annotations

from pathlib import Path

from roo_calc.atomic import atomic_path
from roo_calc.bom.model import Bom
from roo_calc.certificates.writer import open_book
from roo_calc.display import plural
from roo_calc.numbers import display_money
from roo_calc.suppliers.needs import Solicitation

FLIP_NOTE = ("A flip is counted only when re-evaluating the BOM with that supplier's undeclared regional lines "
             "certified (Y under the regime's agreement) turns the verdict eligible; nothing is estimated. Suppliers "
             "that flip a verdict only together with others show no flip of their own: see 'every supplier together'.")


def write_summary(path: Path, bom: Bom, solicitation: Solicitation, files: dict[str, str]) -> None:
    v = bom.vehicle
    with atomic_path(path) as temporary:
        book = open_book(temporary)
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        money = book.add_format({"num_format": "#,##0.00", "valign": "top"})
        title = book.add_format({"bold": True, "font_size": 13})
        top = book.add_format({"valign": "top"})

        sheet = book.add_worksheet("Suppliers")
        sheet.write_string(0, 0, f"Who to ask first: {v.model}, BOM {Path(bom.path).name}, determination date "
                                 f"{solicitation.on}, next {solicitation.next_determination}", title)
        sheet.set_row(1, 45)
        sheet.merge_range(1, 0, 1, 7, FLIP_NOTE, wrap)
        headers = ["Rank", "Supplier", "Flips if they certify", "Value at stake (" + v.currency + ")", "Parts",
                   "Answers asked", "Renewals", "Request file"]
        widths = [6, 26, 34, 16, 7, 60, 9, 34]
        for col, (name, width) in enumerate(zip(headers, widths)):
            sheet.write_string(3, col, name, head)
            sheet.set_column(col, col, width)
        for r, need in enumerate(solicitation.suppliers, start=4):
            counts: dict[str, int] = {}
            for part in need.parts:
                for a in part.answers:
                    counts[a] = counts.get(a, 0) + 1
            sheet.write_number(r, 0, r - 3, top)
            sheet.write_string(r, 1, need.supplier, wrap)
            sheet.write_string(r, 2, "; ".join(f"{k}: {v.replace('_', ' ')}" for k, v in need.flips.items()) or "none alone", wrap)
            sheet.write_number(r, 3, need.value_at_stake_cents / 100, money)
            sheet.write_number(r, 4, len(need.parts), top)
            sheet.write_string(r, 5, "; ".join(f"{solicitation.answer_label(k).split(' (')[0]}: {n}" for k, n in counts.items() if k != "renewal"), wrap)
            sheet.write_number(r, 6, counts.get("renewal", 0), top)
            sheet.write_string(r, 7, files[need.supplier], top)
        sheet.set_row(3, 30)
        sheet.freeze_panes(4, 2)
        sheet.autofilter(3, 0, 3 + len(solicitation.suppliers), len(headers) - 1)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)

        regimes = book.add_worksheet("Regimes")
        for col, (name, width) in enumerate(zip(["Regime", "Verdict now", "Flips if every supplier certifies",
                                                 "Suppliers that flip it alone", "Certification it reads"], [22, 16, 30, 60, 40])):
            regimes.write_string(0, col, name, head)
            regimes.set_column(col, col, width)
        for r, result in enumerate(solicitation.regimes, start=1):
            alone = [n.supplier for n in solicitation.suppliers if result.regime in n.flips]
            regimes.write_string(r, 0, result.regime, top)
            regimes.write_string(r, 1, result.status.replace("_", " "), top)
            regimes.write_string(r, 2, solicitation.all_together.get(result.regime, "no").replace("_", " "), top)
            regimes.write_string(r, 3, ", ".join(alone) or "-", wrap)
            column = solicitation.reads[result.regime]
            regimes.write_string(r, 4, f"{solicitation.certifications[column].agreement} ({column})", wrap)
        if solicitation.unnamed_rows:
            r = len(solicitation.regimes) + 2
            rows = ", ".join(str(x) for x in solicitation.unnamed_rows[:30])
            regimes.write_string(r, 0, f"{plural(len(solicitation.unnamed_rows), 'line')} {'needs' if len(solicitation.unnamed_rows) == 1 else 'need'} an answer but name no supplier "
                                       f"(value {display_money(solicitation.unnamed_cents)} {v.currency}): rows {rows}", wrap)

        parts = book.add_worksheet("Parts")
        cols = ["Supplier", "BOM row", "Part number", "Description", "Origin", "Value", "Answers asked", "Verdicts that depend on it"]
        for col, (name, width) in enumerate(zip(cols, [24, 8, 14, 28, 7, 12, 60, 50])):
            parts.write_string(0, col, name, head)
            parts.set_column(col, col, width)
        r = 1
        for need in solicitation.suppliers:
            for part in need.parts:
                parts.write_string(r, 0, need.supplier)
                parts.write_number(r, 1, part.row)
                parts.write_string(r, 2, part.part_number)
                parts.write_string(r, 3, part.description or "")
                parts.write_string(r, 4, part.origin_country)
                parts.write_number(r, 5, part.value_cents / 100, money)
                parts.write_string(r, 6, "; ".join(solicitation.answer_label(a) for a in part.answers))
                parts.write_string(r, 7, "; ".join(f"{k} ({s.replace('_', ' ')})" for k, s in part.regimes.items()))
                r += 1
        parts.freeze_panes(1, 0)
        parts.autofilter(0, 0, max(r - 1, 1), len(cols) - 1)
        book.close()
