"""The Vehicle sheet's `persons` (vehicles of heading 87.02): read as a whole number above 0, a
located error otherwise; it decides between USMCA UR 20(2)(a) (15 or fewer, 62.5%) and
20(3)(a)(ii) (16 or more, 60%).  The thresholds themselves are tested in
tests/cases/usmca-2020-other-vehicles.toml."""

from __future__ import annotations

import pytest

from roo_calc import load_bom
from roo_calc.errors import BomError
from tests.conftest import BASE_LINES, BASE_VEHICLE


@pytest.mark.parametrize("persons", [0, 15.5, -3])
def test_persons_must_be_a_whole_number_above_zero(make_bom, persons):
    with pytest.raises(BomError) as info:
        load_bom(make_bom(vehicle={**BASE_VEHICLE, "hs_code": "8702.10", "persons": persons}, lines=BASE_LINES))
    found = [str(p) for p in info.value.problems]
    assert any("Vehicle!B" in p and "persons: expected a whole number of persons above 0" in p for p in found), found


def test_persons_is_read(make_bom):
    bom = load_bom(make_bom(vehicle={**BASE_VEHICLE, "hs_code": "8702.10", "persons": 40}, lines=BASE_LINES))
    assert bom.vehicle.persons == 40


def test_validate_names_persons_for_a_vehicle_of_8702_only(make_bom):
    from typer.testing import CliRunner

    from roo_calc.cli.main import app

    runner = CliRunner()
    bus = make_bom(vehicle={**BASE_VEHICLE, "hs_code": "8702.10"}, lines=BASE_LINES)
    assert "persons (heading 87.02" in runner.invoke(app, ["validate", str(bus)]).output
    car = make_bom(vehicle=BASE_VEHICLE, lines=BASE_LINES)
    assert "persons (heading 87.02" not in runner.invoke(app, ["validate", str(car)]).output
