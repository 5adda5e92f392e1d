"""Working with suppliers: solicit -> requests filled by three suppliers -> collect -> evaluate.

The sample BOM is built so that exactly one supplier's certification flips USMCA: its lines take
RVC from 60% to exactly 75%, the threshold (which passes); the others' do not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from roo_calc.cli.main import app

runner = CliRunner()

VEHICLE = {"model": "Round-trip sedan", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-05-01",
           "producer": "Aurora Motors", "net_cost": 20000, "transaction_value": 25000,
           "steel_purchases": 1000, "steel_purchases_originating": 800,
           "aluminum_purchases": 500, "aluminum_purchases_originating": 400,
           "lvc_high_wage_labor": 6000, "lvc_high_wage_materials": 2000,
           "lvc_technology_points": 0, "lvc_assembly_points": 0}
LINES = [
    {"part_number": "E-100", "description": "Engine", "hs_code": "8407.34", "value": 4000, "origin_country": "MX",
     "supplier": "Motores MX", "usmca_originating": "Y", "regional_content_pct": 80, "core_part_group": "engine"},
    {"part_number": "R-200", "description": "Radio", "hs_code": "8527.21", "value": 2000, "origin_country": "JP",
     "supplier": "Nippon Audio"},
    {"part_number": "S-300", "description": "Front seat", "hs_code": "9401.20", "value": 1800, "origin_country": "US",
     "supplier": "Valid Co"},
    {"part_number": "S-301", "description": "Rear seat", "hs_code": "9401.20", "value": 1200, "origin_country": "US",
     "supplier": "Valid Co"},
    {"part_number": "W-400", "description": "Wiring harness", "hs_code": "8544.30", "value": 2000, "origin_country": "CA",
     "supplier": "Errant Inc"},
    {"part_number": "B-500", "description": "Brakes", "hs_code": "8708.30", "value": 1000, "origin_country": "MX",
     "supplier": "Declining SA"},
]


@pytest.fixture
def sample(make_bom):
    return make_bom(VEHICLE, LINES, name="sedan.xlsx")


def solicit(bom: Path, folder: Path, *extra: str):
    result = runner.invoke(app, ["solicit", str(bom), "-r", "usmca-2020", "--output", str(folder), *extra])
    assert result.exit_code == 0, result.output
    return result


def test_solicit_ranks_the_supplier_whose_certification_flips(sample, tmp_path):
    folder = tmp_path / "requests"
    out = solicit(sample, folder)
    assert "usmca-2020 (not eligible)" in out.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["request-declining-sa.xlsx", "request-errant-inc.xlsx", "request-valid-co.xlsx", "summary.xlsx"]
    summary = load_workbook(folder / "summary.xlsx")["Suppliers"]
    ranked = [(summary.cell(r, 2).value, summary.cell(r, 3).value, summary.cell(r, 4).value) for r in range(5, 8)]
    assert ranked == [("Valid Co", "usmca-2020: not eligible -> eligible", 3000),
                      ("Errant Inc", "none alone", 2000), ("Declining SA", "none alone", 1000)]
    regimes = load_workbook(folder / "summary.xlsx")["Regimes"]
    assert [c.value for c in regimes[2]] == ["usmca-2020", "not eligible", "not eligible -> eligible", "Valid Co",
                                           "USMCA (usmca_originating)"]


def test_request_layout(sample, tmp_path):
    """Protected sheets; answer cells unlocked, with a drop-down, only where an answer is asked."""
    folder = tmp_path / "requests"
    solicit(sample, folder)
    book = load_workbook(folder / "request-valid-co.xlsx")
    assert book.sheetnames == ["Instructions", "Parts", "Certification"]
    assert all(book[s].protection.sheet for s in book.sheetnames)
    parts = book["Parts"]
    headers = [c.value for c in parts[4]]
    assert headers[:2] == ["BOM row", "Part number"] and "USMCA originating? (Y/N)" in headers
    col = headers.index("USMCA originating? (Y/N)") + 1
    assert [parts.cell(r, 2).value for r in (5, 6)] == ["S-300", "S-301"]
    assert not parts.cell(5, col).protection.locked and parts.cell(5, 1).protection.locked
    unlocked = {(c.row, c.column) for row in parts.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {(5, col), (6, col)}
    lists = [dv for dv in parts.data_validations.dataValidation if dv.type == "list"]
    assert any(f"{parts.cell(5, col).coordinate}" in str(dv.sqref) and dv.formula1 == '"Y,N"' for dv in lists)
    ident = {book["Instructions"].cell(r, 1).value: book["Instructions"].cell(r, 2).value for r in range(3, 13)}
    assert ident["Supplier"] == "Valid Co" and ident["Determination date"] == "2024-05-01"


def test_solicit_refuses_to_overwrite(sample, tmp_path):
    folder = tmp_path / "requests"
    solicit(sample, folder)
    again = runner.invoke(app, ["solicit", str(sample), "-r", "usmca-2020", "--output", str(folder)])
    assert again.exit_code == 2 and "refusing to replace" in again.output


def fill(path: Path, response: str, answers: dict[str, str] | None = None, period=("2024-01-01", "2024-12-31"),
         document: str | None = None, reason: str | None = None) -> None:
    """Fill a request as a supplier would, in the unlocked cells (openpyxl, as any spreadsheet app)."""
    from datetime import date

    book = load_workbook(path)
    cert = book["Certification"]
    labels = {cert.cell(r, 1).value: r for r in range(1, cert.max_row + 1)}
    cert.cell(labels["Response"], 2, response)
    if reason:
        cert.cell(labels["If declined, why"], 2, reason)
    if period:
        for label, value in zip(("Blanket period from", "Blanket period to"), period):
            cert.cell(labels[label], 2, date.fromisoformat(value) if value[:1].isdigit() and len(value) == 10 else value)
    if document:
        cert.cell(labels["Your certification reference"], 2, document)
    parts = book["Parts"]
    headers = {c.value: c.column for c in parts[4]}
    for (part, header), value in (answers or {}).items():
        row = next(r for r in range(5, parts.max_row + 1) if parts.cell(r, 2).value == part)
        assert not parts.cell(row, headers[header]).protection.locked, (part, header)
        parts.cell(row, headers[header], value)
    book.save(path)


def test_round_trip(sample, tmp_path):
    """solicit -> one valid, one with errors, one declining -> collect -> evaluate: the verdict
    flips exactly as the summary predicted (usmca-2020, by Valid Co's certification alone)."""
    folder = tmp_path / "requests"
    solicit(sample, folder)
    usmca = "USMCA originating? (Y/N)"
    fill(folder / "request-valid-co.xlsx", "answered", {("S-300", usmca): "Y", ("S-301", usmca): "y"}, document="VC-2024-01")
    fill(folder / "request-errant-inc.xlsx", "answered", {("W-400", usmca): "maybe"}, period=("2024-06-01", "2024-01-01"))
    fill(folder / "request-declining-sa.xlsx", "declined", period=None, reason="we do not certify origin")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    returned = sorted(str(p) for p in folder.glob("request-*.xlsx"))

    certs = tmp_path / "certificates.xlsx"
    out = runner.invoke(app, ["collect", *returned, "--output", str(certs), "--received", "2024-05-02"])
    assert out.exit_code == 2, out.output
    errant = str(folder / "request-errant-inc.xlsx")
    assert f"{errant}:Certification!B6: Blanket period to: expected a date on or after 2024-06-01, found 2024-01-01" in out.output
    assert f"{errant}:Parts!J5: usmca_originating: expected Y or N" in out.output
    assert "Declining SA: declined (we do not certify origin)" in out.output
    assert "2 certification rows from 1 answered request written" in out.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # never modifies a returned file

    again = tmp_path / "again.xlsx"
    runner.invoke(app, ["collect", *reversed(returned), "--output", str(again), "--received", "2024-05-02"])
    assert again.read_bytes() == certs.read_bytes()  # the same files give the same bytes

    book = load_workbook(certs)
    sheet = book["Certificates"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]]))
    assert first["supplier"] == "Valid Co" and first["document"] == "VC-2024-01" and first["source_file"] == "request-valid-co.xlsx"
    assert len(first["source_sha256"]) == 64 and str(first["received"])[:10] == "2024-05-02"
    assert [c.value for c in book["Collected"]["F"]][1:] == ["declined", "invalid", "answered"]

    summary = load_workbook(folder / "summary.xlsx")["Suppliers"]
    predicted = {summary.cell(r, 2).value: summary.cell(r, 3).value for r in range(5, 8)}
    result = runner.invoke(app, ["evaluate", str(sample), "-r", "usmca-2020", "--certificates", str(certs), "-f", "json"])
    import json

    data = json.loads(result.output)["results"][0]
    assert predicted["Valid Co"] == "usmca-2020: not eligible -> eligible" and data["status"] == "eligible"
    assert {line["document"] for line in data["certified_lines"]} == {"VC-2024-01"}
    assert next(r for r in data["requirements"] if r["id"] == "rvc")["value"] == "75.0000"

    # The vehicle now qualifies: its certification of origin, pre-filled, the blanket period
    # ending with Valid Co's certification that the verdict rests on.
    cert = tmp_path / "cert.xlsx"
    made = runner.invoke(app, ["certify", str(sample), "-r", "usmca-2020", "--certificates", str(certs), "-o", str(cert)])
    assert made.exit_code == 0, made.output
    sheet = load_workbook(cert)["Certification of Origin"]
    values = {sheet.cell(r, 1).value: (sheet.cell(r, 3).value, sheet.cell(r, 4).value) for r in range(5, 20)}
    assert values["6b"] == ("8703.23", "from the BOM") and values["4a"][0].startswith("Aurora Motors")
    assert values["7"][0].startswith("B: USMCA Art. 4.2(b)") and "rvc 75.00% >= 75%" in values["7b"][0]
    assert values["8"][0].startswith("2024-05-01 to 2024-12-31 (suggested: the earliest end of a supplier certification")
    assert values["2"] == (None, "TO COMPLETE") and not sheet.cell(6, 3).protection.locked
    digest = made.output.split("input hash ")[1].split()[0]
    assert digest in {sheet.cell(r, 3).value for r in range(1, 30)}
    again = runner.invoke(app, ["certify", str(sample), "--certificates", str(certs), "-o", str(tmp_path / "cert2.xlsx")])
    assert again.output.split("input hash ")[1].split()[0] == digest


