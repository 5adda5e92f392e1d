"""Averaging across a fleet, checked against hand-computed sums (NAFTA UR s.11; USMCA UR s.16)."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_VEHICLE, SAMPLES

runner = CliRunner()


def test_volume_weighted_rvc_matches_hand_sums(make_bom, tmp_path):
    # A: NC 10,000, VNM 3,000 (RVC 70%), 3,000 a year.  B: NC 20,000, VNM 2,000 (RVC 90%), 1,000 a year.
    # Averaged: (3,000 x 7,000 + 1,000 x 18,000) / (3,000 x 10,000 + 1,000 x 20,000) = 39,000 / 50,000 = 78%.
    a = make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 3000, "plant": "P1"},
                 lines=[{"part_number": "T", "hs_code": "8708.40", "value": 3000, "origin_country": "JP"}], name="a.xlsx")
    b = make_bom(vehicle={**BASE_VEHICLE, "net_cost": 20000, "annual_volume": 1000, "plant": "P1"},
                 lines=[{"part_number": "T", "hs_code": "8708.40", "value": 2000, "origin_country": "JP"}], name="b.xlsx")
    out = runner.invoke(app, ["evaluate", str(a), str(b), "--average-by", "model-line", "-r", "usmca-2020", "-f", "json",
                              "--as-of", "2024-01-01"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [v["results"][0]["requirements"][0]["value"] for v in data["vehicles"]] == ["70.0000", "90.0000"]
    (avg,) = data["averages"]
    rvc = avg["result"]["requirements"][0]
    assert rvc["value"] == "78.0000" and rvc["status"] == "pass"
    assert rvc["figures"]["net_cost"] == "50000000.00" and rvc["figures"]["vnm"] == "11000000.00"  # annual totals
    assert avg["annual_volume"] == 4000 and "s.16(1)(c)" in avg["citation"]


def test_fleet_workbook_and_regime_without_averaging():
    out = runner.invoke(app, ["evaluate", str(SAMPLES / "fleet" / "aurora-fleet.xlsx"), "--average-by", "model-line",
                              "-r", "usmca-2020", "-r", "us-proposal-2017", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert len(data["vehicles"]) == 2
    by_regime = {a["regime"]: a for a in data["averages"]}
    # The LX trim passes alone and the base trim fails; their volume-weighted average fails on core parts, the
    # super-core counting what the parts' stated regional contents leave non-originating (UR 14(10)(a), 16(10)).
    average = by_regime["usmca-2020"]["result"]
    assert average["status"] == "not_eligible"
    assert [r["id"] for r in average["requirements"] if r["status"] == "fail"] == ["core_parts"]
    assert by_regime["usmca-2020"]["annual_volume"] == 300000
    assert "does not allow averaging" in by_regime["us-proposal-2017"]["note"]
    alone = [next(r for r in v["results"] if r["regime"] == "usmca-2020")["status"] for v in data["vehicles"]]
    assert sorted(alone) == ["eligible", "not_eligible"]


def test_fleet_workbook_errors_are_located(tmp_path):
    path = tmp_path / "fleet.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Fleet"
    book.active.append(["bom_file", "annual_volume"])
    book.active.append(["x.xlsx", -5])
    book.save(path)
    out = runner.invoke(app, ["evaluate", str(path)])
    assert out.exit_code == 2 and f"{path}:Fleet!B2: annual_volume: expected a whole number above 0" in out.output


def test_one_workbook_given_twice_is_refused_when_averaging():
    """UR s.16 averages over the vehicles produced: the same BOM twice would weigh its volume twice."""
    bom = SAMPLES / "compact-sedan-mx.xlsx"
    out = runner.invoke(app, ["evaluate", str(bom), str(SAMPLES / ".." / "sample_boms" / bom.name),
                              "--average-by", "model-line", "-r", "usmca-2020"])
    assert out.exit_code == 2, out.output
    assert "the same workbook as" in out.output


def test_averaged_assumptions_name_the_workbook_of_each_row(make_bom):
    """Averaged lines come from several workbooks whose row numbers overlap: each assumption of an
    averaged result says which workbook's rows it is about."""
    regional = {"part_number": "R", "hs_code": "8708.29", "value": 1000, "origin_country": "MX"}  # no certification on file
    imported = {"part_number": "T", "hs_code": "8708.40", "value": 500, "origin_country": "JP"}
    a = make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 3000, "plant": "P1"}, lines=[regional, imported], name="a.xlsx")
    b = make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 1000, "plant": "P1"}, lines=[imported, regional], name="b.xlsx")
    out = runner.invoke(app, ["evaluate", str(a), str(b), "--average-by", "model-line", "-r", "usmca-2020", "-f", "json",
                              "--as-of", "2024-01-01"])
    assert out.exit_code == 0, out.output
    (avg,) = json.loads(out.output)["averages"]
    (uncertified,) = [x for x in avg["result"]["assumptions"] if x["code"] == "uncertified-regional"]
    assert uncertified["where"] == [{"file": str(a), "rows": [2]}, {"file": str(b), "rows": [3]}]
    sources = avg["row_sources"]
    assert [sources[str(r)] for r in uncertified["rows"]] == [{"file": str(a), "row": 2}, {"file": str(b), "row": 3}]


