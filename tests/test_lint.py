"""`roo-calc validate`'s summary takes its region and certification policy from the rule files."""

from __future__ import annotations

from roo_calc import load_bom
from roo_calc.report.lint import summary
from roo_calc.rules.loader import load_regimes
from tests.conftest import BASE_LINES


def test_validate_summary_reads_region_and_policy_from_the_regimes(make_bom):
    uncertified = {"part_number": "00300", "hs_code": "8708.99", "value": 100, "origin_country": "US"}
    bom = load_bom(make_bom(lines=[*BASE_LINES, uncertified]))
    shipped = summary(bom)
    assert "Materials made in US/CA/MX:" in shipped
    assert shipped.index("USMCA certifications:") < shipped.index("NAFTA certifications:")
    assert "treated as non-originating until certified" in shipped
    usmca = load_regimes()["usmca-2020"]
    narrower = {"usmca-2020": usmca.model_copy(update={"region": ("US", "CA"), "uncertified_regional": "review"})}
    text = summary(bom, narrower)
    assert "Materials made in US/CA:" in text
    assert "USMCA certifications:" in text and "NAFTA certifications" not in text
    assert "origin must be established (needs review)" in text and "treated as non-originating" not in text


def test_validate_says_how_each_regime_counts_uncertified_regional_lines_as_the_engine_does():
    """nafta-1994 traces (UR 9(1), 9(2)(i)): an uncertified NAFTA-made line counts at full value
    only when of a Schedule IV provision, otherwise it adds nothing -- not 'treated as
    non-originating'; us-proposal-2017 assumes its rule file's 0% regional content."""
    import numpy as np

    from roo_calc.engine.determine import evaluate
    from tests.conftest import SAMPLES

    regimes = load_regimes()
    for sample, listed, unlisted in (("suv-ca.xlsx", 0, 9), ("compact-sedan-mx.xlsx", 24, 4)):
        bom = load_bom(SAMPLES / sample)
        nafta = [line for line in summary(bom).splitlines() if line.startswith("NAFTA certifications")][0]
        assert "treated as non-originating" not in nafta, nafta
        assert "under us-proposal-2017, 0% regional content assumed" in nafta
        said = [f"{n} line{'s' if n > 1 else ''} {what}" for n, what in ((listed, "of a Schedule IV provision counted at full value in VNM (NAFTA UR 9(2)(i))"),
                                              (unlisted, "not of a Schedule IV provision taken to hold no traced material"))
                if n]
        assert all(part in nafta for part in said), nafta
        rvc = next(r for r in evaluate(bom, regimes["nafta-1994"], bom.vehicle.production_date).requirements if r.id == "rvc")
        lines = bom.lines
        missing = (lines["nafta_originating"].isna() & lines["origin_country"].isin(["US", "CA", "MX"])).to_numpy()
        basis = np.asarray(rvc.line_basis)[missing]
        assert sum("full value (UR 9(2)(i))" in b for b in basis) == listed
        assert sum("adds nothing (UR 9(1))" in b for b in basis) == unlisted
