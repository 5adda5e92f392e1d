"""Shared test helpers: real .xlsx workbooks written to a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from roo_calc.bom.template import write_workbook

# Hypothesis profiles: "ci" (the default) draws the same examples on every run, so a red CI is
# reproducible; "long" draws fresh random examples, many more where a test does not pin its
# own count: HYPOTHESIS_PROFILE=long python -m pytest tests/test_invariants.py
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("long", derandomize=False, deadline=None, max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_boms"
SAMPLE_FILES = sorted(SAMPLES.glob("*.xlsx"))

BASE_VEHICLE = {"model": "Test car", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-05-01",
                "net_cost": 10000}
BASE_LINES = [
    {"part_number": "00100", "hs_code": "8708.40", "value": 2000, "origin_country": "JP"},
    {"part_number": "00200", "hs_code": "8708.29", "quantity": 2, "unit_value": 1000, "origin_country": "MX",
     "usmca_originating": "Y", "nafta_originating": "Y", "regional_content_pct": 80},
]


@pytest.fixture
def make_bom(tmp_path):
    """Write a BOM workbook from a vehicle dict and line dicts; returns its path."""
    counter = iter(range(10_000))

    def make(vehicle=None, lines=None, fx=(), name=None, **kwargs) -> Path:
        path = tmp_path / (name or f"bom{next(counter)}.xlsx")
        write_workbook(path, BASE_VEHICLE if vehicle is None else vehicle, BASE_LINES if lines is None else lines, fx, **kwargs)
        return path

    return make