def _diesel_and_petrol(make_bom):
    """A model line of a petrol passenger car (non-originating engine: core parts fail) and its diesel
    variant, an "other vehicle" of USMCA UR 20(2)(b) at 62.5% RVC (the review's repro_fleet_order.py)."""
    petrol = make_bom(vehicle={**BASE_VEHICLE, "model": "Car", "plant": "P1", "annual_volume": 9000},
                      lines=[{"part_number": "E1", "hs_code": "8407.34", "value": 3000, "origin_country": "JP"},
                             {"part_number": "X1", "hs_code": "8544.30", "value": 1000, "origin_country": "CN"}], name="petrol.xlsx")
    diesel = make_bom(vehicle={**BASE_VEHICLE, "model": "Car", "hs_code": "8703.32", "plant": "P1", "annual_volume": 1000},
                      lines=[{"part_number": "E1", "hs_code": "8408.20", "value": 3000, "origin_country": "US",
                              "usmca_originating": "Y"},
                             {"part_number": "X1", "hs_code": "8544.30", "value": 1000, "origin_country": "CN"}], name="diesel.xlsx")
    return petrol, diesel


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_vehicles_of_different_classes_are_averaged_apart_whatever_the_order(make_bom, order):
    """USMCA UR 16(1) averages passenger vehicles and trucks, 16(2) apart where the RVC requirement
    differs, and other vehicles average under 20(6): a passenger car and its diesel variant are never
    one average, and the file order changes nothing (before: the group was judged as whichever BOM came first)."""
    files = _diesel_and_petrol(make_bom)
    out = runner.invoke(app, ["evaluate", *(str(files[i]) for i in order), "--average-by", "model-line",
                              "-r", "usmca-2020", "-f", "json", "--as-of", "2025-09-01"])
    assert out.exit_code == 0, out.output
    averages = {a["category"][0]: a for a in json.loads(out.output)["averages"]}
    assert set(averages) == {"passenger_vehicle", "other_vehicle"}
    petrol, diesel = averages["passenger_vehicle"], averages["other_vehicle"]
    assert petrol["annual_volume"] == 9000 and petrol["result"]["status"] == "not_eligible"
    assert diesel["annual_volume"] == 1000 and diesel["result"]["status"] == "eligible"
    assert "s.16(1)(c)" in petrol["citation"] and "s.20(6)(c)" in diesel["citation"]


