"""Section 232 beyond the table-driven cases: `regimes show`, a user's override of an unconfirmed
date, duty exposure in Canada and Mexico, and the engine's import structure."""

from __future__ import annotations

import ast
import datetime
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import roo_calc
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.rules.loader import load_regimes

runner = CliRunner()
REGIMES = load_regimes()
JAPAN_CAR = {"model": "JP car", "hs_code": "8703.23", "assembly_country": "JP", "net_cost": 10000, "transaction_value": 30000}
LINES = [{"part_number": "E", "hs_code": "8407.34", "value": 3000, "origin_country": "JP"}]


def test_regimes_show_prints_the_section_232_change_points():
    """Proclamation 10984 cl.(11) (offset to 2030-04-30), the bilateral terms, the stacking rules."""
    out = runner.invoke(app, ["regimes", "show", "us-section-232-2025", "--as-of", "2026-11-29"]).output
    assert "deal japan (JP): column 1 + Section 232 = 15%, from 2025-09-16 [UNCONFIRMED]" in out
    assert "deal uk_quota (GB): 100,000 a year at 7.5%, from 2025-06-30 [UNCONFIRMED]" in out
    assert "offset default: 3.75% of msrp (from 2025-04-05); then 0% from 2030-05-01" in out
    assert "bus: rate 10% (from 2025-11-01)" in out
    assert "stacking: section 338 duty of 50% on products of Canada (Proclamation 11048) not added from 2026-08-22" in out
    assert "covered parts [UNCONFIRMED]: HS 8407.31-8407.34" in out
    asr = runner.invoke(app, ["regimes", "show", "usmca-2020-asr", "--as-of", "2026-01-01"]).output
    assert "in force through the vehicle's asr_approved_through when the workbook gives it (else to 2025-06-30)" in asr


