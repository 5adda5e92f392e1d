"""Fleet averages are calculated over the producer's fiscal year (USMCA UR 16(1), 16(8); NAFTA UR
11(1)(a), 11(9)), or over the first period from the entry into force to the end of the fiscal year
that begins within a year after it (USMCA UR 16(4) and its Example in 16(12); NAFTA UR 11(3)).
Vehicles no such period can hold are never averaged into a silent verdict, and each vehicle of an
average is held to the threshold in force on its production date."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roo_calc.cli.main import app
from roo_calc.fiscal_year import FiscalYearStart, Period, period_of, span_of
from tests.conftest import BASE_VEHICLE

runner = CliRunner()

# Facts that pass every USMCA requirement but the RVC, so that the RVC alone decides.
GOOD = {"steel_purchases": 1000, "steel_purchases_originating": 800, "aluminum_purchases": 1000,
        "aluminum_purchases_originating": 800, "lvc_high_wage_labor": 2000, "lvc_high_wage_materials": 1000,
        "lvc_technology_points": 10, "lvc_assembly_points": 5}
ENGINE = {"part_number": "ENG", "hs_code": "8407.34", "value": 1000, "origin_country": "MX", "usmca_originating": "Y",
          "nafta_originating": "Y"}


def _vehicle(make_bom, name: str, made: str | None, rvc_pct: int, volume: int = 1):
    """A vehicle of net cost 10,000 whose RVC is `rvc_pct` (its non-originating CN brakes are the rest)."""
    originating = rvc_pct * 100 - 1000
    lines = [ENGINE,
             {"part_number": "O", "hs_code": "8708.29", "value": originating, "origin_country": "MX", "usmca_originating": "Y",
              "nafta_originating": "Y", "nafta_traced_value": 0, "core_part_group": "none"},
             {"part_number": "N", "hs_code": "8708.30", "value": 9000 - originating, "origin_country": "CN"}]
    vehicle = {**BASE_VEHICLE, **GOOD, "model": "Line A", "plant": "P1", "annual_volume": volume, "production_date": made}
    if made is None:
        del vehicle["production_date"]
    return make_bom(vehicle=vehicle, lines=lines, name=name)


def _averages(*args: str) -> list[dict]:
    out = runner.invoke(app, ["evaluate", *args, "--average-by", "model-line", "-f", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)["averages"]


@pytest.mark.parametrize(("regime", "made_a", "rvc_a", "made_c", "rvc_c", "months"), [
    # USMCA: A fails alone (65% < 66% on 2021-06-30); C, 17 months later, passes.  The old code printed
    # "ELIGIBLE rvc 76.00% >= 72%" for the two, cited to s.16(1)(c), with no note.
    ("usmca-2020", "2021-06-30", 65, "2022-12-01", 87, 17),
    # NAFTA: 2003-01-15 fails alone (56% < 62.5%); averaged with 2004-12-20 the old code gave 71% ELIGIBLE.
    ("nafta-1994", "2003-01-15", 56, "2004-12-20", 86, 23),
])
def test_vehicles_no_fiscal_year_can_hold_are_not_averaged_silently(make_bom, regime, made_a, rvc_a, made_c, rvc_c, months):
    a = _vehicle(make_bom, "a.xlsx", made_a, rvc_a)
    c = _vehicle(make_bom, "c.xlsx", made_c, rvc_c)
    (avg,) = _averages(str(a), str(c), "-r", regime)
    assert avg["result"]["status"] == "needs_review"
    (why,) = avg["result"]["review"]
    assert f"made from {made_a} to {made_c} ({months} months apart): no fiscal year holds them all" in why
    assert "s.16(1)" in why if regime == "usmca-2020" else "s.11(1)(a)" in why
    assert avg["period"] == f"not stated; the vehicles were made from {made_a} to {made_c}"
    report = a.parent / "report.xlsx"
    text = runner.invoke(app, ["evaluate", str(a), str(c), "--average-by", "model-line", "-r", regime, "-o", str(report)]).output
    assert "NEEDS REVIEW" in text and "review: the vehicles were made from" in text and "ELIGIBLE " not in text.split("==")[-1]
    row = list(openpyxl.load_workbook(report)["Averages"].iter_rows(values_only=True))[3]
    assert row[4] == "NEEDS REVIEW" and row[10] == why


def test_a_stated_fiscal_year_averages_each_period_apart(make_bom):
    """With the fiscal year beginning January 1, A (2021-06-30) falls in the first period 2020-07-01 to
    2021-12-31 (UR 16(4); the 18 months of the Example in 16(12)) and C (2022-12-01) in fiscal year
    2022: two averages, each on its own vehicles' rules (66% for A, 72% for C)."""
    a = _vehicle(make_bom, "a.xlsx", "2021-06-30", 65)
    c = _vehicle(make_bom, "c.xlsx", "2022-12-01", 87)
    first, second = _averages(str(a), str(c), "-r", "usmca-2020", "--fiscal-year-start", "01-01")
    assert first["period"] == "first period 2020-07-01 to 2021-12-31 (fiscal year stated: begins 01-01)"
    assert first["result"]["status"] == "not_eligible"
    rvc = first["result"]["requirements"][0]
    assert (rvc["value"], rvc["threshold"]) == ("65.0000", "66")
    assert second["period"] == "fiscal year 2022-01-01 to 2022-12-31 (fiscal year stated: begins 01-01)"
    assert second["result"]["status"] == "eligible" and second["result"]["requirements"][0]["threshold"] == "72"
    assert first["result"]["review"] == [] and second["result"]["review"] == []


