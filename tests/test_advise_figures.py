"""advise's printed money multiplies and adds up: per vehicle x vehicles is the per-year figure,
the lines' costs sum to the plan's, in the text and in JSON (review: 13.89 x 180,000 printed as
2,500,632.00)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import SAMPLES

runner = CliRunner()
ARGS = ["advise", str(SAMPLES / "compact-sedan-mx.xlsx"), "--regime", "usmca-2020", "--premium", "4"]


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_text_figures_multiply_out():
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    out = result.output
    total = re.search(r"total cost of the plan: ([\d,.]+) USD per vehicle, ([\d,.]+) USD a year at ([\d,]+) vehicles", out)
    assert total, out
    per_vehicle, per_year, volume = _amount(total[1]), _amount(total[2]), int(total[3].replace(",", ""))
    assert per_vehicle * volume == per_year
    table = out[out.index("cost\n"):out.index("total cost of the plan")]
    costs = [_amount(line.split()[-1]) for line in table.splitlines()[1:] if line.strip()]
    assert costs and sum(costs) == per_vehicle
    rows = {m[1]: tuple(_amount(x) for x in m.groups()[1:]) for m in re.finditer(
        r"  (per vehicle|per year at [\d,]+ vehicles): duty saved ([\d,.]+), plan cost ([\d,.]+), net saving ([\d,.]+) USD", out)}
    (saved, cost, net), (saved_year, cost_year, net_year) = rows["per vehicle"], rows[f"per year at {volume:,} vehicles"]
    assert cost == per_vehicle and saved - cost == net
    assert (saved * volume, cost * volume, net * volume) == (saved_year, cost_year, net_year)


def test_json_exact_figures_multiply_out():
    result = runner.invoke(app, [*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    volume = 180_000
    assert Decimal(d["total_cost_exact"]) * volume == Decimal(d["total_cost_per_year_exact"])
    assert Decimal(d["duty_saved_per_vehicle_exact"]) * volume == Decimal(d["duty_saved_per_year_exact"])
    assert Decimal(d["net_saving_per_vehicle_exact"]) * volume == Decimal(d["net_saving_per_year_exact"])
    assert sum(Decimal(line["cost_exact"]) for line in d["lines"]) == Decimal(d["total_cost_exact"])
    for key in ("total_cost_per_year", "duty_saved_per_year", "net_saving_per_year", "net_saving_per_vehicle"):
        exact = d[f"{key}_exact"] if key != "total_cost_per_year" else d["total_cost_per_year_exact"]
        assert Decimal(d[key]) == Decimal(exact).quantize(Decimal("0.01")), key