def test_averages_do_not_depend_on_the_order_of_the_files(make_bom):
    """Within one class too, every ordering of the same vehicles gives the same averages."""
    import itertools

    boms = [make_bom(vehicle={**BASE_VEHICLE, "net_cost": 10000 + 1000 * i, "annual_volume": 1000 * (i + 1), "plant": "P1"},
                     lines=[{"part_number": "T", "hs_code": "8708.40", "value": 2500 + 500 * i, "origin_country": "JP"}],
                     name=f"trim{i}.xlsx") for i in range(3)]
    seen = set()
    for order in itertools.permutations(boms):
        out = runner.invoke(app, ["evaluate", *map(str, order), "--average-by", "model-line", "-r", "usmca-2020",
                                  "-f", "json", "--as-of", "2024-01-01"])
        assert out.exit_code == 0, out.output
        seen.add(json.dumps(json.loads(out.output)["averages"], sort_keys=True))
    assert len(seen) == 1


def test_vehicles_costed_in_different_currencies_are_not_added(make_bom):
    """A USD trim (RVC 58%) and a CAD trim (90%) of one model line: adding their amounts as one
    currency gave ELIGIBLE 76.38%, the true average in USD is 74% (review repro_fleet_ccy.py)."""
    usd = make_bom(vehicle={**BASE_VEHICLE, "model": "Car", "annual_volume": 1000},
                   lines=[{"part_number": "X1", "hs_code": "8544.30", "value": 4200, "origin_country": "CN"}], name="usd.xlsx")
    cad = make_bom(vehicle={**BASE_VEHICLE, "model": "Car", "annual_volume": 1000, "currency": "CAD", "net_cost": 13500},
                   lines=[{"part_number": "X1", "hs_code": "8544.30", "value": 1350, "origin_country": "CN"}], name="cad.xlsx")
    out = runner.invoke(app, ["evaluate", str(usd), str(cad), "--average-by", "model-line", "-r", "usmca-2020"])
    assert out.exit_code == 2, out.output
    assert f"CAD: {cad}; USD: {usd}" in out.output and "different currencies" in out.output


def test_averaged_money_says_what_it_is(make_bom):
    """The averaged figures are the group's annual totals: the JSON says so and gives each file's
    annual volume as its weight."""
    a = make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 3000, "plant": "P1"}, name="a.xlsx")
    b = make_bom(vehicle={**BASE_VEHICLE, "net_cost": 20000, "annual_volume": 1000, "plant": "P1"}, name="b.xlsx")
    out = runner.invoke(app, ["evaluate", str(a), str(b), "--average-by", "model-line", "-r", "usmca-2020", "-f", "json",
                              "--as-of", "2024-01-01"])
    (avg,) = json.loads(out.output)["averages"]
    assert avg["result"]["requirements"][0]["figures"]["net_cost"] == "50000000.00"  # 3,000 x 10,000 + 1,000 x 20,000
    amounts = avg["amounts"]
    assert amounts["weights"] == [{"file": str(a), "weight": 3000}, {"file": str(b), "weight": 1000}]
    assert amounts["annual_factor"] == 1 and "annual totals for the 4,000 vehicles a year" in amounts["basis"]