def test_each_vehicle_is_held_to_the_threshold_of_its_own_date(make_bom):
    """Fiscal year 2022 (January to December) holds the 2022-07-01 step from 69% to 72% (UR s.13).
    The average of 70% (March) and 71% (September) is 70.5%: it meets 69% for the March vehicle and
    not 72% for the September one.  The old code held both to 72% (the latest date of the fleet)."""
    march = _vehicle(make_bom, "march.xlsx", "2022-03-01", 70)
    september = _vehicle(make_bom, "september.xlsx", "2022-09-01", 71)
    early, late = _averages(str(march), str(september), "-r", "usmca-2020", "--fiscal-year-start", "01-01")
    assert early["verdict_for"] == ["march.xlsx (2022-03-01)"] and late["verdict_for"] == ["september.xlsx (2022-09-01)"]
    for avg, status, threshold in ((early, "eligible", "69"), (late, "not_eligible", "72")):
        rvc = avg["result"]["requirements"][0]
        assert (avg["result"]["status"], rvc["value"], rvc["threshold"]) == (status, "70.5000", threshold)
        (said,) = [x for x in avg["result"]["assumptions"] if x["code"] == "averaging-rules-by-date"]
        assert "UNCONFIRMED" in said["text"] and "the averaged figures are the whole group's" in said["text"]
        assert avg["vehicles"] == ["Line A", "Line A"] and avg["annual_volume"] == 2


def test_one_possible_fiscal_year_is_an_assumption_naming_it(make_bom):
    a = _vehicle(make_bom, "a.xlsx", "2024-01-10", 80)
    b = _vehicle(make_bom, "b.xlsx", "2024-05-01", 80)
    (avg,) = _averages(str(a), str(b), "-r", "usmca-2020")
    assert avg["result"]["status"] == "eligible"
    (said,) = [x for x in avg["result"]["assumptions"] if x["code"] == "averaging-fiscal-year"]
    assert "the producer's fiscal year is not stated" in said["text"]
    assert "only if the fiscal year begins on a day from May 2 to January 10" in said["text"]
    assert "s.16(1)" in said["citation"]
    text = runner.invoke(app, ["evaluate", str(a), str(b), "--average-by", "model-line", "-r", "usmca-2020"]).output
    assert "assumption: the producer's fiscal year is not stated" in text


def test_the_first_period_may_run_past_twelve_months(make_bom):
    """UR 16(4): a fiscal year beginning after July 1, 2020 and before July 1, 2021 lets the first period
    run from July 1, 2020 to the end of that fiscal year.  Vehicles 14 months apart fit it only; the
    average says so, and holds each to its date's threshold (66% to 2021-06-30, 69% from 2021-07-01)."""
    a = _vehicle(make_bom, "a.xlsx", "2020-09-01", 67)
    b = _vehicle(make_bom, "b.xlsx", "2021-11-01", 68)
    early, late = _averages(str(a), str(b), "-r", "usmca-2020")
    for avg in (early, late):
        (said,) = [x for x in avg["result"]["assumptions"] if x["code"] == "averaging-first-period"]
        assert "fit in no fiscal year" in said["text"] and "beginning on a day from November 2 to June 30" in said["text"]
        assert "s.16(4)" in said["citation"]
        assert avg["result"]["review"] == []
    assert (early["result"]["status"], early["result"]["requirements"][0]["threshold"]) == ("eligible", "66")
    assert (late["result"]["status"], late["result"]["requirements"][0]["threshold"]) == ("not_eligible", "69")


