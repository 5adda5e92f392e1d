"""The analyst's real exports (issue 8): an ERP-style BOM read end to end through the CLI, with
its headers mapped by a Columns sheet or a --columns file, every header problem in one pass,
country names read as codes, and the multi-level structure shown in the reports."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from roo_calc import load_bom
from roo_calc.cli.main import app
from roo_calc.errors import BomError
from tests.conftest import BASE_LINES, BASE_VEHICLE
from tests.fixtures import erp_export

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def usmca(data: dict) -> dict:
    return next(r for r in data["results"] if r["regime"] == "usmca-2020")


def test_ignored_certification_column_is_a_warning_in_evaluate(make_bom):
    """The reported failure: a `USMCA Cert (Y/N)` column was ignored without a word, so every line
    counted as uncertified.  Now evaluate says so, in the text and in the JSON warnings."""
    lines = [{**line, "USMCA Cert (Y/N)": line.pop("usmca_originating", None)} for line in (dict(x) for x in BASE_LINES)]
    columns = ["part_number", "hs_code", "quantity", "unit_value", "value", "origin_country", "USMCA Cert (Y/N)"]
    path = make_bom(lines=lines, bom_columns=columns)
    table = run("evaluate", path, "-r", "usmca-2020")
    assert table.exit_code == 0, table.output
    assert "BOM!G1: column 'USMCA Cert (Y/N)' is not a contract column and is ignored, but it looks like usmca_originating" in table.output
    data = json.loads(run("evaluate", path, "-r", "usmca-2020", "--format", "json").output)
    assert any("'USMCA Cert (Y/N)'" in w and "usmca_originating" in w for w in data["warnings"])


def test_sap_export_all_header_problems_in_one_pass_with_a_proposal(tmp_path):
    path = erp_export.write(tmp_path / "cs12.xlsx")
    result = run("validate", path)
    assert result.exit_code == 2
    err = result.stderr
    # every missing column in one run, each naming the header that may hold it
    assert "'part_number'" in err and "'Component number' may hold it" in err
    assert "'hs_code'" in err and "'Commodity Code' may hold it" in err
    assert "'value' or 'unit_value'" in err and "'Net Price' may hold it" in err
    assert "Vehicle!A1: warning: field 'Model'" not in err  # 'Model' is a contract field
    # a ready-to-paste proposal, as a Columns sheet and as TOML
    assert "sheet\theader\tcolumn" in err and "BOM\tUSMCA Cert (Y/N)\tusmca_originating" in err
    toml_text = err[err.index("[BOM]"):err.index("\n\n", err.index("[BOM]"))]
    proposed = tomllib.loads(toml_text)["BOM"]
    assert proposed == {"Component number": "part_number", "Object description": "description", "Comp. Qty (BUn)": "quantity",
                        "Commodity Code": "hs_code", "Net Price": "unit_value", "Crcy": "currency",
                        "USMCA Cert (Y/N)": "usmca_originating"}
    # pasted as a file, it makes the export valid
    mapping = tmp_path / "columns.toml"
    mapping.write_text(toml_text, encoding="utf-8")
    again = run("validate", path, "--columns", mapping)
    assert again.exit_code == 0, again.output + again.stderr
    assert "Headers mapped: BOM 'Component number' -> part_number (--columns columns.toml)" in again.output


def test_sap_export_evaluates_with_a_columns_sheet(tmp_path):
    path = erp_export.write(tmp_path / "cs12.xlsx", columns_sheet=True)
    bom = load_bom(path)
    assert bom.lines["part_number"].tolist() == ["BLK-100", "PST-200", "SEA-300", "HRN-400", "TIR-500"]
    assert bom.lines["origin_country"].tolist() == ["US", "DE", "MX", "MX", "KR"]
    assert bom.lines["value_cents"].tolist() == [90_000, 10_200, 40_000, 150_000, 24_000]
    assert bom.lines["usmca_originating"].tolist()[:1] == [True]
    assert bom.vehicle.assembly_country == "MX"
    assert bom.made["part_number"].tolist() == ["FG-ENG"] and bom.supplier_detail_rows == (8,)

    data = json.loads(run("evaluate", path, "--format", "json").output)
    columns = data["input"]["columns"]
    assert {"sheet": "BOM", "header": "USMCA Cert (Y/N)", "column": "usmca_originating", "source": "Columns sheet row 8"} in columns
    assert len(columns) == len(erp_export.MAPPING)
    assert data["structure"] == {"levels": 3, "supplier_detail_rows": [8], "make_lines": [
        {"row": 5, "part_number": "FG-ENG", "level": 1, "parent_row": None, "value": "3000.00", "children_rows": [6, 7]}]}
    assert any("Bill of Materials!I5: warning: origin_country: read 'Mexico' as MX (2 lines: rows 5, 10)" in w for w in data["warnings"])
    assert any("origin_country: read 'MEX' as MX (row 9)" in w for w in data["warnings"])
    assert any("read 'Korea, Republic of' as KR" in w for w in data["warnings"])
    assert any("assembly_country: read 'Mexico' as MX" in w for w in data["warnings"])
    assert not any("USMCA Cert" in w and "ignored" in w for w in data["warnings"])
    # certified Mexican lines count as originating: no assumption is listed for them
    stated = [a for a in usmca(data)["assumptions"] for row in (9, 10) if row in a["rows"]]
    assert not stated

    table = run("evaluate", path)
    assert table.exit_code == 0, table.output
    assert "Headers mapped: BOM 'Component number' -> part_number (Columns sheet row 2)" in table.output
    assert "Country names read as ISO codes: assembly_country: read 'Mexico' as MX; origin_country: read 'Mexico'" in table.output
    assert ("Structure: 3 levels; 1 make (self-produced) line (row 5): its components are counted, not it; "
            "1 supplier sub-BOM line below a bought line, not counted (row 8)") in table.output


def test_columns_file_and_sheet_problems_are_located(tmp_path, make_bom):
    bad = tmp_path / "bad.toml"
    bad.write_text('[BOM]\n"Part" = "no_such_column"\n[Nowhere]\n"X" = "part_number"\n"Unused header" = "supplier"\n', encoding="utf-8")
    with pytest.raises(BomError) as caught:
        load_bom(make_bom(), bad)
    text = str(caught.value)
    assert f"{bad}: [BOM] 'Part': expected a BOM contract column" in text
    assert "[Nowhere] 'X': expected a contract sheet" in text
    for broken, found in ((tmp_path, "found a directory"), (tmp_path / "none.toml", "found no such file")):
        with pytest.raises(BomError, match=found):
            load_bom(make_bom(), broken)
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(BomError, match="expected a UTF-8 TOML file"):
        load_bom(make_bom(), deep)
    garbled = tmp_path / "garbled.toml"
    garbled.write_bytes(b"\xff\xfe[BOM")
    with pytest.raises(BomError, match="expected a UTF-8 TOML file"):
        load_bom(make_bom(), garbled)


def test_unused_mapping_is_a_warning(tmp_path, make_bom):
    mapping = tmp_path / "columns.toml"
    mapping.write_text('"Vendor Name" = "supplier"\n', encoding="utf-8")
    bom = load_bom(make_bom(), mapping)
    assert [w.code for w in bom.warnings] == ["unused-mapping"] and bom.column_mapping == ()


def test_mapping_beats_an_alias_and_sap_material_is_proposed_as_part_number(tmp_path):
    """SAP calls the part number 'Material', which is also the contract's steel/aluminum column."""
    headers = ["Level", "Item", "Material", *erp_export.HEADERS[3:]]
    path = erp_export.write(tmp_path / "material.xlsx", headers=headers)
    with pytest.raises(BomError) as caught:
        load_bom(path)
    assert "'Material' may hold it" in str(caught.value)
    assert any(p.header == "Material" and p.column == "part_number" for p in caught.value.proposals)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, code", [("Mexico", "MX"), ("United States", "US"), ("USA", "US"), ("U.S.A.", "US"),
                                        ("UK", "GB"), ("Korea, Republic of", "KR"), ("South Korea", "KR"), ("MEX", "MX"),
                                        ("Viet Nam", "VN"), ("Vietnam", "VN"), ("Côte d'Ivoire", "CI"), ("Taiwan", "TW")])