@pytest.mark.parametrize("second_volume", [3000, 3001])
def test_averaged_money_figures_are_annual_totals_by_hand(make_bom, tmp_path, second_volume):
    """Every money figure of an average is the group's annual total, recomputed here by hand from the
    BOMs and volumes. They were sums weighted by volume / gcd(volumes), a factor never printed: with
    volumes 1,000 and 3,000 net_cost showed 95,000.00 (true total 95,000,000.00; review round 2,
    fleet_figures_scaled.py), with 1,000 and 3,001 another scale."""
    from decimal import Decimal

    volumes = (1000, second_volume)
    lines_a = [{"part_number": "S", "hs_code": "9401.20", "quantity": 2, "unit_value": 500, "origin_country": "JP"},
               {"part_number": "W", "hs_code": "8708.70", "quantity": 4, "unit_value": 200, "origin_country": "CN"}]
    lines_b = [{"part_number": "S", "hs_code": "9401.20", "quantity": 2, "unit_value": 3000, "origin_country": "JP"},
               {"part_number": "W", "hs_code": "8708.70", "quantity": 4, "unit_value": 200, "origin_country": "CN"}]
    a = make_bom(vehicle={**BASE_VEHICLE, "net_cost": 20000, "annual_volume": volumes[0], "plant": "P1"}, lines=lines_a,
                 name="a.xlsx")
    b = make_bom(vehicle={**BASE_VEHICLE, "net_cost": 25000, "annual_volume": volumes[1], "plant": "P1"}, lines=lines_b,
                 name="b.xlsx")
    args = ["evaluate", str(a), str(b), "--average-by", "model-line", "-r", "usmca-2020", "--as-of", "2024-01-01"]
    out = runner.invoke(app, [*args, "-f", "json"])
    assert out.exit_code == 0, out.output
    (avg,) = json.loads(out.output)["averages"]
    rvc = next(r for r in avg["result"]["requirements"] if r["id"] == "rvc")
    net_cost = 20000 * volumes[0] + 25000 * volumes[1]
    vnm = (2 * 500 + 4 * 200) * volumes[0] + (2 * 3000 + 4 * 200) * volumes[1]  # every line non-originating
    assert Decimal(rvc["figures"]["net_cost"]) == net_cost
    assert Decimal(rvc["figures"]["vnm"]) == vnm
    assert Decimal(rvc["figures"]["vnm_allowed"]) == Decimal(net_cost) * (100 - Decimal(rvc["threshold"])) / 100
    values = {(avg["row_sources"][str(line["row"])]["file"], line["part_number"].split(" / ")[1]): Decimal(line["value"])
              for line in rvc["lines"]}
    assert values == {(str(a), "S"): 1000 * volumes[0], (str(a), "W"): 800 * volumes[0],
                      (str(b), "S"): 6000 * volumes[1], (str(b), "W"): 800 * volumes[1]}
    assert Decimal(rvc["value"]) == (Decimal(100) * (net_cost - vnm) / net_cost).quantize(Decimal("0.0001"), "ROUND_DOWN")
    said = f"money figures are annual totals for the {sum(volumes):,} vehicles a year of the group"
    assert said in avg["amounts"]["basis"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0 and said in text.output, text.output
    report = tmp_path / "fleet-report.xlsx"
    assert runner.invoke(app, [*args, "--output", str(report)]).exit_code == 0
    sheet = openpyxl.load_workbook(report)["Averages"]
    assert sheet.cell(3, 12).value == "Money figures" and said in sheet.cell(4, 12).value


def test_averaging_keeps_each_vehicles_self_produced_parts(make_bom):
    """A multi-level BOM averaged with a copy of itself gives its own figures: the average keeps each
    vehicle's make lines and the materials below them (a self-produced engine is measured by its own
    net cost, UR 14(7)), instead of losing them when the lines are renumbered."""
    from tests.test_bom_structure import COLUMNS, TREE, VEHICLE

    vehicle = {**VEHICLE, "annual_volume": 1000, "plant": "P1"}
    paths = [make_bom(vehicle=vehicle, lines=TREE, bom_columns=COLUMNS, name=f"tree{i}.xlsx") for i in (1, 2)]
    alone = runner.invoke(app, ["evaluate", str(paths[0]), "-r", "usmca-2020", "-f", "json"])
    both = runner.invoke(app, ["evaluate", *map(str, paths), "--average-by", "model-line", "-r", "usmca-2020", "-f", "json"])
    assert alone.exit_code == 0 and both.exit_code == 0, alone.output + both.output
    single = {r["id"]: r["value"] for r in json.loads(alone.output)["results"][0]["requirements"]}
    (average,) = json.loads(both.output)["averages"]
    averaged = {r["id"]: r["value"] for r in average["result"]["requirements"]}
    assert averaged == single
    assert "core_parts" in single


def _fleet(path, rows):
    book = openpyxl.Workbook()
    book.active.title = "Fleet"
    book.active.append(["bom_file", "annual_volume"])
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


@pytest.mark.parametrize("extra", [[], ["--as-of", "2024-01-01", "--average-by", "model-line"]])
def test_fleet_sheet_with_only_its_header_is_a_located_error(tmp_path, extra):
    """Before: a header-only Fleet sheet crashed (exit 1, max() of an empty sequence), or with
    --average-by exited 0 with an empty report."""
    path = _fleet(tmp_path / "fleet.xlsx", [])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", *extra, "--output", str(tmp_path / "r.xlsx")])
    assert out.exit_code == 2, out.output
    assert f"{path}:Fleet!A2: expected at least one row below the header naming a BOM workbook" in out.output
    assert not (tmp_path / "r.xlsx").exists()


def test_fleet_problems_are_all_reported_in_one_pass_at_their_rows(make_bom, tmp_path):
    """A missing file, a bad volume, a volume with no bom_file, a BOM listed twice and a broken
    listed BOM are all reported at once; the broken BOM's error names the Fleet row that listed it.
    Before: the first kind found stopped the run, and a row with a volume but no file was skipped."""
    make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 3000, "plant": "P1"}, name="a.xlsx")
    make_bom(vehicle={**BASE_VEHICLE, "hs_code": None}, name="broken.xlsx")
    path = _fleet(tmp_path / "fleet.xlsx", [("missing.xlsx", 5), ("a.xlsx", -3), (None, 50000), ("broken.xlsx", 10),
                                            ("a.xlsx", 7)])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--average-by", "model-line"])
    assert out.exit_code == 2, out.output
    assert f"{path}:Fleet!A2: bom_file: expected a BOM workbook, found no such file 'missing.xlsx'" in out.output
    assert f"{path}:Fleet!B3: annual_volume: expected a whole number above 0, found -3" in out.output
    assert f"{path}:Fleet!A4: bom_file: expected the BOM workbook of this row, found it blank (the row holds 50000)" in out.output
    assert f"{path}:Fleet!A6: the same workbook as" in out.output
    broken = [line for line in out.output.splitlines() if "broken.xlsx:Vehicle" in line]
    assert broken and all(line.endswith(f"(BOM listed at {path}:Fleet!A5)") for line in broken), out.output
    assert "5 error(s)" in out.output


