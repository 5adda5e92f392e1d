"""The vehicle's dates: an entry before production is refused, located; with no production_date the
report says which date origin was judged on, where it came from, and what rides on it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import BASE_LINES, BASE_VEHICLE

runner = CliRunner()
US_PARTS = [{"part_number": "E1", "hs_code": "8407.34", "value": 3000, "origin_country": "US", "usmca_originating": "Y"},
            {"part_number": "X1", "hs_code": "8544.30", "value": 2500, "origin_country": "CN"}]


def test_entry_before_production_is_a_located_error(make_bom):
    bom = make_bom(vehicle={**BASE_VEHICLE, "production_date": "2025-09-01", "entry_date": "2025-01-01"}, lines=BASE_LINES)
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "us-section-232-2025"])
    assert out.exit_code == 2, out.output
    assert f"{bom}:Vehicle!B6: entry_date: expected on or after production_date (2025-09-01, B4), found 2025-01-01" in out.output


def test_origin_date_without_production_date_says_where_it_came_from(make_bom):
    vehicle = {k: v for k, v in BASE_VEHICLE.items() if k != "production_date"}
    bom = make_bom(vehicle={**vehicle, "entry_date": "2025-11-05", "transaction_value": 20000}, lines=US_PARTS)
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "us-section-232-2025", "--as-of", "2026-11-29"])
    assert out.exit_code == 0, out.output
    assert "origin judged as of 2026-11-29 (the date evaluated: the workbook gives no production_date)" in out.output
    assert "(production)" not in out.output
    data = json.loads(runner.invoke(app, ["evaluate", str(bom), "-r", "us-section-232-2025", "--as-of", "2026-11-29",
                                          "-f", "json"]).output)["results"][0]
    (assumed,) = [a for a in data["assumptions"] if a["code"] == "origin-date-not-given"]
    assert "which is after the entry on 2025-11-05" in assumed["text"] and "give production_date" in assumed["text"]
    assert assumed["rows"] == [2] and assumed["value_at_stake"] == "3000.00"


def test_origin_date_from_production_date_is_labelled_so(make_bom):
    bom = make_bom(vehicle={**BASE_VEHICLE, "production_date": "2025-09-01", "entry_date": "2025-11-05",
                            "transaction_value": 20000}, lines=US_PARTS)
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "us-section-232-2025"])
    assert "origin judged as of 2025-09-01 (production_date)" in out.output and "origin-date" not in out.output
