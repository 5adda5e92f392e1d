"""Each core-part line's reason (UR 14) is built once per distinct wording, and says exactly what
the one-line-at-a-time construction said.

`reference_core_basis` is that construction, kept here as the slow reference.  The engine's
`_core_basis` is wrapped so that every call made by an evaluation is compared with it: on a real
.xlsx BOM whose lines give every wording (each status of a line that states its content,
certified under the threshold among them, each reason for counting the full value, roll-up,
materials of a self-produced core part, rounding to the half cent, thousands), under each group
and with the pass decided by each part and by the super-core; then on random BOMs.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from fractions import Fraction
from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import roo_calc
from roo_calc.display import money as display_money, pct as display_pct
from roo_calc.engine import usmca_auto
from roo_calc.engine.determine import evaluate
from roo_calc.engine.made_parts import owner_of
from roo_calc.engine.requirements import worded
from roo_calc.numbers import PCT_E4, SHARE_ONE
from tests.test_forms_agree import REGIMES, SETTINGS, line, make_bom as random_bom, vehicle

CORE_REGIMES = [r for r in REGIMES.values() if any(q.kind == "core_parts" for q in r.requirements.values())]


def reference_core_basis(ctx, core, originating, scaled, group_of, owner, own_share) -> np.ndarray:
    """The reasons built line by line, as before (the wording the tests and reports pin), except
    that a full-value line under the threshold by its stated content (a material of a self-produced
    core part) says so: it said "no certification and no stated regional content"."""
    lines = ctx.lines
    field = ctx.regime.certification_field
    in_region = lines.in_countries(ctx.regime.region)
    certified, declined = lines.flag(field)
    basis = np.full(len(core), "", dtype=object)
    rc, rc_stated = lines.pct("regional_content_e4")
    for i in np.flatnonzero(core).tolist():
        group = f"{group_of[i]} (material of the self-produced core part at row {owner[i]})" if owner[i] > 0 \
            else f"{group_of[i]} (core part)"
        if own_share[i] and scaled[i] > 0:
            status = ("originating (certified) and " if originating[i] and certified[i] else
                      "originating by its stated content and " if originating[i] else
                      f"non-originating on its own ({field} = Y, but its stated content is under the threshold) and "
                      if certified[i] else "non-originating on its own (no certification, stated content under the threshold) and ")
            basis[i] = (f"{group}: {status}states {display_pct(Fraction(int(rc[i]), PCT_E4))}% regional content: "
                        f"counts the rest, {display_money(Fraction(int(scaled[i]), SHARE_ONE))}, as non-originating "
                        "materials (UR 14(10)(a); stated content read as net cost)")
        elif scaled[i] > 0:
            why = (f", made in {lines.origin[i]}" if not in_region[i] else
                   f", certified non-originating ({field} = N)" if declined[i] else
                   f", certified {field} = Y but its stated content is under the threshold" if certified[i] else
                   ", no certification and its stated content under the threshold" if rc_stated[i] else
                   ", no certification and no stated regional content")
            basis[i] = f"{group}: non-originating, full value{why}"
        elif originating[i]:
            basis[i] = group + (": originating (certified)" if certified[i] else ": originating by its stated content")
    return basis


@contextmanager
def compared(seen: list[np.ndarray]):
    """Every `_core_basis` call compared with the reference; the bases are appended to `seen`."""
    built = usmca_auto._core_basis

    def check(*args):
        basis = built(*args)
        expected = reference_core_basis(*args)
        assert basis.dtype == object and basis.shape == expected.shape
        assert basis.tolist() == expected.tolist()
        seen.append(basis)
        return basis

    with mock.patch.object(usmca_auto, "_core_basis", check):
        yield


VEHICLE = {"model": "Reasons", "hs_code": "8703.23", "assembly_country": "MX", "production_date": "2024-05-01",
           "net_cost": 4_000_000}


def _bought(part, hs, value, origin="MX", cert=None, rc=None, group=None, **more):
    return {"part_number": part, "hs_code": hs, "value": value, "origin_country": origin, "usmca_originating": cert,
            "nafta_originating": cert, "regional_content_pct": rc, "core_part_group": group, **more}


# One line per wording of the engine group, then one of each other group; a self-produced
# steering system with its materials; amounts at the half cent and in the millions.
VARIANTS = [
    _bought("E1", "8407.34", 1_234_567.89, cert="Y", rc=80),  # originating (certified), states content
    _bought("E2", "8407.34", 1000, rc=90.5555),  # originating by its stated content
    _bought("E3", "8407.34", 2000, cert="Y", rc=62.5),  # certified, under the threshold
    _bought("E4", "8407.34", 0.03, rc=50),  # no certification, under: 1.5 cents, half to even
    _bought("E5", "8407.34", 0.01, rc=50),  # 0.5 cents
    _bought("E6", "8407.34", 0.05, cert="Y", rc=70),  # 1.5 cents
    _bought("E7", "8407.34", 500, origin="JP"),  # made outside the region
    _bought("E8", "8407.34", 600, origin="JP", cert="Y", rc=80),  # certified but made outside
    _bought("E9", "8407.34", 700, cert="N"),  # certified N
    _bought("E10", "8407.34", 800, cert="N", rc=90),  # certified N although the content meets the threshold
    _bought("E11", "8407.34", 900),  # nothing on file
    _bought("E12", "8407.34", 1100, cert="Y"),  # certified, roll-up
    _bought("E13", "8407.34", 1200, rc=100),  # by content, counts nothing
    _bought("E14", "8407.34", 1300, cert="Y", rc=100),  # certified, counts nothing
    _bought("E15", "8407.34", 0, origin="CN"),  # counts nothing, not originating: blank
    _bought("E16", "8407.34", 1400, origin="US", rc=75),  # exactly at the threshold
    _bought("T1", "8708.40", 3000, origin="US", cert="Y", rc=76.25),
    _bought("T2", "8483.40", 400, origin="DE", group="transmission"),  # an "ex" code, declared
    _bought("B1", "8707.10", 5000, origin="CA", rc=88.8888),
    _bought("A1", "8708.50", 2500, origin="CN"),
    _bought("S1", "8708.80", 1500, cert="Y"),
    _bought("K1", "8507.60", 9000, origin="KR", group="advanced_battery"),
    _bought("N1", "8708.29", 700, origin="JP", group="none"),  # declared no core part
    _bought("X1", "9401.20", 800, origin="JP"),  # no core part
    {"level": 1, "procurement": "make", "part_number": "STEER", "hs_code": "8708.94", "value": 4000, "origin_country": "MX"},
    _bought("M1", "8537.10", 300, origin="JP", level=2),
    _bought("M2", "8708.94", 200, cert="Y", rc=40, level=2),  # a material: roll-up, its content not used
    _bought("M3", "7318.15", 100, rc=90, level=2),
    _bought("M5", "7318.15", 60, rc=30, level=2),  # no certification, under the threshold
    _bought("M4", "7318.15", 50, cert="N", level=2),
]
# The same groups, each part originating (certified, no stated content): passes each part.
EACH_PART = [_bought(f"P{i}", hs, 1000 * (i + 1), cert="Y") for i, hs in
             enumerate(["8407.34", "8708.40", "8707.10", "8708.50", "8708.80", "8708.94"])] + [
    _bought("P9", "8708.40", 10, origin="JP")]


def test_every_core_part_wording_equals_the_line_by_line_reference(make_bom):
    kinds, options = set(), set()
    on = datetime.date(2024, 5, 1)
    for lines, hs in ((VARIANTS, "8703.23"), (VARIANTS, "8704.21"), (EACH_PART, "8703.23")):
        bom = roo_calc.load_bom(make_bom(dict(VEHICLE, hs_code=hs), lines))
        for regime in CORE_REGIMES:
            seen: list[np.ndarray] = []
            with compared(seen):
                result = evaluate(bom, regime, on, REGIMES)
            core = next(r for r in result.requirements if r.kind == "core_parts")
            if core.figures:
                options.add(core.figures["option"])
            for basis in seen:
                kinds.update(str(b).split(": ", 1)[-1].split(" states ")[0].split(", ")[0] for b in basis if b)
                kinds.update("material" for b in basis if "material of the self-produced core part" in str(b))
                kinds.update(g for g in ("engine", "transmission", "body_chassis", "axle", "suspension", "steering",
                                         "advanced_battery") if any(str(b).startswith(g) for b in basis))
    assert {"originating (certified) and", "originating by its stated content and",
            "non-originating on its own (usmca_originating = Y", "non-originating on its own (no certification",
            "non-originating", "originating (certified)", "originating by its stated content", "material",
            "engine", "transmission", "body_chassis", "axle", "suspension", "steering", "advanced_battery"} <= kinds, kinds
    assert {"each core part (UR 14(4))", "super-core: all core parts as one (UR 14(10))"} <= options, options


def test_half_cents_and_thousands_read_as_before(make_bom):
    bom = roo_calc.load_bom(make_bom(VEHICLE, VARIANTS))
    seen: list[np.ndarray] = []
    with compared(seen):
        evaluate(bom, REGIMES["usmca-2020"], datetime.date(2024, 5, 1), REGIMES)
    texts = " | ".join(str(b) for b in seen[0])
    for words in ("counts the rest, 246,913.58,", "states 90.55% regional content", "counts the rest, 0.02,",
                  "counts the rest, 0.00,", "engine (core part): non-originating, full value, made in JP",
                  "steering (material of the self-produced core part at row",
                  "full value, certified usmca_originating = Y but its stated content is under the threshold",
                  "full value, no certification and its stated content under the threshold"):
        assert words in texts, words


@SETTINGS
@given(st.lists(line, min_size=1, max_size=14), vehicle)
def test_random_core_part_reasons_equal_the_reference(lines, facts):
    bom = random_bom(lines, facts)
    seen: list[np.ndarray] = []
    with compared(seen):
        for regime in CORE_REGIMES:
            evaluate(bom, regime, facts["on"], REGIMES)


@given(st.integers(-10**12, 10**12))
def test_money_of_whole_cents_equals_the_decimal_path(cents):
    """`money` formats an int without a Decimal; a Fraction of the same amount goes the Decimal way."""
    assert display_money(cents) == display_money(Fraction(cents))


@given(st.lists(st.integers(0, 10**15), min_size=1, max_size=30))
def test_half_even_cents_equal_the_fraction_rounding(scaled):
    cents = usmca_auto._half_even(np.array(scaled, dtype=np.int64), SHARE_ONE)
    assert [display_money(int(c)) for c in cents] == [display_money(Fraction(s, SHARE_ONE)) for s in scaled]


@given(st.lists(st.one_of(st.none(), st.integers(1, 40)), max_size=30),
       st.dictionaries(st.integers(1, 40), st.integers(0, 40), max_size=10))
def test_owner_of_equals_a_lookup_per_line(parents, outer):
    expected = [0 if p is None else outer.get(p, 0) for p in parents]
    assert owner_of(pd.Series(pd.array(parents, dtype="Int64")), outer).tolist() == expected


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", "made in JP"]), st.sampled_from(["x", "yz"])), max_size=30))
def test_worded_joins_each_line_and_shares_each_text(pairs):
    first = np.array([a for a, _b in pairs], dtype=object)
    second = np.array([b for _a, b in pairs])
    joined = worded("<", first, ": ", second, ">")
    assert joined.dtype == object and joined.tolist() == [f"<{a}: {b}>" for a, b in pairs]
    assert len({id(t) for t in joined}) == len(set(joined.tolist()))
