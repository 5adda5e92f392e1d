"""Every cell read exactly as the workbook stores it, or refused with a located reason
(issue 8, "Read exactly"): real .xlsx files, written by several producers."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from handmade_xlsx import Err, Formula, Num, Rich, bom_sheets, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roo_calc.bom import xlsx
from roo_calc import load_bom
from roo_calc.errors import BomError

VEHICLE = [("model", "Exact car"), ("hs_code", "8703.23"), ("assembly_country", "MX"),
           ("production_date", "2024-05-01"), ("net_cost", Num("5000000")), ("currency", "USD")]
HEADER = ["part_number", "hs_code", "quantity", "unit_value", "value", "currency", "origin_country",
          "usmca_originating", "regional_content_pct"]


def line(part="P1", hs="8708.40", quantity=None, unit=None, value=Num("100"), currency=None, origin="JP",
         cert=None, rc=None) -> list:
    return [part, hs, quantity, unit, value, currency, origin, cert, rc]


def write(tmp_path, sheets, name="bom.xlsx", **options):
    path = tmp_path / name
    path.write_bytes(build(sheets, **options))
    return path


def problems(path) -> list[str]:
    with pytest.raises(BomError) as caught:
        load_bom(path)
    return [str(p) for p in caught.value.problems]


def test_tiny_fx_rate_on_a_large_line_is_exact(tmp_path):
    # 1,000,000,000 VND at 0.0000431234567 USD/VND is 43,123.4567 USD -> 43,123.46, not 43,123.00.
    lines = [line(value=Num("1000000000"), currency="VND")]
    path = write(tmp_path, bom_sheets(VEHICLE, HEADER, lines, [["VND", Num("0.0000431234567"), "2024-01-02", "x"]]))
    bom = load_bom(path)
    assert bom.fx[0].rate == Decimal("0.0000431234567")
    assert bom.lines["value_cents"].tolist() == [4_312_346]


def test_numbers_keep_every_stored_digit(tmp_path):
    lines = [line(part="tiny", quantity=Num("1e-10"), unit=Num("1e12")),  # 1e-10 is not 0: 1e-10 x 1e12 = 100
             line(part="big", quantity=Num("10000000000000002"), unit=Num("0.01")),  # 1e16 + 2 keeps its 2
             line(part="long", value=Num("0.33333333333333331"))]
    for row in lines:
        if row[0] != "long":
            row[4] = None
    bom = load_bom(write(tmp_path, bom_sheets(VEHICLE[:4] + [("net_cost", Num("999999999999999"))] + VEHICLE[5:], HEADER, lines)))
    assert bom.lines["value_cents"].tolist() == [10_000, 10_000_000_000_000_002, 33]
    assert bom.lines["quantity"].tolist() == [Decimal("1e-10"), Decimal("10000000000000002"), Decimal(1)]


def test_the_stored_text_reaches_the_table_unchanged(tmp_path):
    stored = ["4.31234567E-05", "1.234567890123456789012345", "1E+16", "-0.0", "12"]
    path = write(tmp_path, {"S": [[Num(t)] for t in stored]})
    frame, absolute = xlsx.Workbook(path.read_bytes()).read_sheet("S").table()
    assert frame.iloc[:, 0].tolist() == stored and absolute == [0]


decimals = st.decimals(min_value=Decimal("-1e14"), max_value=Decimal("1e14"), allow_nan=False, allow_infinity=False,
                       places=None).filter(lambda d: d == 0 or abs(d) > Decimal("1e-300"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(decimals, min_size=1, max_size=30))
def test_two_writers_read_back_equal(tmp_path_factory, values):
    """openpyxl and xlsxwriter store a number as its shortest 16-digit text; both read back as
    exactly that decimal, so the two files read equal."""
    folder = tmp_path_factory.mktemp("writers")
    book = openpyxl.Workbook()
    for i, value in enumerate(values, start=1):
        book.active.cell(i, 1, value)
    book.save(folder / "openpyxl.xlsx")
    other = xlsxwriter.Workbook(str(folder / "xlsxwriter.xlsx"))
    sheet = other.add_worksheet("Sheet")
    for i, value in enumerate(values):
        sheet.write_number(i, 0, float(value))
    other.close()
    read = []
    for name in ("openpyxl.xlsx", "xlsxwriter.xlsx"):
        workbook = xlsx.Workbook((folder / name).read_bytes())
        frame, _ = workbook.read_sheet(workbook.sheet_names[0]).table()
        read.append([Decimal(t) for t in frame.iloc[:, 0]])
    expected = [Decimal(f"{float(v):.16g}") for v in values]
    assert read[0] == read[1] == expected
    for value, got in zip(values, read[0]):
        if len(value.normalize().as_tuple().digits) <= 15:
            assert float(got) == float(value)


@pytest.mark.parametrize("error", list(xlsx.ERROR_VALUES[:10]))
def test_excel_error_values_are_located_errors_in_optional_columns_too(tmp_path, error):
    lines = [line(cert=Err(error)), line(part="P2", value=Err(error)), line(part="P3", hs=Err(error))]
    found = problems(write(tmp_path, bom_sheets(VEHICLE, HEADER, lines)))
    for cell in ("BOM!H2", "BOM!E3", "BOM!B4"):
        assert any(cell in p and f"Excel error value {error}" in p for p in found), (cell, found)


def test_error_value_in_a_vehicle_field(tmp_path):
    vehicle = [(k, Err("#REF!") if k == "assembly_country" else v) for k, v in VEHICLE]
    found = problems(write(tmp_path, bom_sheets(vehicle, HEADER, [line()])))
    assert any("Vehicle!B3" in p and "#REF!" in p for p in found), found


def test_two_sheets_for_one_contract_sheet_are_refused_naming_both(tmp_path):
    sheets = bom_sheets(VEHICLE, HEADER, [line()])
    sheets = {"bom": [HEADER, line(value=Num("1"))], **sheets}
    sheets["Bill of Materials"] = sheets.pop("BOM")
    found = problems(write(tmp_path, sheets, hidden_sheets=("bom",)))
    assert any("'bom' (hidden)" in p and "'Bill of Materials'" in p for p in found), found


def test_hidden_sheet_and_hidden_rows_are_warnings(tmp_path):
    sheets = bom_sheets(VEHICLE, HEADER, [line(), line(part="P2")])
    bom = load_bom(write(tmp_path, sheets, hidden_sheets=("Vehicle",), hidden_rows={"BOM": {3}}))
    warnings = [str(w) for w in bom.warnings]
    assert any("hidden" in w and "'Vehicle'" in w for w in warnings), warnings
    assert any("BOM!3:3" in w and "hidden row" in w for w in warnings), warnings


@pytest.mark.parametrize("hs,country,currency,cert", [
    ("８７０８．４０", "ＪＰ", "ＵＳＤ", "Ｙ"),  # full-width forms, as East Asian input methods type them
    ("8708.40\u00a0", "JP\u00a0", "USD", "Y"),  # no-break spaces from an ERP export
])
def test_codes_are_nfkc_normalised(tmp_path, hs, country, currency, cert):
    bom = load_bom(write(tmp_path, bom_sheets(VEHICLE, HEADER, [line(hs=hs, origin=country, currency=currency, cert=cert)])))
    assert bom.lines["hs_code"].tolist() == ["870840"]
    assert bom.lines["origin_country"].tolist() == ["JP"]
    assert bom.lines["currency"].tolist() == ["USD"]
    assert bom.lines["usmca_originating"].tolist() == [True]


def test_other_non_ascii_in_a_code_is_a_located_error(tmp_path):
    vehicle = [(k, "8703.23²" if k == "hs_code" else v) for k, v in VEHICLE]
    lines = [line(hs="8708.40¹"), line(part="P2", origin="J\u0420"), line(part="P3", cert="Ÿ")]
    found = problems(write(tmp_path, bom_sheets(vehicle, HEADER, lines)))
    for cell, char in (("Vehicle!B2", "U+00B2"), ("BOM!B2", "U+00B9"), ("BOM!H4", "U+0178")):
        assert any(cell in p and char in p for p in found), (cell, found)
    assert any("BOM!G3" in p and "expected an ISO 3166-1" in p for p in found), found  # names may be accented


# -- the same BOM from several producers, and the checks that must hold in each -----------------

LINES = [line(part="P1", value=Num("2000")),
         line(part=Rich(("P", "2")), quantity=Num("2"), unit=Num("1000"), value=Formula("C3*D3", "2000"),
              origin="MX", cert=True, rc=Num("0.8", "pct")),
         line(part="P3", quantity=Num("3"), unit=Num("0.5"), value=Formula("C4*D4", "1.5", "master"), origin="CA",
              cert="Y", rc=Num("0.55", "pct-custom")),
         line(part="P4", quantity=Num("1"), unit=Num("7.25"), value=Formula("", "7.25", "child"), origin="US",
              cert="Y", rc=Num("62.5"))]
VARIANTS = {
    "inline strings": {},
    "shared strings": {"shared_strings": True},
    "OpenXML SDK prefixes": {"prefix": "x"},
    "single quotes and character references": {"quote": "'", "charrefs": True},
    "strict OOXML": {"strict": True, "prefix": "s"},
}


def _variant(tmp_path, options, lines=LINES):
    sheets = bom_sheets(VEHICLE, HEADER, lines)
    return write(tmp_path, sheets, name=re.sub(r"\W", "-", str(options)) + ".xlsx", **options)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_producer_style_reads_the_same(tmp_path, variant):
    bom = load_bom(_variant(tmp_path, VARIANTS[variant]))
    assert bom.lines["part_number"].tolist() == ["P1", "P2", "P3", "P4"]
    assert bom.lines["value_cents"].tolist() == [200_000, 200_000, 150, 725]
    assert bom.lines["regional_content_e4"].tolist()[1:] == [800_000, 550_000, 625_000]  # 0.8 and 0.55 in % cells
    assert bom.lines["usmca_originating"].tolist()[1:] == [True, True, True]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_producer_style_refuses_a_formula_without_its_value(tmp_path, variant):
    lines = [*LINES[:3], line(part="P4", quantity=Num("1"), unit=Num("7.25"), value=Formula("C5*D5", None))]
    found = problems(_variant(tmp_path, VARIANTS[variant], lines))
    assert any("BOM!E5" in p and "formula whose result was never calculated" in p for p in found), found


def test_sheet_name_character_references_are_decoded(tmp_path):
    path = write(tmp_path, {"Café ▲": [["x"]]}, charrefs=True, quote="'")
    assert xlsx.Workbook(path.read_bytes()).sheet_names == ["Café ▲"]


PRODUCERS = Path(__file__).parent / "fixtures" / "producers"


def test_the_same_bom_from_five_producers_reads_identically():
    """tests/fixtures/producers: openpyxl, xlsxwriter, LibreOffice-saved, OpenXML-SDK-style prefixed,
    strict OOXML (written by tests/fixtures/make_producers.py)."""
    boms = {path.stem: load_bom(path) for path in sorted(PRODUCERS.glob("*.xlsx"))}
    assert set(boms) == {"openpyxl", "xlsxwriter", "libreoffice", "sdk-prefixed", "strict"}
    first = boms["openpyxl"]
    assert first.lines["value_cents"].tolist() == [420_050, 210_025, 50_050, 8_625]  # 2,000,000 VND x 0.0000431234567
    assert first.lines["regional_content_e4"].tolist() == [720_000, pd.NA, 550_000, pd.NA]  # 72% and 55% cells
    assert str(first.vehicle.production_date) == "2024-05-01"
    for name, bom in boms.items():
        pd.testing.assert_frame_equal(bom.lines, first.lines, obj=name)
        assert bom.vehicle == first.vehicle, name
        assert bom.fx == first.fx, name
        assert not bom.warnings, name


# -- the fast conversion against a slow exact reference ------------------------------------------

half_cents = st.builds(lambda whole, cents: f"{whole}.{cents:02d}5", st.integers(0, 10**9), st.integers(0, 99))
tiny = st.builds(lambda digits, exp: f"{digits}E-{exp}", st.integers(1, 10**6), st.integers(7, 40))
large = st.builds(lambda whole, frac: f"{whole}.{frac}", st.integers(10**9, 10**12), st.integers(0, 10**6))
long_digits = st.builds(lambda a, b: f"{a}.{b:030d}", st.integers(0, 10**6), st.integers(0, 10**30 - 1))
adversarial = st.one_of(half_cents, tiny, large, long_digits, st.sampled_from(["0", "1E-10", "4.31234567E-05", "2.675"]))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(adversarial, adversarial, st.booleans()), min_size=1, max_size=6), rate=adversarial)
def test_line_cents_equal_the_exact_product_rounded_half_even(tmp_path_factory, lines, rate):
    """quantity x unit value x FX rate, rounded once half to even to the cent, compared with the
    same product in Fractions: the reader's vectorised path never rounds anything else."""
    from fractions import Fraction

    rate = rate if Decimal(rate) > 0 else "1"
    rows = [line(part=f"P{i}", quantity=Num(q) if Decimal(q) > 0 else None, unit=Num(u), value=None,
                 currency="VND" if vnd else None) for i, (q, u, vnd) in enumerate(lines)]
    sheets = bom_sheets(VEHICLE[:4] + [("net_cost", Num("999999999999999"))] + VEHICLE[5:], HEADER, rows,
                        [["VND", Num(rate), "2024-01-02", "x"]])
    path = tmp_path_factory.mktemp("cents") / "bom.xlsx"
    path.write_bytes(build(sheets))
    try:
        bom = load_bom(path)
    except BomError as error:  # only a line beyond the amount limit may be refused
        assert all("below 1,000,000,000,000,000" in str(p) for p in error.problems if p.severity == "error"), error
        return
    for (q, u, vnd), cents in zip(lines, bom.lines["value_cents"].tolist()):
        exact = (Fraction(q) if Decimal(q) > 0 else 1) * Fraction(u) * (Fraction(rate) if vnd else 1) * 100
        assert cents == round(exact), (q, u, rate, vnd)  # round() on a Fraction is half to even