def test_fleet_volume_that_contradicts_the_vehicle_sheet_is_reported(make_bom, tmp_path):
    """The fleet row's annual_volume is used for the average (the fleet workbook is the list made for
    this averaging) and a warning at the Fleet cell names both figures. Before: it won silently."""
    make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 180000, "plant": "P1"}, name="a.xlsx")
    make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 1000, "plant": "P1"}, name="b.xlsx")
    path = _fleet(tmp_path / "fleet.xlsx", [("a.xlsx", 120000), ("b.xlsx", 1000)])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--average-by", "model-line", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["averages"][0]["annual_volume"] == 121000
    first, second = data["vehicles"]
    assert second["warnings"] == []
    assert any(f"{path}:Fleet!B2: warning: annual_volume: the fleet workbook gives 120,000" in w
               and "Vehicle sheet gives 180,000; the averages use 120,000" in w for w in first["warnings"]), first["warnings"]
    text = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--average-by", "model-line"]).output
    assert f"warning: {path}:Fleet!B2: annual_volume: the fleet workbook gives 120,000" in text
    report = tmp_path / "fleet-report.xlsx"
    assert runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--average-by", "model-line",
                               "--output", str(report)]).exit_code == 0
    volumes = [sheet["B6"].value for sheet in openpyxl.load_workbook(report).worksheets if sheet["A6"].value == "Annual volume"]
    assert any(v.startswith("120,000 (warning: ") and "Vehicle sheet gives 180,000" in v for v in volumes), volumes


