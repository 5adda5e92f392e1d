"""Every command's JSON output validates against its published JSON Schema (schema/*.json), and
money has a fixed scale of 2 decimals."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import ROOT, SAMPLES

runner = CliRunner()
SCHEMAS = {p.name: json.loads(p.read_text()) for p in (ROOT / "schema").glob("*.json")}
REGISTRY = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values())
SEDAN = str(SAMPLES / "compact-sedan-mx.xlsx")
SCENARIO = str(ROOT / "scenarios" / "sedan-transmission-to-mexico.toml")


def _valid(schema: str, data: dict) -> None:
    Draft202012Validator.check_schema(SCHEMAS[schema])
    errors = sorted(Draft202012Validator(SCHEMAS[schema], registry=REGISTRY).iter_errors(data), key=lambda e: e.path)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@pytest.mark.parametrize("schema, args", [
    ("evaluate.json", ["evaluate", SEDAN]),
    ("evaluate.json", ["evaluate", SEDAN, "--as-of", "2025-06-01", "--all-lines"]),
    ("evaluate.json", ["evaluate", str(SAMPLES / "suv-ca.xlsx")]),
    ("evaluate-fleet.json", ["evaluate", str(SAMPLES / "fleet" / "aurora-fleet.xlsx"), "--average-by", "model-line"]),
    ("compare.json", ["compare", SEDAN, "-s", SCENARIO]),
    ("advise.json", ["advise", SEDAN, "-r", "usmca-2020", "--premium", "4"]),
    ("advise.json", ["advise", str(SAMPLES / "suv-ca.xlsx"), "-r", "usmca-2020"]),
], ids=lambda v: v if isinstance(v, str) else " ".join(a.rsplit("/", 1)[-1] for a in v))
def test_output_matches_its_schema(schema, args):
    out = runner.invoke(app, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    _valid(schema, data)
    if schema != "evaluate-fleet.json":
        assert data["schema_version"] == "1" and data["command"] == args[0] and "warnings" in data


def test_all_lines_lists_every_counting_line():
    data = json.loads(runner.invoke(app, ["evaluate", SEDAN, "-r", "usmca-2020", "-f", "json", "--all-lines"]).stdout)
    rvc = next(r for r in data["results"][0]["requirements"] if r["id"] == "rvc")
    assert len(rvc["lines"]) > 10
    counted = [float(line["counted"]) for line in rvc["lines"]]
    assert counted == sorted(counted, reverse=True) and all(c > 0 for c in counted)
    assert sum(float(line["counted_exact"]) for line in rvc["lines"]) == pytest.approx(float(rvc["figures"]["vnm"]), abs=0.01)