@pytest.mark.parametrize("writer", ["openpyxl", "pandas"])
def test_an_empty_string_cell_is_blank_not_the_text_before_it(tmp_path, writer):
    """openpyxl and pandas store "" as <c t="inlineStr"/> with no <is>: a blank, which must not take
    the text of the string cell before it (contract: a blank certification is "not declared")."""
    header = ["part_number", "hs_code", "value", "origin_country", "nafta_originating", "usmca_originating",
              "supplier"]
    rows = [["E1", "8407.34", 3000, "US", None, "Y", "Acme"], ["M1", "8544.30", 2000, "MX", "Y", "", ""]]
    path = tmp_path / "blank.xlsx"
    vehicle = [("model", "Blank"), ("hs_code", "8703.23"), ("assembly_country", "MX"),
               ("production_date", "2024-05-01"), ("net_cost", 10000), ("currency", "USD")]
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Vehicle"
        for pair in [("field", "value"), *vehicle]:
            sheet.append(list(pair))
        bom = book.create_sheet("BOM")
        for row in [header, *rows]:
            bom.append(row)
        book.save(path)
    else:
        with pd.ExcelWriter(path, engine="openpyxl") as out:
            pd.DataFrame(vehicle, columns=["field", "value"]).to_excel(out, sheet_name="Vehicle", index=False)
            pd.DataFrame(rows, columns=header).fillna("").to_excel(out, sheet_name="BOM", index=False)
    assert '<c r="F3" t="inlineStr"' in _sheet_xml(path, "BOM")  # the case under test
    lines = load_bom(path).lines
    assert lines["usmca_originating"].tolist()[1] is None or pd.isna(lines["usmca_originating"].tolist()[1])
    assert lines["supplier"].tolist()[1] in (None, "") or pd.isna(lines["supplier"].tolist()[1])


def _sheet_xml(path: Path, title: str) -> str:
    import zipfile
    book = openpyxl.load_workbook(path)
    index = book.sheetnames.index(title) + 1
    with zipfile.ZipFile(path) as package:
        return package.read(f"xl/worksheets/sheet{index}.xml").decode()
