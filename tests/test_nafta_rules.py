"""NAFTA rule data as `roo-calc regimes show` prints it: every dated requirement the tracing and
heavy-duty methods use, with its change points (NAFTA UR s.13(1); s.10(1)(d)(iii))."""

from __future__ import annotations

from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()


def test_regimes_show_prints_the_material_requirements_and_their_change_points():
    result = runner.invoke(app, ["regimes", "show", "nafta-1994", "--as-of", "1995-01-01"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()

    def after(label: str) -> str:
        index = next(i for i, line in enumerate(lines) if label in line)
        return lines[index] + "\n" + lines[index + 1]

    other = after("RVC requirement of other Schedule IV materials (9(2)(g))")
    assert ">= 50% (from 1994-01-01) [UNCONFIRMED]" in other and "55% from 1998-01-01" in other and "60% from 2002-01-01" in other
    assert "s.13(1)(b)(iii)" in after("RVC requirement of bearings")
    heavy = after("for heavy-duty vehicles (10(1)(d)(iii))")
    assert "55% from 1998-01-01 (the producer's fiscal year nearest)" in heavy and "60% from 2002-01-01" in heavy
    assert "RVC requirement of 84.07, 84.08, 8708.40 (9(2)(g)): the vehicle's threshold" in result.output


def test_regimes_show_cites_schedule_i_for_the_first_four_years():
    result = runner.invoke(app, ["regimes", "show", "nafta-1994", "--as-of", "1995-01-01"])
    light = next(line for line in result.output.splitlines() if line.strip().startswith("light_duty: >="))
    assert ">= 50% (from 1994-01-01) -" in light and "[UNCONFIRMED]" not in light and "Schedule I, Chapter 87" in light
