"""The requirement kinds a rule file may name (`kind = ...`), each with its evaluator: the one
place a new kind is listed.  A kind marked `linear` returns its exact linear form
(`engine.linear`) whenever it can decide, so that `advise` and the batch path can move it line
by line; the others (duty amounts) are evaluated whole."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Callable, Sequence

from roo_calc.engine import core_origin, requirements, tariffs, usmca_auto
from roo_calc.engine.requirements import Context
from roo_calc.engine.result import RequirementResult
from roo_calc.rules.model import Requirement


@dataclass(frozen=True)
class Kind:
    evaluate: Callable[[Context, str, Requirement], RequirementResult]
    linear: bool  # its result carries a `LinearForm` (sourcing moves it line by line)


KINDS: dict[str, Kind] = {
    "regional_value_content": Kind(partial(requirements.regional_value_content,
                                           credits={"lvc_credit": usmca_auto.excess_lvc_credit}), linear=True),
    "us_content": Kind(requirements.us_content, linear=True),
    "tariff_shift": Kind(requirements.tariff_shift, linear=True),
    "core_parts": Kind(usmca_auto.core_parts, linear=True),
    "purchases": Kind(usmca_auto.purchases, linear=True),
    "labor_value_content": Kind(usmca_auto.labor_value_content, linear=True),
    "section_232": Kind(tariffs.section_232, linear=False),
    "section_232_parts": Kind(tariffs.section_232_parts, linear=False),
}

LINEAR_KINDS = frozenset(name for name, kind in KINDS.items() if kind.linear)

# Run once a regime's requirements are all evaluated, in this order: each may restate a result in
# the light of another's (a vehicle RVC counting a core part whose origin the core-parts test
# decides, USMCA UR 14(2), 14(12); so, too, steel and aluminum purchases, 17(2)).  Each returns the results, restated where it has to.
Settle = Callable[[Context, list[RequirementResult]], list[RequirementResult]]
SETTLE: Sequence[Settle] = (core_origin.rvc_rests_on_core_parts, core_origin.purchases_rest_on_core_parts)
