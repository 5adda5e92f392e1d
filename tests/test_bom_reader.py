"""Reading BOM workbooks that follow the contract (aliases, types, currency, exactness)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import openpyxl

from roo_calc import load_bom
from tests.conftest import BASE_VEHICLE


def test_reads_the_contract(make_bom):
    bom = load_bom(make_bom())
    assert bom.vehicle.net_cost_cents == 1_000_000
    assert bom.vehicle.vehicle_type == "passenger_vehicle" and bom.vehicle.vehicle_type_inferred
    assert bom.vehicle.production_date == datetime.date(2024, 5, 1)
    assert list(bom.lines["part_number"]) == ["00100", "00200"]  # part numbers stay text
    assert list(bom.lines["value_cents"]) == [200_000, 200_000]
    assert list(bom.lines["row"]) == [2, 3]
    assert bom.lines["regional_content_e4"].tolist()[1] == 800_000


def test_aliases_case_and_spacing(make_bom):
    lines = [{"Part No": "A-1", "HTS": "8708.99.81", "Qty": 3, "Unit Cost": 1.1, "Country of Origin": "us",
              "USMCA": "yes", "RVC %": 55}]
    bom = load_bom(make_bom(lines=lines, bom_columns=["Part No", "HTS", "Qty", "Unit Cost", "Country of Origin", "USMCA", "RVC %"]))
    line = bom.lines.iloc[0]
    assert line["hs_code"] == "87089981" and line["origin_country"] == "US"
    assert line["value_cents"] == 330  # 3 x 1.10, exact (no binary float)
    assert bool(line["usmca_originating"]) is True


def test_percent_formatted_cells_read_as_percent(make_bom):
    path = make_bom()
    book = openpyxl.load_workbook(path)
    sheet = book["BOM"]
    col = [c.value for c in sheet[1]].index("regional_content_pct") + 1
    sheet.cell(3, col).value = 0.55
    sheet.cell(3, col).number_format = "0%"
    book.save(path)
    assert load_bom(path).lines["regional_content_e4"].tolist()[1] == 550_000


def test_net_cost_derived_from_total_cost(make_bom):
    vehicle = {k: v for k, v in BASE_VEHICLE.items() if k != "net_cost"}
    vehicle.update(total_cost=12000, royalties=500, sales_promotion_costs=1000.5)
    bom = load_bom(make_bom(vehicle=vehicle))
    assert bom.vehicle.net_cost_cents == 1_049_950 and bom.vehicle.net_cost_derived


def test_currency_conversion_through_fx(make_bom):
    lines = [{"part_number": "J", "hs_code": "8708.40", "value": 100000, "currency": "JPY", "origin_country": "JP"}]
    fx = [{"currency": "JPY", "rate": 0.00705, "date": "2024-01-02", "source": "test"}]
    bom = load_bom(make_bom(lines=lines, fx=fx))
    assert bom.lines["value_cents"].tolist() == [70_500]
    assert bom.fx[0].rate == Decimal("0.00705")


def test_input_file_is_not_modified(make_bom):
    path = make_bom()
    before = path.read_bytes()
    load_bom(path)
    assert path.read_bytes() == before


def test_extra_columns_are_kept_and_ignored(make_bom):
    lines = [{**l, "Buyer note": "x"} for l in [{"part_number": "A", "hs_code": "8708.40", "value": 1, "origin_country": "JP"}]]
    bom = load_bom(make_bom(lines=lines, bom_columns=["part_number", "hs_code", "value", "origin_country", "Buyer note"]))
    assert bom.extra_columns == ("Buyer note",)


def test_title_rows_above_the_header(make_bom):
    """Exports often put a title (and a blank row) above the headers; rows are still located."""
    path = make_bom(lines=[{"part_number": "A", "hs_code": "8708.40", "value": "oops", "origin_country": "JP"}])
    book = openpyxl.load_workbook(path)
    sheet = book["BOM"]
    sheet.insert_rows(1, 2)
    sheet["A1"] = "BOM export, plant 12, printed 2024-05-01"
    book.save(path)
    from roo_calc.errors import BomError

    try:
        load_bom(path)
    except BomError as error:
        messages = [str(p) for p in error.problems]
    assert any("BOM!F4: value: expected a number, found text 'oops'" in m for m in messages), messages