def test_a_users_rule_file_overrides_an_unconfirmed_date(tmp_path, make_bom):
    """Japan EO s.4(a): the date is set by a Federal Register notice; a user may restate it."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text(
        'id = "us-section-232-mine"\nextends = "us-section-232-2025"\ntitle = "Ours"\nstatus = "enacted"\n'
        "[requirements.section_232.deals.japan]\nfrom = 2025-10-01\nunconfirmed = false\nnote = \"our date\"\n")
    regimes = load_regimes([rules])
    bom = roo_calc.load_bom(make_bom(vehicle=JAPAN_CAR, lines=LINES))
    on = datetime.date(2025, 9, 20)
    shipped = evaluate(bom, regimes["us-section-232-2025"], on, regimes).requirements[0]
    ours = evaluate(bom, regimes["us-section-232-mine"], on, regimes).requirements[0]
    assert shipped.figures["rate"] == "12.5" and "[UNCONFIRMED]" in shipped.reason
    assert ours.figures["rate"] == "25" and "deal" not in ours.figures
    later = evaluate(bom, regimes["us-section-232-mine"], datetime.date(2025, 10, 1), regimes).requirements[0]
    assert later.figures["rate"] == "12.5" and "[UNCONFIRMED]" not in later.reason


def test_the_shipped_example_override_loads_and_confirms_the_japan_date():
    regimes = load_regimes([Path(roo_calc.__file__).parents[1] / "examples" / "my-rules"])
    deal = regimes["my-section-232-dates"].requirements["section_232"].deals["japan"]
    assert deal.from_ == datetime.date(2025, 9, 16) and not deal.unconfirmed and deal.all_in == 15


def test_duty_exposure_into_canada_and_mexico(make_bom):
    """Customs Tariff (Canada) 87.03 MFN 6.1%; LIGIE 87.03 20% to 2025, 50% from 2026 (unconfirmed)."""
    vehicle = {"model": "US car", "hs_code": "8703.23", "assembly_country": "US", "net_cost": 10000,
               "transaction_value": 20000, "annual_volume": 10, "production_date": "2026-02-01"}
    bom = roo_calc.load_bom(make_bom(vehicle=vehicle, lines=LINES))
    usmca = roo_calc.load_regime("usmca-2020")
    ca = roo_calc.evaluate(bom, usmca, import_into="CA").duty_exposure
    assert (ca.import_into, ca.rate, ca.per_vehicle_cents, ca.per_year_cents) == ("CA", "6.1", 122000, 1220000)
    mx = roo_calc.evaluate(bom, usmca, import_into="MX").duty_exposure
    assert mx.rate == "50" and "UNCONFIRMED" in mx.rate_citation
    mx_2025 = roo_calc.evaluate(bom, usmca, as_of=datetime.date(2025, 6, 1), import_into="MX").duty_exposure
    assert mx_2025.rate == "20"
    out = runner.invoke(app, ["evaluate", str(bom.path), "--import-into", "CA", "--regime", "usmca-2020"]).output
    assert "duty exposure (import into CA, general rate 6.1%)" in out


def test_road_tractor_duty_exposure_in_the_us(make_bom):
    """HTSUS 8701.21-8701.29, road tractors for semi-trailers, general rate 4%."""
    vehicle = {"model": "Tractor", "hs_code": "8701.21", "vehicle_type": "heavy_truck", "assembly_country": "MX",
               "net_cost": 90000, "transaction_value": 100000, "production_date": "2026-02-01"}
    bom = roo_calc.load_bom(make_bom(vehicle=vehicle, lines=LINES))
    exposure = roo_calc.evaluate(bom, roo_calc.load_regime("usmca-2020")).duty_exposure
    assert exposure.rate == "4" and exposure.per_vehicle_cents == 400000


def test_tariffs_do_not_import_determine():
    """Issue 9: no determine <-> tariffs cycle; the qualifying verdicts come in through the Context."""
    source = (Path(roo_calc.__file__).parent / "engine" / "tariffs.py").read_text()
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert "roo_calc.engine.determine" not in imported


PARTS = [  # (hs, origin, usmca_originating): covered/not covered, imported/US-made, CA/MX certified or not, a deal country
    ("8407.34", "CN", None), ("8708.40", "MX", "Y"), ("8708.40", "MX", None), ("8544.30", "JP", None),
    ("9401.20", "CN", None), ("8511.40", "US", None), ("8507.60", "KR", None), ("8483.40", "DE", None),
]


@pytest.fixture(scope="module")
def parts_bom(tmp_path_factory):
    from roo_calc.bom.template import write_workbook

    path = tmp_path_factory.mktemp("parts") / "parts.xlsx"
    lines = [{"part_number": f"P{i}", "hs_code": hs, "value": 100, "origin_country": origin,
              **({"usmca_originating": flag} if flag else {})} for i, (hs, origin, flag) in enumerate(PARTS)]
    write_workbook(path, {"model": "US car", "hs_code": "8703.23", "assembly_country": "US", "net_cost": 10000}, lines, ())
    return roo_calc.load_bom(path)


@given(values=st.lists(st.integers(0, 10**8), min_size=len(PARTS), max_size=len(PARTS)),
       msrp=st.integers(1, 10**9), volume=st.integers(1, 500_000),
       on=st.dates(datetime.date(2025, 5, 3), datetime.date(2031, 1, 1)))
@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_parts_tariff_invariants(parts_bom, values, msrp, volume, on):
    """10908 cl.(1), (4); 10984 cl.(11): liability line by line; offset never above it; yearly = exact multiples."""
    lines = parts_bom.lines.assign(value_cents=values)
    vehicle = parts_bom.vehicle.model_copy(update={"msrp_cents": msrp, "annual_volume": volume})
    bom = parts_bom.model_copy(update={"lines": lines, "vehicle": vehicle})
    f = evaluate(bom, REGIMES["us-section-232-2025"], on, REGIMES).requirements[1].figures
    mfn = Fraction(5, 2)  # the rule file's (unconfirmed) 2.5% for 8407/8708 parts; 0 on file for the others
    expected = Fraction(0)
    for (hs, origin, flag), value in zip(PARTS, values):
        if hs.startswith("9401") or origin == "US" or (origin == "MX" and flag == "Y"):
            continue
        deal = {"JP": datetime.date(2025, 9, 16), "KR": datetime.date(2025, 11, 1), "DE": datetime.date(2025, 8, 1)}.get(origin)
        part_mfn = mfn if hs.startswith(("8407", "8708")) else Fraction(0)
        rate = (15 - part_mfn) if deal and on >= deal else Fraction(25)
        expected += Fraction(value) * rate / 100
    assert f["liability"] == expected
    assert 0 <= f["offset_applied"] <= min(f["offset_accrued"], f["liability"])
    assert f["duty"] == f["liability"] - f["offset_applied"]
    assert f["offset_accrued"] == (Fraction(msrp) * Fraction(375, 10000) if on <= datetime.date(2030, 4, 30) else 0)
    assert f["liability_per_year"] == f["liability"] * volume and f["duty_per_year"] == f["duty"] * volume


PASSING = {"model": "Pass", "hs_code": "8703.23", "assembly_country": "MX", "net_cost": 10000, "transaction_value": 20000,
           "production_date": "2025-09-01", "entry_date": "2025-11-05", "annual_volume": 1000,
           "steel_purchases": 1000, "steel_purchases_originating": 700, "aluminum_purchases": 1000,
           "aluminum_purchases_originating": 700, "lvc_high_wage_labor": 1000, "lvc_high_wage_materials": 1500,
           "lvc_technology_points": 10, "lvc_assembly_points": 5}
PASSING_LINES = [{"part_number": "E", "hs_code": "8408.20", "value": 3000, "origin_country": "US", "usmca_originating": "Y"},
                 {"part_number": "X", "hs_code": "8544.30", "value": 3000, "origin_country": "CN"}]


CAR_LINES = [{"part_number": "E", "hs_code": "8407.34", "value": 3000, "origin_country": "US", "usmca_originating": "Y"},
             {"part_number": "B", "hs_code": "8708.29", "value": 1000, "origin_country": "MX", "usmca_originating": "Y",
              "core_part_group": "body_chassis"},
             {"part_number": "X", "hs_code": "8544.30", "value": 2500, "origin_country": "CN"}]


def _section_232(make_bom, lines=PASSING_LINES, **vehicle):
    bom = roo_calc.load_bom(make_bom(vehicle={**PASSING, **vehicle}, lines=lines))
    return evaluate(bom, REGIMES["us-section-232-2025"], datetime.date(2025, 9, 1), REGIMES)


def test_an_originating_bus_enters_free_of_column_1_duty(make_bom):
    """Proclamation 10984 cl.(1): 10% on buses of 8702, and cl.(2) gives non-US-content treatment to
    MHDVs "except for buses": the 10% is on the full value.  EO 14289 s.4(b) keeps column 1
    duties, but a USMCA-originating good owes none (19 U.S.C. 4531, General Note 11): origin, not
    the non-US-content class, decides the column 1 duty."""
    result = _section_232(make_bom, hs_code="8702.10", transaction_value=200000, persons=12)
    usmca = evaluate(roo_calc.load_bom(make_bom(vehicle={**PASSING, "hs_code": "8702.10", "persons": 12}, lines=PASSING_LINES)),
                     REGIMES["usmca-2020"], datetime.date(2025, 9, 1))
    assert usmca.status == "eligible"
    duty = result.requirements[0]
    assert duty.figures["dutiable_value"] == 20000000 and duty.figures["duty"] == 2000000  # 10% of the full value
    assert duty.figures["mfn_duty"] == 0 and duty.figures["total_duty"] == 2000000
    assert "column 1 duty follows origin: USMCA-qualifying" in duty.reason
    out = runner.invoke(app, ["evaluate", str(make_bom(vehicle={**PASSING, "hs_code": "8702.10", "transaction_value": 200000,
                                                               "persons": 12}, lines=PASSING_LINES)),
                              "-r", "usmca-2020", "-r", "us-section-232-2025"]).output
    assert "column 1 duty 0.00 (USMCA-originating: free of the general rate 2%)" in out


def test_a_non_originating_bus_pays_column_1_duty(make_bom):
    """The same bus made with a Chinese engine fails USMCA: 2% column 1 duty on top of the 10%."""
    lines = [{**PASSING_LINES[0], "origin_country": "CN", "usmca_originating": None}, PASSING_LINES[1]]
    bom = roo_calc.load_bom(make_bom(vehicle={**PASSING, "hs_code": "8702.10", "transaction_value": 200000, "persons": 12},
                                     lines=lines))
    duty = evaluate(bom, REGIMES["us-section-232-2025"], datetime.date(2025, 9, 1), REGIMES).requirements[0]
    assert duty.figures["mfn_duty"] == 400000 and duty.figures["total_duty"] == 2400000


def test_heavy_truck_non_us_content_lines_cite_proclamation_10984(make_bom):
    """Proclamation 10984 cl.(2) grants non-US-content treatment to USMCA MHDVs; 10908 cl.(2) is for
    automobiles (passenger vehicles and light trucks).  Each dutiable line cites its own clause."""
    truck = _section_232(make_bom, hs_code="8704.23", assembly_country="CA", lvc_high_wage_labor=2000,
                         lvc_high_wage_materials=1000).requirements[0]
    assert truck.figures["usmca_qualifying"] == "yes"
    assert {d.basis for d in truck.drivers} == {"non-US content (dutiable, Proclamation 10984 cl.(2))"}
    car = _section_232(make_bom, CAR_LINES).requirements[0]
    assert car.figures["usmca_qualifying"] == "yes", car.reason
    assert {d.basis for d in car.drivers} == {"non-US content (dutiable, Proclamation 10908 cl.(2))"}


def test_a_vehicle_that_cannot_qualify_is_not_described_as_if_it_might(make_bom):
    """A GB-assembled car can never be USMCA-qualifying: with the UK quota open (EO of 16 June 2025
    s.2(a)) the text names only in quota / out of quota, never "if not USMCA-qualifying"."""
    path = make_bom(vehicle={**PASSING, "assembly_country": "GB", "entry_date": "2025-10-01"}, lines=PASSING_LINES)
    out = runner.invoke(app, ["evaluate", str(path), "-r", "us-section-232-2025"]).output
    assert "if in quota: duty 1,500.00 USD" in out and "if out of quota: duty 5,000.00 USD" in out
    assert "USMCA-qualifying (on" not in out


def test_parts_of_a_us_heavy_truck_are_taxed_as_automobile_parts_before_proclamation_10984(make_bom):
    """Proclamation 10908 cl.(1) taxes "all imports of articles specified in Annex I" (automobile
    parts, from 2025-05-03), whatever they go into; 10984 cl.(1) adds MHDV parts from 2025-11-01.
    A Japanese 8408.20 engine (on the covered list) for a US-assembled road tractor entered on
    2025-10-01 owes the 10908 duty, at Japan's all-in 15% less its 2.5% column 1 rate (EO of
    4 Sept 2025 s.4(a)); there is no MHDV offset before 2025-11-01 (10984 cl.(4)(a))."""
    truck = {**PASSING, "hs_code": "8701.21", "assembly_country": "US", "production_date": "2025-10-01",
             "entry_date": "2025-10-01", "net_cost": 100000, "transaction_value": 150000}
    lines = [{"part_number": "E", "hs_code": "8408.20", "value": 20000, "origin_country": "JP"},
             {"part_number": "X", "hs_code": "8544.30", "value": 1000, "origin_country": "CN"}]
    bom = roo_calc.load_bom(make_bom(vehicle=truck, lines=lines))
    (parts,) = [r for r in evaluate(bom, REGIMES["us-section-232-2025"], datetime.date(2025, 10, 1), REGIMES).requirements
                if r.id == "parts_232"]
    assert parts.status == "duty" and "10908" in parts.threshold_citation
    assert parts.figures["liability"] == 250000 + 25000  # 12.5% x 20,000 + 25% x 1,000
    assert parts.figures["offset_applied"] == 0 and "no offset for vehicles assembled before 2025-11-01" in parts.reason