def test_country_names_and_codes(make_bom, text, code):
    bom = load_bom(make_bom(lines=[{**BASE_LINES[0], "origin_country": text}]))
    assert bom.lines["origin_country"].tolist() == [code]
    assert [w.code for w in bom.warnings] == ["country-name"]


@pytest.mark.parametrize("text", ["Korea", "Congo", "Virgin Islands"])
def test_ambiguous_country_name_is_a_located_error(make_bom, text):
    with pytest.raises(BomError) as caught:
        load_bom(make_bom(vehicle={**BASE_VEHICLE, "assembly_country": text}))
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.cell) == ("Vehicle", "B3") and "expected one country" in problem.message


def test_vehicle_fields_map_too_and_the_readme_mapping_is_valid(tmp_path, make_bom):
    from roo_calc.bom.columns import check_entry
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index("# columns.toml\n"):]
    example = tomllib.loads(block[:block.index("```")])
    for sheet, table in example.items():
        for header, column in table.items():
            assert check_entry(sheet, header, column)[0] is not None, (sheet, header, column)

    vehicle = {("Plant country" if k == "assembly_country" else k): v for k, v in BASE_VEHICLE.items()}
    mapping = tmp_path / "columns.toml"
    mapping.write_text('[Vehicle]\n"Plant country" = "assembly_country"\n', encoding="utf-8")
    with pytest.raises(BomError) as caught:
        load_bom(make_bom(vehicle=vehicle, notes=False))
    assert any(p.code == "unused-column" and "looks like assembly_country" in p.message for p in caught.value.problems)
    bom = load_bom(make_bom(vehicle=vehicle, notes=False), mapping)
    assert bom.vehicle.assembly_country == "MX"
    assert [str(m) for m in bom.column_mapping] == ["Vehicle 'Plant country' -> assembly_country (--columns columns.toml)"]


