"""`compare` with many sourcing scenarios: each cell equals the engine on the edited BOM (batched
regimes and Section 232 alike), and the text report summarises above DETAIL_LIMIT scenarios."""

from __future__ import annotations

from roo_calc import load_bom
from roo_calc.engine.determine import evaluate
from roo_calc.report.compare import DETAIL_LIMIT, render_text
from roo_calc.rules.loader import load_regimes
from roo_calc.scenarios.apply import apply_scenario
from roo_calc.scenarios.compare import compare
from roo_calc.scenarios.model import Scenario
from tests.conftest import SAMPLES


def _resource(name: str, parts: list[str]) -> Scenario:
    return Scenario.model_validate({"name": name, "change": [
        {"select": {"part_number": p}, "set": {"origin_country": "MX", "usmca_originating": "Y", "nafta_originating": "Y",
                                                "regional_content_pct": 100}} for p in parts]})


def test_every_cell_equals_the_engine_on_the_edited_bom():
    bom = load_bom(SAMPLES / "fullsize-pickup-us.xlsx")
    known = load_regimes()
    regimes = list(known.values())
    parts = bom.lines["part_number"].astype(str).tolist()
    scenarios = [_resource(f"s{k}", parts[k::7][:3]) for k in range(7)]
    on = bom.vehicle.production_date
    result = compare(bom, scenarios, regimes, on, known)
    for scenario in scenarios:
        edited = apply_scenario(bom, scenario)
        for regime in regimes:
            alone = evaluate(edited, regime, on, known)
            cell = result.cell(regime.id, scenario.name)
            assert cell.status == cell.result.status == alone.status
            assert [(r.id, r.status, r.value) for r in cell.result.requirements] == \
                [(r.id, r.status, r.value) for r in alone.requirements]


def test_many_scenarios_give_a_true_summary():
    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    known = load_regimes()
    regimes = [known["usmca-2020"], known["nafta-1994"]]
    parts = bom.lines["part_number"].astype(str).tolist()
    count = DETAIL_LIMIT + 20
    scenarios = [_resource(f"s{k}", [parts[k % len(parts)]]) for k in range(count)]
    on = bom.vehicle.production_date
    result = compare(bom, scenarios, regimes, on, known)
    text = render_text(result, on)
    assert f"{count:,} scenarios: a summary" in text
    for regime in regimes:
        base = result.cell(regime.id, "baseline").status
        moved = [s.name for s in scenarios if result.cell(regime.id, s.name).status != base]
        line = next(t for t in text.splitlines() if t.startswith(f"  {regime.id}: baseline "))
        assert line.endswith(f"status moved in {len(moved):,}")
    assert len(text.splitlines()) < count  # not a row per cell


def test_json_of_many_scenarios_is_the_whole_document_in_pieces():
    """Above DETAIL_LIMIT the JSON is written cell by cell, on one line: the same document."""
    import json

    from roo_calc.report.compare import json_text, to_json

    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    known = load_regimes()
    parts = bom.lines["part_number"].astype(str).tolist()
    on = bom.vehicle.production_date
    for count in (3, DETAIL_LIMIT + 1):
        scenarios = [_resource(f"s{k}", [parts[k % len(parts)]]) for k in range(count)]
        result = compare(bom, scenarios, [known["usmca-2020"]], on, known)
        pieces = list(json_text(result, on, extra={"certificate_notes": []}))
        assert json.loads("".join(pieces)) == json.loads(json.dumps({**to_json(result, on), "certificate_notes": []}))
        assert len(pieces) == (1 if count <= DETAIL_LIMIT else len(result.cells) + 2)


def test_changes_that_reach_one_line_twice_merge_as_applied_in_order():
    """Two changes of one scenario reaching the same line: each field comes from the last change
    that sets it (as `apply_scenario` applies them), in the edit table and in every cell."""
    from roo_calc.scenarios.batch import edits_from_scenarios

    bom = load_bom(SAMPLES / "compact-sedan-mx.xlsx")
    known = load_regimes()
    parts = bom.lines["part_number"].astype(str).tolist()
    first, second, third = parts[0], parts[1], parts[2]
    scenarios = [Scenario.model_validate({"name": f"s{k}", "change": changes}) for k, changes in enumerate([
        [{"select": {"part_number": [first, second]}, "set": {"origin_country": "MX", "usmca_originating": "Y"}},
         {"select": {"part_number": first}, "set": {"usmca_originating": "N", "regional_content_pct": 80}}],
        [{"select": {"part_number": third}, "set": {"origin_country": "CA"}}],
        [{"select": {"part_number": [second, first]}, "set": {"usmca_originating": "N", "high_wage": True}},
         {"select": {"part_number": first}, "set": {"usmca_originating": "Y", "origin_country": "US"}},
         {"select": {"part_number": second}, "set": {"nafta_originating": "Y"}}]])]
    edits = edits_from_scenarios(bom, scenarios)
    rows = [(r.scenario, r.line, r.origin_country, r.usmca_originating, r.nafta_originating, r.high_wage, r.regional_content_e4)
            for r in edits.itertuples()]
    assert rows == [(0, 0, "MX", False, None, None, 800_000), (0, 1, "MX", True, None, None, None),
                    (1, 2, "CA", None, None, None, None),
                    (2, 0, "US", True, None, True, None), (2, 1, None, False, True, True, None)]
    on = bom.vehicle.production_date
    result = compare(bom, scenarios, list(known.values()), on, known)
    for scenario in scenarios:
        edited = apply_scenario(bom, scenario)
        for regime in known.values():
            alone = evaluate(edited, regime, on, known)
            cell = result.cell(regime.id, scenario.name)
            assert cell.status == alone.status and [(r.id, r.status, r.value) for r in cell.result.requirements] == \
                [(r.id, r.status, r.value) for r in alone.requirements], (regime.id, scenario.name)
