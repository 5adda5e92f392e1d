"""How a determination is named in every report: preference regimes have verdicts
(eligible, not eligible, needs review), tariff regimes have a duty (duty, no duty), and a
status roo-calc does not know by name is shown as it is, never as a pass."""

from __future__ import annotations

from fractions import Fraction

from roo_calc.display import money
from roo_calc.engine.result import Determination, RequirementResult

LABELS = {"eligible": "ELIGIBLE", "not_eligible": "NOT ELIGIBLE", "needs_review": "NEEDS REVIEW",
          "not_applicable": "NOT APPLICABLE", "duty": "DUTY", "no_duty": "NO DUTY"}
REQUIREMENT_LABELS = {"pass": "PASS", "fail": "FAIL", "needs_review": "REVIEW", "not_applicable": "N/A"}


def label(status: str) -> str:
    return LABELS.get(status, status.replace("_", " ").upper())


def requirement_code(req: RequirementResult) -> str:
    """A requirement's status word; a duty (a tariff's requirement) is `duty` / `no_duty`."""
    if req.threshold is None and req.status in ("pass", "fail") and isinstance(req.figures.get("duty"), (int, Fraction)):
        return "duty" if req.figures["duty"] else "no_duty"
    return req.status


def requirement_label(req: RequirementResult) -> str:
    code = requirement_code(req)
    return REQUIREMENT_LABELS.get(code, LABELS.get(code, code.replace("_", " ").upper()))


def is_tariff(d: Determination) -> bool:
    return d.regime_kind == "tariff" or d.status in ("duty", "no_duty")


def duty(d: Determination) -> Fraction | None:
    """A tariff regime's duty per vehicle in cents (None when it cannot be said)."""
    if not is_tariff(d) or d.status not in ("duty", "no_duty", "eligible", "not_eligible"):
        return None
    amounts = [r.figures.get("duty") for r in d.requirements]
    known = [Fraction(a) for a in amounts if isinstance(a, (int, Fraction))]
    return sum(known, Fraction(0)) if known else None


def status_code(d: Determination) -> str:
    """The status word for JSON and filters: `duty` / `no_duty` for a tariff regime whose duty is
    known, else the determination's own status."""
    amount = duty(d)
    if amount is None:
        return d.status
    return "duty" if amount else "no_duty"


def status_label(d: Determination) -> str:
    """A preference regime's verdict; for a tariff regime, the duty and its amount."""
    amount = duty(d)
    if amount is None:
        return label(d.status)
    return f"DUTY {money(amount, up=True)}" if amount else "NO DUTY"