def test_every_vehicle_without_a_volume_is_named_at_once_where_its_volume_belongs(make_bom, tmp_path):
    """Before: averaging stopped at the first vehicle without annual_volume, with an unlocated message."""
    make_bom(vehicle={**BASE_VEHICLE, "plant": "P1"}, name="a.xlsx")
    make_bom(vehicle={**BASE_VEHICLE, "plant": "P1"}, name="b.xlsx")
    path = _fleet(tmp_path / "fleet.xlsx", [("a.xlsx", None), ("b.xlsx", None)])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "--average-by", "model-line"])
    assert out.exit_code == 2, out.output
    for cell, name in (("B2", "a.xlsx"), ("B3", "b.xlsx")):
        assert f"{path}:Fleet!{cell}: annual_volume: averaging (--average-by) weighs each vehicle by its annual volume; " \
               f"expected it for {tmp_path / name} in this cell or on its Vehicle sheet, found neither" in out.output
    given = runner.invoke(app, ["evaluate", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx"), "-r", "usmca-2020",
                                "--average-by", "model-line"])
    assert given.exit_code == 2 and given.output.count(":Vehicle!") == 2, given.output


def test_validate_checks_a_fleet_workbook_and_every_bom_it_lists(make_bom, tmp_path):
    """Before: validate read a fleet workbook as a BOM ('expected a sheet named Vehicle')."""
    make_bom(vehicle={**BASE_VEHICLE, "annual_volume": 180000, "plant": "P1"}, name="a.xlsx")
    make_bom(vehicle={**BASE_VEHICLE, "hs_code": None}, name="broken.xlsx")
    bad = _fleet(tmp_path / "bad.xlsx", [("a.xlsx", 120000), ("broken.xlsx", None), (None, 5)])
    out = runner.invoke(app, ["validate", str(bad)])
    assert out.exit_code == 2, out.output
    assert f"{bad}:Fleet!A4: bom_file: expected the BOM workbook of this row" in out.output
    assert f"(BOM listed at {bad}:Fleet!A3)" in out.output and "expected a sheet named 'Vehicle'" not in out.output
    good = _fleet(tmp_path / "good.xlsx", [("a.xlsx", 120000)])
    out = runner.invoke(app, ["validate", str(good)])
    assert out.exit_code == 0, out.output
    assert f"{good}:Fleet!B2: warning: annual_volume: the fleet workbook gives 120,000" in out.output
    assert f"{good}:Fleet!A2: {tmp_path / 'a.xlsx'} - Test car, annual volume 120,000" in out.output


FLEET_BOOK = SAMPLES / "fleet" / "aurora-fleet.xlsx"
ONE_BOM_COMMANDS = {
    "advise": ["-r", "usmca-2020"],
    "compare": [],
    "certify": ["-r", "usmca-2020", "-o", "{out}/certificate.xlsx"],
    "solicit": ["-o", "{out}/requests"],
}


@pytest.mark.parametrize("command", sorted(ONE_BOM_COMMANDS))
def test_a_fleet_workbook_given_to_a_one_bom_command_is_named_as_such(tmp_path, command):
    """Before, advise/compare/certify/solicit said only "expected a sheet named 'Vehicle', found
    sheets 'Fleet'": one line now says it is a fleet workbook and which commands take one."""
    options = [o.format(out=tmp_path) for o in ONE_BOM_COMMANDS[command]]
    out = runner.invoke(app, [command, str(FLEET_BOOK), *options])
    assert out.exit_code == 2, out.output
    errors = [line for line in out.output.splitlines() if line.startswith(str(FLEET_BOOK))]
    assert errors == [f"{FLEET_BOOK}:Fleet: expected one BOM workbook (sheets 'Vehicle' and 'BOM'), found a fleet workbook "
                      "(sheet 'Fleet' listing BOM files): roo-calc evaluate and roo-calc validate take a fleet workbook; "
                      "here give one BOM workbook, e.g. one its bom_file column lists"], out.output
    assert "Traceback" not in out.output and list(tmp_path.iterdir()) == []