def test_a_stated_first_period_across_the_fiscal_year_start_needs_the_election(make_bom):
    a = _vehicle(make_bom, "a.xlsx", "2020-09-01", 80)
    b = _vehicle(make_bom, "b.xlsx", "2021-03-01", 80)
    (avg,) = _averages(str(a), str(b), "-r", "usmca-2020", "--fiscal-year-start", "01-01")
    (said,) = [x for x in avg["result"]["assumptions"] if x["code"] == "averaging-first-period"]
    assert ("without that election they are two averages, the partial fiscal year to 2020-12-31 and the fiscal year "
            "from 2021-01-01") in said["text"]


def test_a_vehicle_without_production_date_makes_its_average_need_review(make_bom):
    a = _vehicle(make_bom, "a.xlsx", "2024-01-10", 80)
    b = _vehicle(make_bom, "undated.xlsx", None, 80)
    (avg,) = _averages(str(a), str(b), "-r", "usmca-2020", "--as-of", "2024-06-01")
    assert avg["result"]["status"] == "needs_review"
    assert "production_date not given for undated.xlsx" in avg["result"]["review"][0]


def _fleet(path, header, rows):
    book = openpyxl.Workbook()
    book.active.title = "Fleet"
    book.active.append(header)
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def test_fleet_sheet_states_the_fiscal_year(make_bom, tmp_path):
    a = _vehicle(make_bom, "a.xlsx", "2021-06-30", 65)
    c = _vehicle(make_bom, "c.xlsx", "2022-12-01", 87)
    fleet = _fleet(tmp_path / "fleet.xlsx", ["bom_file", "annual_volume", "fiscal_year_start"],
                   [(a.name, 1, datetime(2021, 1, 1)), (c.name, 1, None)])
    first, second = _averages(str(fleet), "-r", "usmca-2020", "--output", str(tmp_path / "r.xlsx"))
    assert first["period"].startswith("first period 2020-07-01 to 2021-12-31")
    assert second["period"].startswith("fiscal year 2022-01-01 to 2022-12-31")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Averages"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][8:11] == ("Period", "Verdict for", "Review and period assumptions")
    assert [r[8] for r in rows[3:5]] == [first["period"], second["period"]]
    assert [r[4] for r in rows[3:5]] == ["NOT ELIGIBLE", "ELIGIBLE"]
    listed = runner.invoke(app, ["validate", str(fleet)]).output
    assert "Fiscal year: begins 01-01; averages are per fiscal year" in listed and "made 2021-06-30" in listed


def test_fleet_sheet_fiscal_year_problems_are_located_in_one_pass(make_bom, tmp_path):
    a = _vehicle(make_bom, "a.xlsx", "2021-06-30", 65)
    c = _vehicle(make_bom, "c.xlsx", "2022-12-01", 87)
    d = _vehicle(make_bom, "d.xlsx", "2022-12-01", 87)
    fleet = _fleet(tmp_path / "fleet.xlsx", ["bom_file", "annual_volume", "fiscal_year_start"],
                   [(a.name, 1, "01-01"), (c.name, 1, "04-01"), (d.name, 1, "13-01")])
    out = runner.invoke(app, ["evaluate", str(fleet), "--average-by", "model-line", "-r", "usmca-2020"])
    assert out.exit_code == 2 and "2 error(s)" in out.output, out.output
    assert f"{fleet}:Fleet!C3: fiscal_year_start: expected the one first day of the producer's fiscal year, found 04-01 " \
           "here and 01-01 at C2" in out.output
    assert f"{fleet}:Fleet!C4: fiscal_year_start: expected a day of the year as MM-DD, found '13-01'" in out.output
    good = _fleet(tmp_path / "good.xlsx", ["bom_file", "annual_volume", "fiscal_year_start"], [(a.name, 1, "01-01")])
    out = runner.invoke(app, ["evaluate", str(good), "--average-by", "model-line", "-r", "usmca-2020",
                              "--fiscal-year-start", "04-01"])
    assert out.exit_code == 2 and f"{good}:Fleet!C2: fiscal_year_start" in out.output and "--fiscal-year-start" in out.output
    out = runner.invoke(app, ["evaluate", str(good), "--average-by", "model-line", "--fiscal-year-start", "02-29"])
    assert out.exit_code == 2 and "--fiscal-year-start: expected a day that begins every fiscal year" in out.output
    out = runner.invoke(app, ["evaluate", str(a), "--fiscal-year-start", "01-01"])
    assert out.exit_code == 2 and "give it with --average-by" in out.output