def test_certify_refuses_with_the_reason(sample, tmp_path):
    out = tmp_path / "cert.xlsx"
    result = runner.invoke(app, ["certify", str(sample), "-o", str(out)])
    assert result.exit_code == 3
    assert "refused: the vehicle is not eligible under usmca-2020 on 2024-05-01: rvc 60.00% against 75%" in result.output
    assert not out.exists()
    result = runner.invoke(app, ["certify", str(sample), "-r", "nafta-1994", "-o", str(out)])
    assert result.exit_code == 3 and "not a USMCA preference regime" in result.output


def test_renewal_asked_for_a_certification_ending_before_the_next_determination(sample, tmp_path):
    from datetime import date

    from roo_calc.certificates.writer import write_certificates

    certs = tmp_path / "c.xlsx"
    write_certificates(certs, [{"supplier": "Valid Co", "agreement": "usmca", "originating": True, "document": "VC-OLD",
                                "valid_from": date(2023, 7, 1), "valid_to": date(2024, 6, 30)}])
    folder = tmp_path / "requests"
    solicit(sample, folder, "--certificates", str(certs))
    parts = load_workbook(folder / "request-valid-co.xlsx")["Parts"]
    asked = [c.value for c in parts[5]]
    assert any("renewal of a certification" in str(v) and "(ends 2024-06-30)" in str(v) for v in asked)
    assert "USMCA Y (VC-OLD)" in asked
    later = tmp_path / "later"
    solicit(sample, later, "--certificates", str(certs), "--next-determination", "2024-06-30")
    assert not (later / "request-valid-co.xlsx").exists()  # still valid on the next determination: nothing to ask