def test_the_python_api_names_every_vehicle_without_a_volume_where_it_belongs(make_bom):
    """`roo_calc.fleet.average` raised an unlocated RooCalcError at the first vehicle without a
    volume; it now raises the CLI's located error (BomError), for every such vehicle at once."""
    import roo_calc
    from roo_calc.errors import BomError
    from roo_calc.fleet import average

    a = roo_calc.load_bom(make_bom(vehicle={**BASE_VEHICLE, "plant": "P1"}, name="a.xlsx"))
    b = roo_calc.load_bom(make_bom(vehicle={**BASE_VEHICLE, "plant": "P1"}, name="b.xlsx"))
    regime = roo_calc.load_regime("usmca-2020")
    with pytest.raises(BomError) as error:
        average([a, b], [regime], date(2024, 6, 1), "model-line")
    assert [(p.file, p.sheet, p.cell) for p in error.value.problems] == [(a.path, "Vehicle", a.vehicle.cells["annual_volume"]),
                                                                         (b.path, "Vehicle", b.vehicle.cells["annual_volume"])]
    assert error.value.problems[0].message.startswith("annual_volume: averaging weighs each vehicle by its annual volume; "
                                                      "expected it on the Vehicle sheet, found it blank")
    [avg] = average([a, b], [regime], date(2024, 6, 1), "model-line", volumes={a.path: 300, b.path: 100})
    assert avg.volume == 400


def test_the_python_api_refuses_volumes_and_vehicles_that_would_weigh_wrongly(make_bom):
    """A negative volume was averaged with a negative weight, a fractional one crashed inside
    math.gcd, and one vehicle given twice weighed twice: each is now refused, naming the argument."""
    import roo_calc
    from roo_calc.fleet import average

    b = roo_calc.load_bom(make_bom(vehicle={**BASE_VEHICLE, "plant": "P1", "annual_volume": 100}, name="b.xlsx"))
    c = roo_calc.load_bom(make_bom(vehicle={**BASE_VEHICLE, "plant": "P1", "annual_volume": 300}, name="c.xlsx"))
    regime = roo_calc.load_regime("usmca-2020")
    on = date(2024, 6, 1)
    for volume in (-5, 0, 2.5, True):
        with pytest.raises(ValueError, match=rf"^volumes\['{b.path}'\]: expected a whole number above 0, found {volume!r}$"):
            average([b, c], [regime], on, "model-line", volumes={b.path: volume})
    with pytest.raises(ValueError, match="^volumes: 'b.xlsx' is the path of no Bom given"):
        average([b, c], [regime], on, "model-line", volumes={"b.xlsx": 100})
    with pytest.raises(ValueError, match=f"^boms: {b.path} is given twice; each vehicle is given once"):
        average([b, c, b], [regime], on, "model-line")
    with pytest.raises(TypeError, match=r"^regimes: expected a list of Regime, found the string 'usmca-2020'; load it first"):
        average([b, c], ["usmca-2020"], on, "model-line")
    with pytest.raises(TypeError, match=r"^boms: expected a list of Bom, found the string"):
        average([b.path], [regime], on, "model-line")
    with pytest.raises(TypeError, match=r"^on: expected a datetime.date, found a datetime; pass its .date\(\)"):
        average([b, c], [regime], datetime(2024, 6, 1), "model-line")


def test_the_python_api_names_import_into_not_the_cli_option():
    import roo_calc

    bom = roo_calc.load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    with pytest.raises(ValueError, match=r"^import_into: expected an ISO alpha-2 country code such as 'US', or None; found 'USA'"):
        roo_calc.evaluate(bom, roo_calc.load_regime("usmca-2020"), import_into="USA")
