"""`roo-calc validate`'s summary takes its region and certification policy from the rule files."""

from __future__ import annotations

from roo_calc import load_bom
from roo_calc.report.lint import summary
from roo_calc.rules.loader import load_regimes


def test_validate_summary_reads_region_and_policy_from_the_regimes(make_bom):
    bom = load_bom(make_bom())
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