def test_collect_keeps_good_files_when_others_are_not_requests(sample, tmp_path):
    folder = tmp_path / "requests"
    solicit(sample, folder)
    fill(folder / "request-valid-co.xlsx", "answered", {("S-300", "USMCA originating? (Y/N)"): "N"})
    certs = tmp_path / "c.xlsx"
    out = runner.invoke(app, ["collect", str(folder / "request-valid-co.xlsx"), str(sample), str(tmp_path / "gone.xlsx"),
                              "--output", str(certs)])
    assert out.exit_code == 2
    assert f"{sample}: expected the request sheets Instructions, Parts, Certification" in out.output
    assert f"{tmp_path / 'gone.xlsx'}: expected a returned request workbook (.xlsx), found no such file" in out.output
    assert "1 certification row from 1 answered request written" in out.output and certs.exists()
    nothing = runner.invoke(app, ["collect", str(sample), "--output", str(tmp_path / "none.xlsx")])
    assert nothing.exit_code == 2 and not (tmp_path / "none.xlsx").exists()


def test_the_documented_collect_glob_leaves_out_the_summary(sample, tmp_path):
    """README's `collect requests/request-*.xlsx` takes every request solicit wrote and not its
    summary.xlsx, which collect would refuse (exit 2) as not a request."""
    folder = tmp_path / "requests"
    solicit(sample, folder)
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "roo-calc collect requests/*.xlsx" not in readme
    pattern = re.search(r"roo-calc collect requests/(\S+)", readme).group(1)
    assert sorted(p.name for p in folder.glob(pattern)) == ["request-declining-sa.xlsx", "request-errant-inc.xlsx",
                                                             "request-valid-co.xlsx"]


def test_nothing_collected_does_not_say_no_file_was_read(sample, tmp_path):
    folder = tmp_path / "requests"
    solicit(sample, folder)
    out = runner.invoke(app, ["collect", str(folder / "request-valid-co.xlsx"), "--output", str(tmp_path / "c.xlsx")])
    assert out.exit_code == 2 and "Response: expected answered or declined" in out.output
    assert "no file could be read" not in out.output and "no file could be collected" in out.output


def test_solicit_writes_every_workbook_or_none(sample, tmp_path):
    """A request that cannot be written (its name is taken by a folder) leaves no other request
    behind: the supplier would otherwise be sent a set that does not match the summary."""
    ranked = re.findall(r"-> (request-\S+\.xlsx)", solicit(sample, tmp_path / "first").output)
    folder = tmp_path / "requests"
    (folder / ranked[-1]).mkdir(parents=True)
    result = runner.invoke(app, ["solicit", str(sample), "-r", "usmca-2020", "--output", str(folder), "--force"])
    assert result.exit_code == 2, result.output
    assert f"{folder / ranked[-1]}: is a folder" in result.output
    assert [p.name for p in folder.iterdir()] == [ranked[-1]], "nothing written, no scratch folder left"