# The first period, table-driven: USMCA UR 16(4) and its Example (16(12)); NAFTA UR 11(3), 11(4).
@pytest.mark.parametrize(("start", "first_from", "made", "period"), [
    ("01-01", date(2020, 7, 1), date(2020, 7, 1), Period(date(2020, 7, 1), date(2021, 12, 31), True, date(2021, 1, 1))),
    ("01-01", date(2020, 7, 1), date(2021, 12, 31), Period(date(2020, 7, 1), date(2021, 12, 31), True, date(2021, 1, 1))),
    ("01-01", date(2020, 7, 1), date(2022, 1, 1), Period(date(2022, 1, 1), date(2022, 12, 31))),
    ("07-01", date(2020, 7, 1), date(2021, 6, 30), Period(date(2020, 7, 1), date(2021, 6, 30))),  # begins on entry into force
    ("06-30", date(2020, 7, 1), date(2022, 6, 29), Period(date(2020, 7, 1), date(2022, 6, 29), True, date(2021, 6, 30))),
    ("04-01", date(1994, 1, 1), date(1995, 3, 31), Period(date(1994, 1, 1), date(1995, 3, 31), True, date(1994, 4, 1))),
    ("01-01", date(1994, 1, 1), date(1994, 12, 31), Period(date(1994, 1, 1), date(1994, 12, 31))),  # NAFTA UR 11(4)
])
def test_first_period(start, first_from, made, period):
    assert period_of(made, FiscalYearStart.parse(start), first_from) == period


def test_a_rule_file_without_a_first_period_averages_over_fiscal_years_only():
    """A rule file with [[averaging]] and no [averaging_period] still loads; no first period is taken."""
    assert period_of(date(2020, 9, 1), FiscalYearStart(1, 1), None) == Period(date(2020, 1, 1), date(2020, 12, 31))
    assert span_of([date(2020, 9, 1), date(2021, 11, 1)], None).fit == "none"
    assert span_of([date(2020, 9, 1), date(2021, 11, 1)], date(2020, 7, 1)).fit == "first-period"


days = st.dates(date(2019, 1, 1), date(2026, 12, 31))
starts = st.tuples(st.integers(1, 12), st.integers(1, 28)).map(lambda md: FiscalYearStart(*md))


@settings(max_examples=300, deadline=None)
@given(st.lists(days, min_size=1, max_size=6), starts)
def test_what_the_dates_allow_agrees_with_every_fiscal_year(dates, fiscal_year):
    """`span_of` says no period can hold the dates only when no fiscal year's periods do, and a window of
    starts only when a fiscal year beginning at either end of it holds them all."""
    first_from = date(2020, 7, 1)
    span = span_of(dates, first_from)
    one = len({period_of(d, fiscal_year, first_from) for d in dates}) == 1
    if span.fit == "none":
        assert not one
    if span.fit == "one-year" and span.starts is not None:
        for end in span.starts:
            if (end.month, end.day) != (2, 29):
                held = FiscalYearStart(end.month, end.day).year_of(span.low)
                assert held[0] <= span.high <= held[1]
    if one:
        period = period_of(dates[0], fiscal_year, first_from)
        assert period.end - period.start < timedelta(days=731) and (period.first or period.end - period.start < timedelta(days=366))


@pytest.mark.parametrize(("start", "begins", "status", "threshold"), [
    ("10-01", "2001-10-01", "not_eligible", "62.5"),  # the fiscal year closest to 2002-01-01 begins 2001-10-01
    ("04-01", "2002-04-01", "eligible", "56"),  # ... begins 2002-04-01: fiscal year 2001-04-01 keeps 56%
])
def test_nafta_change_tied_to_the_fiscal_year_follows_the_stated_one(make_bom, start, begins, status, threshold):
    """NAFTA UR 13(1)(a)(i): 62.5% "from the fiscal year beginning on the day closest to January 1, 2002".
    With the fiscal year stated, the two vehicles (2001-11-15, 2002-03-01) share one fiscal year and one
    threshold; without it they were split at 2002-01-01 with an assumption that no fiscal year was given."""
    a = _vehicle(make_bom, "a.xlsx", "2001-11-15", 64)  # NAFTA RVC about 60% (the traced CN brakes)
    b = _vehicle(make_bom, "b.xlsx", "2002-03-01", 64)
    (avg,) = _averages(str(a), str(b), "-r", "nafta-1994", "--fiscal-year-start", start)
    assert avg["verdict_for"] is None
    assert f"the change of 2002-01-01 applies from the fiscal year beginning on the day closest to it, {begins}" in avg["period"]
    rvc = avg["result"]["requirements"][0]
    assert (avg["result"]["status"], rvc["threshold"]) == (status, threshold) and 56 <= float(rvc["value"]) < 62.5
    assert not [x for x in avg["result"]["assumptions"] if x["code"].startswith("fiscal-year-")]
