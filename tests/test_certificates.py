"""Supplier certifications with their periods: the Certificates sheet, --certificates files,
expiry on both sides of a period boundary, the line winning over a certificate, and located errors."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import roo_calc
from roo_calc.certificates.writer import write_certificates
from roo_calc.cli.main import app
from roo_calc.errors import BomError

runner = CliRunner()
VEHICLE = {"model": "Test car", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-05-01",
           "net_cost": 10000}
LINES = [
    {"part_number": "P1", "hs_code": "8708.29", "value": 3000, "origin_country": "MX", "supplier": "Acme MX"},
    {"part_number": "P2", "hs_code": "8708.99", "value": 1000, "origin_country": "US", "supplier": "Old Co",
     "usmca_originating": "N"},
]
CERT = {"supplier": "ACME  mx", "agreement": "usmca", "originating": True, "valid_from": date(2024, 1, 1),
        "valid_to": date(2024, 5, 1), "document": "ACME-USMCA-2024", "regional_content_pct": 80}


@pytest.fixture
def bom(make_bom):
    return make_bom(VEHICLE, LINES)


def rvc(result):
    return next(r for r in result.requirements if r.id == "rvc")


def with_sheet(path, rows, header=("supplier", "part_number", "agreement", "originating", "valid_from", "valid_to", "document")):
    """Add a Certificates sheet to a BOM workbook (as trade staff would)."""
    book = load_workbook(path)
    sheet = book.create_sheet("Certificates")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.mark.parametrize("on, used", [(date(2024, 5, 1), True), (date(2024, 5, 2), False)])
def test_expiry_boundary(bom, tmp_path, on, used):
    """Valid through its last day; the day after, it counts as not on file and is an assumption."""
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [CERT])
    result = roo_calc.evaluate(roo_calc.load_bom(bom), roo_calc.load_regime("usmca-2020"), on,
                               certificates=roo_calc.load_certificates(certs))
    if used:
        assert rvc(result).status == "pass"
        assert [(c.row, c.document, c.fields) for c in result.certified_lines] == [
            (2, "ACME-USMCA-2024", ("usmca_originating", "regional_content_pct"))]
        assert not any(a.code.startswith("certificate-") for a in result.assumptions)
    else:
        assert rvc(result).status == "fail"
        assert result.certified_lines == ()
        stale = [a for a in result.assumptions if a.code == "certificate-expired"]
        assert len(stale) == 1 and stale[0].rows == (2,) and stale[0].value_at_stake_cents == 300000
        assert "ACME-USMCA-2024" in stale[0].text and "2024-01-01 to 2024-05-01" in stale[0].text


@pytest.mark.parametrize("on, used", [(date(2024, 4, 30), False), (date(2024, 5, 1), True)])
def test_not_yet_valid_boundary(bom, tmp_path, on, used):
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [{**CERT, "valid_from": date(2024, 5, 1), "valid_to": date(2025, 4, 30)}])
    result = roo_calc.evaluate(roo_calc.load_bom(bom), roo_calc.load_regime("usmca-2020"), on,
                               certificates=roo_calc.load_certificates(certs))
    assert (rvc(result).status == "pass") is used
    assert any(a.code == "certificate-not-yet-valid" for a in result.assumptions) is not used


def test_bom_sheet_and_line_wins(bom):
    """The BOM's own Certificates sheet is applied; a line's own Y/N wins and the report says so."""
    with_sheet(bom, [("Acme MX", None, "USMCA", "Y", "2024-01-01", "2024-12-31", "ACME-1"),
                     ("Old Co", "P2", "usmca", "yes", None, None, "OLD-P2")])
    loaded = roo_calc.load_bom(bom)
    assert len(loaded.certificates) == 2
    result = roo_calc.evaluate(loaded, roo_calc.load_regime("usmca-2020"))
    assert [c.row for c in result.certified_lines] == [2]
    disagree = [a for a in result.assumptions if a.code == "certificate-disagrees"]
    assert disagree[0].rows == (3,) and "usmca_originating N on the line, Y on OLD-P2" in disagree[0].text
    nafta = roo_calc.evaluate(loaded, roo_calc.load_regime("nafta-1994"))
    assert nafta.certified_lines == () and not any(a.code.startswith("certificate-") for a in nafta.assumptions)


def test_part_certificate_before_blanket(bom, tmp_path):
    certs = tmp_path / "c.xlsx"
    write_certificates(certs, [{**CERT, "originating": False, "regional_content_pct": None, "document": "BLANKET"},
                               {**CERT, "part_number": "P1", "document": "PART"}])
    result = roo_calc.evaluate(roo_calc.load_bom(bom), roo_calc.load_regime("usmca-2020"), date(2024, 3, 1),
                               certificates=roo_calc.load_certificates(certs))
    assert [c.document for c in result.certified_lines] == ["PART"]


def test_cli_reports_document(bom, tmp_path):
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [CERT])
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "usmca-2020", "--certificates", str(certs), "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["input"]["certificates"][0]["path"] == str(certs)
    assert data["results"][0]["certified_lines"][0]["document"] == "ACME-USMCA-2024"
    text = runner.invoke(app, ["evaluate", str(bom), "-r", "usmca-2020", "--certificates", str(certs)]).output
    assert "ACME-USMCA-2024 (USMCA, ACME  mx, valid 2024-01-01 to 2024-05-01" in text and "row 2 took" in text
    report = tmp_path / "report.xlsx"
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "usmca-2020", "--certificates", str(certs), "-o", str(report)])
    assert out.exit_code == 0, out.output
    book = load_workbook(report)
    cells = {c.value for row in book["Assumptions and Review"].iter_rows() for c in row}
    assert "ACME-USMCA-2024" in cells and "2" in cells
    assert str(certs) in {c.value for row in book["Inputs"].iter_rows() for c in row}


def test_validate_expiring(bom, tmp_path):
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [CERT, {**CERT, "supplier": "Old Co", "document": "OLD-2023", "valid_from": date(2023, 1, 1),
                                      "valid_to": date(2023, 12, 31)}])
    out = runner.invoke(app, ["validate", str(bom), "--certificates", str(certs), "--as-of", "2024-04-01"])
    assert out.exit_code == 0, out.output
    assert "ACME-USMCA-2024 (USMCA, ACME  mx, all parts (blanket)) valid to 2024-05-01, in 30 days" in out.output
    assert "OLD-2023" in out.output and "Out of their period on 2024-04-01" in out.output
    out = runner.invoke(app, ["validate", str(bom), "--certificates", str(certs), "--as-of", "2024-04-01",
                              "--expiring-within", "29"])
    assert "None expires within 29 days of 2024-04-01." in out.output


def test_located_errors(bom, tmp_path):
    """Every problem in one pass, each as file:sheet!cell, exit 2, nothing evaluated."""
    path = tmp_path / "bad.xlsx"
    write_certificates(path, [
        {"supplier": "Acme", "agreement": "cusma?", "originating": "Y"},
        {"supplier": "Acme", "agreement": "usmca", "originating": "maybe"},
        {"agreement": "usmca", "originating": "Y"},
        {"supplier": "Acme", "agreement": "usmca", "originating": "Y", "valid_from": date(2024, 5, 1), "valid_to": date(2024, 1, 1)},
        {"supplier": "Acme", "agreement": "nafta", "originating": "Y", "nafta_traced_value": 10},
        {"supplier": "Acme", "agreement": "usmca", "originating": "Y", "regional_content_pct": 140},
        {"supplier": "Bolt", "agreement": "usmca", "originating": "Y", "valid_to": date(2024, 6, 30)},
        {"supplier": "bolt", "agreement": "usmca", "originating": "N", "valid_from": date(2024, 6, 1)},
    ])
    with pytest.raises(BomError) as caught:
        roo_calc.load_certificates(path)
    where = {(p.cell, p.code) for p in caught.value.problems}
    assert where == {("C2", "bad-value"), ("D3", "bad-value"), ("A4", "missing-value"), ("L5", "bad-value"),
                     ("G6", "bad-value"), ("E7", "bad-value"), ("A9", "conflicting-certificates")}
    out = runner.invoke(app, ["evaluate", str(bom), "--certificates", str(path)])
    assert out.exit_code == 2
    assert f"{path}:Certificates!C2: agreement: expected one of usmca, nafta, found 'cusma?'" in out.output
    assert "Traceback" not in out.output


def test_traced_value_above_line_value(bom, tmp_path):
    path = tmp_path / "c.xlsx"
    write_certificates(path, [{"supplier": "Acme MX", "part_number": "P1", "agreement": "nafta", "originating": "Y",
                               "nafta_traced_value": 3000.01}])
    out = runner.invoke(app, ["evaluate", str(bom), "--certificates", str(path)])
    assert out.exit_code == 2 and f"{path}:Certificates!G2: nafta_traced_value: expected at most the value of BOM row 2" in out.output


def test_sheet_errors_in_bom(bom):
    with_sheet(bom, [("Acme MX", None, "usmca", "perhaps", None, None, None)])
    with pytest.raises(BomError) as caught:
        roo_calc.load_bom(bom)
    assert [(p.sheet, p.cell) for p in caught.value.problems if p.severity == "error"] == [("Certificates", "D2")]


def test_missing_file_and_sheet(tmp_path, bom):
    out = runner.invoke(app, ["evaluate", str(bom), "--certificates", str(tmp_path / "none.xlsx")])
    assert out.exit_code == 2 and "none.xlsx: expected a certificates workbook" in out.output
    out = runner.invoke(app, ["evaluate", str(bom), "--certificates", str(bom)])
    assert out.exit_code == 2 and "expected a sheet named 'Certificates'" in out.output


def test_invariants_of_applying_certificates(bom):
    """Hypothesis invariants of applying certifications (contract v2, Certificates sheet):
    1. a line's own filled Y/N is never changed by a certification (the line wins);
    2. a certification outside its period changes no line;
    3. a blank Y/N is filled exactly when a certification of that supplier is valid on the date."""
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from roo_calc.certificates.apply import apply_certificates
    from roo_calc.certificates.model import Certificate

    loaded = roo_calc.load_bom(bom)
    day = date(2024, 5, 1)

    @settings(max_examples=60, derandomize=True, deadline=None)
    @given(start=st.integers(-400, 400), length=st.integers(0, 400), answer=st.booleans(),
           supplier=st.sampled_from(["Acme MX", "acme mx ", "Old Co", "Nobody"]), part=st.sampled_from([None, "P1", "P2"]))
    def check(start, length, answer, supplier, part):
        cert = Certificate(supplier=supplier, part_number=part, agreement="usmca", originating=answer,
                           valid_from=day + timedelta(days=start), valid_to=day + timedelta(days=start + length),
                           document="D", file="f.xlsx", sheet="Certificates", row=2)
        after, applied = apply_certificates(loaded, day, (cert,))
        before_flags = loaded.lines["usmca_originating"].tolist()
        after_flags = after.lines["usmca_originating"].tolist()
        context = f"{cert}"
        for i, (old, new) in enumerate(zip(before_flags, after_flags)):
            if old is not pd.NA and not pd.isna(old):
                assert new == old, context
            covered = (cert.valid_on(day) and " ".join(supplier.split()).casefold() == str(loaded.lines["supplier"].iat[i]).casefold()
                       and part in (None, loaded.lines["part_number"].iat[i]))
            if pd.isna(old):
                assert (not pd.isna(new)) is covered and (not covered or new == answer), context
        if not cert.valid_on(day):
            assert applied.certified == [], context

    check()


@pytest.mark.parametrize("on, originating", [(date(2024, 6, 30), True), (date(2024, 7, 1), False)])
def test_blanket_certificate_issued_before_a_phase_in_step(make_bom, tmp_path, on, originating):
    """A blanket USMCA certification of a heavy-truck engine at 62% (valid through 2024) meets 15(2)(a)'s
    60% until 2024-06-30; from 2024-07-01, 15(2)(b)'s 64%, and by 15(4) the engine 'is originating only if'
    it meets that: it counts in VNM, and the report names the line, its content, the threshold and the
    value at stake (USMCA UR 15(2)(a)-(b), 15(4))."""
    vehicle = {**VEHICLE, "hs_code": "8704.32", "vehicle_type": "heavy_truck", "production_date": on.isoformat()}
    lines = [{"part_number": "ENG", "hs_code": "8408.20", "value": 3000, "origin_country": "MX", "supplier": "Motor MX"},
             {"part_number": "CAB", "hs_code": "8707.90", "value": 7000, "origin_country": "MX", "usmca_originating": "Y"}]
    certs = tmp_path / "certs.xlsx"
    write_certificates(certs, [{**CERT, "supplier": "Motor MX", "valid_from": date(2024, 1, 1), "valid_to": date(2024, 12, 31),
                                "document": "MOTOR-2024", "regional_content_pct": 62}])
    result = roo_calc.evaluate(roo_calc.load_bom(make_bom(vehicle, lines)), roo_calc.load_regime("usmca-2020"), on,
                               certificates=roo_calc.load_certificates(certs))
    low = [a for a in result.assumptions if a.code == "certified-under-threshold"]
    if originating:
        assert rvc(result).value == 100 and not low
    else:
        assert rvc(result).value == 70
        assert len(low) == 1 and low[0].rows == (2,) and low[0].value_at_stake_cents == 300000
        assert "row 2 ENG states 62.00%" in low[0].text and "64%" in low[0].text and "2024-07-01" in low[0].text



@pytest.mark.parametrize("entered, in_force", [("2024-03-15", False), ("2025-05-01", True)])
@pytest.mark.parametrize("ends, finding", [(date(2023, 12, 31), "certificate-expired"), (date(2026, 12, 31), None)])
def test_tariff_not_in_force_rests_on_no_certificate(make_bom, tmp_path, entered, in_force, ends, finding):
    """Section 232 does not apply to a vehicle entered before 2025-04-03 (Proclamation 10908 cl.(1)):
    it listed an expired certification "value at stake 4,000.00", and solicit named it among the
    verdicts depending on the engine (review round 2, expired_cert_232.py). A tariff not in force
    on the entry date lists no certification finding or certified line, and no request names it;
    in force, the same certification is listed under it (expired: at stake; valid: relied on)."""
    vehicle = {**VEHICLE, "production_date": "2024-03-15", "entry_date": entered, "transaction_value": 30000}
    lines = [{"part_number": "E-1", "hs_code": "8407.34", "value": 4000, "origin_country": "MX", "supplier": "EngCo"},
             {"part_number": "S-1", "hs_code": "9401.20", "value": 1000, "origin_country": "JP", "supplier": "SeatCo",
              "usmca_originating": "N"}]
    path = with_sheet(make_bom(vehicle, lines), [("EngCo", None, "usmca", "Y", date(2023, 1, 1), ends, "DOC-ENG")])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "us-section-232-2025", "-r", "usmca-2020", "-f", "json"])
    assert out.exit_code == 0, out.output
    results = {r["regime"]: r for r in json.loads(out.output)["results"]}
    tariff, preference = results["us-section-232-2025"], results["usmca-2020"]
    for result in (tariff, preference) if in_force else (preference,):  # the certification bears on both
        if finding:
            assert [(a["code"], a["value_at_stake"]) for a in result["assumptions"] if a["code"] == finding] == [
                (finding, "4000.00")]
        else:
            assert [c["row"] for c in result["certified_lines"]] == [2]
    if not in_force:
        assert tariff["status"] == "no_duty"
        assert tariff["assumptions"] == [] and tariff["certified_lines"] == []
    text = runner.invoke(app, ["evaluate", str(path), "-r", "us-section-232-2025"])
    assert text.exit_code == 0 and ("DOC-ENG" in text.output) is in_force, text.output
    folder = tmp_path / "requests"
    asked = runner.invoke(app, ["solicit", str(path), "-r", "us-section-232-2025", "-r", "usmca-2020", "--output", str(folder)])
    assert asked.exit_code == 0, asked.output
    depends = ""
    if (folder / "request-engco.xlsx").exists():
        parts = load_workbook(folder / "request-engco.xlsx")["Parts"]
        depends = " ".join(str(row[6]) for row in parts.iter_rows(values_only=True) if row and row[0] == 2)
    assert "us-section-232-2025" not in depends or in_force, depends


ENGINE_LINES = [{"part_number": "E-1", "hs_code": "8407.34", "value": 4000, "origin_country": "MX", "supplier": "EngCo"},
                {"part_number": "S-1", "hs_code": "9401.20", "value": 1000, "origin_country": "JP", "supplier": "SeatCo",
                 "usmca_originating": "N"}]


@pytest.mark.parametrize("written", ["Eng Co", "ENG\u00a0CO", "engco ", "\uff25\uff4e\uff47\uff23\uff4f"])
def test_supplier_matches_ignoring_case_width_and_every_space(make_bom, written):
    """The README says suppliers match "ignoring case and spacing"; "Eng Co" did not match the BOM's
    "EngCo", and the certification was dropped silently (review round 2, cert_matches_nothing.py)."""
    path = with_sheet(make_bom(VEHICLE, ENGINE_LINES), [(written, None, "usmca", "Y", None, None, "ENG-CERT")])
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "-f", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [(c["row"], c["document"]) for c in data["results"][0]["certified_lines"]] == [(2, "ENG-CERT")]
    assert not [w for w in data["warnings"] if "ENG-CERT" in w]


@pytest.mark.parametrize("supplier, part, cell, named, closest", [
    ("EngCo Ltd", None, "A2", "names supplier 'EngCo Ltd'", "closest BOM suppliers: 'EngCo' (BOM row 2)"),
    ("Eng-Co", None, "A2", "names supplier 'Eng-Co'", "closest BOM suppliers: 'EngCo' (BOM row 2)"),
    ("EngCo", "E-2", "B2", "names part 'E-2' of supplier 'EngCo'", "closest parts of that supplier in the BOM: 'E-1' (BOM row 2)"),
])
def test_certificate_matching_no_line_is_a_located_warning(make_bom, supplier, part, cell, named, closest):
    """A Certificates row whose supplier (or supplier and part) no BOM line names is never used: validate
    said "Workbook is valid." and evaluate gave no warning. Punctuation and legal suffixes are not
    ignored (they may tell legal persons apart): such a near miss is a warning at the row, naming the
    closest supplier names (or that supplier's parts) of the BOM."""
    path = with_sheet(make_bom(VEHICLE, ENGINE_LINES), [(supplier, part, "usmca", "Y", None, None, "ENG-CERT")])
    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    (line,) = [x for x in checked.output.splitlines() if "ENG-CERT" in x]
    assert line.startswith(f"{path}:Certificates!{cell}: warning: ") and named in line and closest in line, line
    assert "it is not used" in line
    out = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020", "-f", "json"])
    data = json.loads(out.output)
    (warning,) = [w for w in data["warnings"] if "ENG-CERT" in w]
    assert warning.startswith(f"{path}:Certificates!{cell}: warning: ") and closest in warning
    assert data["results"][0]["certified_lines"] == []
    text = runner.invoke(app, ["evaluate", str(path), "-r", "usmca-2020"])
    assert named in text.output


def test_certificates_file_rows_matching_no_line_are_warned_and_counted(make_bom, tmp_path):
    """A --certificates workbook may hold other vehicles' suppliers: each row that matches no line
    of this BOM is a warning at its row, the first 20 shown and the rest counted in one more."""
    from roo_calc.certificates.unmatched import SHOWN

    bom = make_bom(VEHICLE, ENGINE_LINES)
    certs = tmp_path / "certs.xlsx"
    others = [{"supplier": f"Other {n}", "agreement": "usmca", "originating": True, "document": f"O-{n}"}
              for n in range(SHOWN + 5)]
    write_certificates(certs, [{"supplier": "EngCo", "agreement": "usmca", "originating": True, "document": "ENG"}, *others])
    out = runner.invoke(app, ["evaluate", str(bom), "-r", "usmca-2020", "-f", "json", "--certificates", str(certs)])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    warned = [w for w in data["warnings"] if "no line of" in w]
    assert len(warned) == SHOWN + 1 and all(w.startswith(f"{certs}:Certificates") for w in warned)
    assert warned[0].startswith(f"{certs}:Certificates!A3: warning: ") and "'Other 0'" in warned[0]
    assert "and 5 more certifications" in warned[-1]
    assert [c["document"] for c in data["results"][0]["certified_lines"]] == ["ENG"]
