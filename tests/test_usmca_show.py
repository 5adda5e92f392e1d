"""`roo-calc regimes show` prints the USMCA change points and rules of issue 10's round: the
heavy-truck phase-in to 70% (UR s.13) with the 18(22) credit, the other vehicles of s.20 (buses
by persons, the new-plant rule of 20(8)), and the parts of other vehicles (Tables F and G)."""

from __future__ import annotations

from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()


def test_regimes_show_prints_the_usmca_change_points_and_other_vehicle_rules():
    out = runner.invoke(app, ["regimes", "show", "usmca-2020", "--as-of", "2026-11-29"]).output
    assert "heavy_truck: >= 64% (from 2024-07-01)" in out and "then: 70% from 2027-07-01" in out  # s.13
    assert "excess-LVC credit (heavy_truck)" in out and "until 2027-07-01 inclusive; on 2026-11-29: available [UNCONFIRMED]" in out
    assert "bus: >= 62.5% (from 2020-07-01)" in out and "large_bus: >= 60% (from 2020-07-01)" in out  # 20(2)(a), 20(3)(a)(ii)
    assert "new or refitted plant (other_vehicle, bus, other_heavy_vehicle, large_bus): >= 50% for 5 years" in out  # 20(8)
    assert "Table G: Engines provided for in heading 84.07 or 84.08 [HS 84.07, 84.08]: cast block; cast head" in out
    assert "listed only in part (8-digit or \"ex\" entries; stated content not used): HS 4010.39, 4016.93" in out  # Table F
    assert "except HS 8482.10-8482.80, 8483.20, 8483.30" in out  # 20(3)(c)
    assert "[UNCONFIRMED] the reading of 84.09" in out