def test_header_problems_of_every_sheet_in_one_pass(make_bom):
    """A missing Vehicle sheet stops nothing: the BOM and FX headers are checked in the same run."""
    import openpyxl

    path = make_bom(lines=[{"Part No": "A", "Tariff Number": "8708.29", "Price": 1, "origin_country": "MX"}],
                    bom_columns=["Part No", "Tariff Number", "Price", "origin_country"], fx=[{"currency": "EUR", "rate": 1.1}])
    book = openpyxl.load_workbook(path)
    del book["Vehicle"]
    book["FX"]["B1"] = "Kurs"
    book.save(path)
    with pytest.raises(BomError) as caught:
        load_bom(path)
    found = {(p.code, p.sheet) for p in caught.value.problems if p.severity == "error"}
    assert found == {("missing-sheet", "Vehicle"), ("missing-column", "BOM"), ("missing-column", "FX")}, caught.value.problems
    assert any("'Tariff Number' may hold it" in p.message for p in caught.value.problems)


def test_a_column_none_of_whose_values_fits_is_one_error_at_its_header(tmp_path):
    """SAP's 'Material' (the part number) beside a mapped 'Component number': read as the contract's
    steel/aluminum column, every value fails; one error at the header says so, not one per row."""
    headers = ["Level", "Material", *erp_export.HEADERS[2:]]
    path = erp_export.write(tmp_path / "material.xlsx", columns_sheet=True, headers=headers)
    with pytest.raises(BomError) as caught:
        load_bom(path)
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert [(p.code, p.cell) for p in errors] == [("column-mismatch", "B4")], errors
    assert "column 'Material' is read as the contract column material" in errors[0].message
    assert "none of its 7 values fits (row 5: expected one of steel, aluminum, found '0010')" in errors[0].message
