"""Duty exposure: what a preference is worth for a vehicle, in money.

When the vehicle qualifies, the importing country's general (MFN) duty is saved; when it does
not, that duty is owed.  Per vehicle on the transaction value, and per year at `annual_volume`,
at the rate in force on the entry date (`entry_date`, else the date evaluated).  Rates come from
rules/mfn/<country>.toml (US, CA, MX).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict

from roo_calc.bom.model import Bom
from roo_calc.engine.result import Determination
from roo_calc.rules.model import MfnTable


class DutyExposure(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    import_into: str
    effect: str | None  # "saved", "owed", or None when it cannot be said
    rate: str | None = None
    rate_citation: str | None = None
    per_vehicle_cents: Fraction | None = None
    annual_volume: int | None = None
    per_year_cents: Fraction | None = None
    note: str | None = None


def duty_exposure(bom: Bom, result: Determination, table: MfnTable | None, import_into: str) -> DutyExposure | None:
    """The MFN duty at stake for a preference regime's verdict (None for tariff regimes)."""
    if result.regime_kind != "preference":
        return None
    vehicle = bom.vehicle
    if vehicle.assembly_country == import_into:
        return DutyExposure(import_into=import_into, effect=None, note=f"assembled in {import_into}: not an import")
    if table is None:
        return DutyExposure(import_into=import_into, effect=None, note=f"no duty-rate table for {import_into} in rules/mfn/")
    entry = vehicle.entry_date or result.as_of  # duties key on the entry date
    rate = table.rate_for(vehicle.hs_code, entry)
    if rate is None:
        return DutyExposure(import_into=import_into, effect=None, note=f"no {import_into} duty rate on file for HS {vehicle.hs_code} on {entry}")
    citation = rate.citation + (f" [UNCONFIRMED: {rate.note.removeprefix('UNCONFIRMED: ')}]" if rate.unconfirmed and rate.note else "")
    base: dict[str, Any] = dict(import_into=import_into, rate=str(rate.rate), rate_citation=citation)
    if vehicle.transaction_value_cents is None:
        return DutyExposure(**base, effect=None, note="transaction_value not given (Vehicle sheet): duty cannot be computed")
    effect = {"eligible": "saved", "not_eligible": "owed", "not_applicable": "owed"}.get(result.status)
    per_vehicle = Fraction(vehicle.transaction_value_cents) * Fraction(rate.rate) / 100
    per_year = per_vehicle * vehicle.annual_volume if vehicle.annual_volume else None
    note = ("the regime does not cover this vehicle: no preference under it" if result.status == "not_applicable"
            else None if effect else "the verdict needs review: the duty is at stake either way")
    return DutyExposure(**base, effect=effect, per_vehicle_cents=per_vehicle, annual_volume=vehicle.annual_volume,
                        per_year_cents=per_year, note=note)


def with_duty_exposure(bom: Bom, results: list[Determination], import_into: str, table: MfnTable | None) -> list[Determination]:
    """The same determinations, each preference regime's carrying its duty exposure."""
    return [r.model_copy(update={"duty_exposure": duty_exposure(bom, r, table, import_into)}) for r in results]
