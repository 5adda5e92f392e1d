"""`advise --margin`: a margin on an "at most" test (USMCA's de minimis) lowers its ceiling; a
requirement that cannot clear its threshold by the margin is named plainly, and no gap line names
an amount the lines cannot move (real sample workbooks)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.advise import advise, resource
from roo_calc.cli.main import app
from roo_calc.engine.determine import evaluate
from roo_calc.numbers import SHARE_ONE
from roo_calc.rules.loader import load_regimes
from tests.conftest import SAMPLES

REGIMES = load_regimes()
runner = CliRunner()
SEDAN = SAMPLES / "compact-sedan-mx.xlsx"


def _advise(*args: str) -> str:
    out = runner.invoke(app, ["advise", str(SEDAN), "-r", "usmca-2020", *args])
    assert out.exit_code == 0, out.output
    return out.output


def test_a_margin_of_10_points_on_the_10_percent_de_minimis_is_met_by_a_share_of_0():
    """At most 10% less 10 points is at most 0%: the sedan's 0.00% meets it exactly."""
    out = _advise("--margin", "10")
    assert "tariff_shift" not in out.split("What each requirement lacks")[1].split("\n\n")[0]
    assert "roo-calc's determination after the change is eligible" in out


def test_a_margin_above_the_de_minimis_is_named_not_an_invented_amount():
    out = _advise("--margin", "10.5")
    assert ("  tariff_shift: cannot be met by sourcing alone: with the 10.50-point margin it asks at most -0.50%, and the "
            "least that certifying or re-sourcing every line can give is 0.00% (they can move 0.00 USD of the 0.00 USD "
            "it counts)") in out
    assert "117.00" not in out
    assert ("no plan with a 10.50-point margin: tariff_shift cannot clear its threshold by that much by certifying or "
            "re-sourcing lines, even every line (what it lacks, above, says why); ask a smaller margin") in out
    assert "21/2" not in out and "Asked: every requirement at least 10.50 points clear" in out
    json_out = runner.invoke(app, ["advise", str(SEDAN), "-r", "usmca-2020", "--margin", "10.5", "-f", "json"]).output
    assert '"margin_points": "10.50"' in json_out


def test_a_margin_beyond_100_percent_names_every_requirement_it_rules_out():
    out = _advise("--margin", "30")
    assert "6,741.41" not in out and "4,348.11" not in out and "4,680.00" not in out
    assert ("  rvc: cannot be met by sourcing alone: with the 30.00-point margin it asks at least 105.00%, and the most "
            "that certifying or re-sourcing every line can give is 100.00% (they can move 5,751.41 USD of the 5,751.41 "
            "USD it counts)") in out
    assert "no plan with a 30.00-point margin: rvc, tariff_shift, core_parts cannot clear their thresholds" in out
    # steel is measured on the Vehicle sheet: 70% + 30 = 100% can still be reached, 101% cannot
    assert "  steel: 320.00 USD of non-originating purchases to make originating" in out
    assert ("  steel: cannot be met: with the 31.00-point margin it asks at least 101.00%, and the figure is never above "
            "100.00%") in _advise("--margin", "31")


@pytest.mark.parametrize("name", ["compact-sedan-mx.xlsx", "suv-ca.xlsx", "heavy-truck-mx.xlsx"])
@pytest.mark.parametrize("margin", [Fraction(0), Fraction(5), Fraction(21, 2), Fraction(25), Fraction(30), Fraction(31)])
def test_every_gap_amount_can_be_moved_by_the_lines_it_names(name, margin):
    """Each amount a gap names is at most what the requirement's lines count now, and re-sourcing
    every line (the plan's best action for each) then clears the margin; a gap without an amount
    is one that re-sourcing every line does not clear."""
    bom = load_bom(SAMPLES / name)
    on = bom.vehicle.production_date
    regime = REGIMES["usmca-2020"]
    plan = advise(bom, regime, on, Fraction(5), known=REGIMES, margin_pts=margin)
    everything = evaluate(resource(bom, bom.lines["row"].tolist(), "US", plan.resource_certified), regime, on, REGIMES)
    before = {r.id: r for r in plan.before.requirements}
    after = {r.id: r for r in everything.requirements}
    for gap in plan.gaps:
        form = before[gap.requirement].form
        if form is None or form.counted is None:
            continue  # not measured on lines
        index = next(k for k, p in enumerate(form.parts) if gap.requirement + (p.label or "") == gap.label)
        part = form.parts[index]
        moved = after[gap.requirement].form
        assert moved is not None and moved.counted is not None
        asked = form.shifted(margin).limit - (form.credit if form.earned is None and form.credit_floor is None else 0)
        reached = moved.parts[index].figure(moved.parts[index].total(moved.counted))
        clears = reached >= asked if form.comparison == "at_least" else reached <= asked
        if gap.cents is not None:
            assert gap.cents <= Fraction(part.total(form.counted), SHARE_ONE), gap
            assert clears or form.earned is not None, gap
        else:
            assert gap.reach is not None and not clears, gap
            assert gap.reach.movable is not None and gap.reach.counted is not None
            assert gap.reach.movable <= gap.reach.counted
