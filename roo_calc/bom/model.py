"""The validated BOM: a frozen vehicle record, exact-money BOM lines, and where each came from.

Money fields are integer cents of the vehicle's currency (see `roo_calc.numbers`); percentages
are integer ten-thousandths of a percent.  The lines are a pandas DataFrame with these columns:

=========================  ===========  =====================================================
column                     dtype        meaning
=========================  ===========  =====================================================
row                        int64        the line's row in the BOM sheet (for messages, reports)
part_number, description   object/str   as written (part numbers are always text)
hs_code                    object/str   digits only, 6 to 10
quantity                   object       Decimal
value_cents                int64        extended value per vehicle, vehicle currency
currency                   object/str   the line's own currency
origin_country             object/str   ISO alpha-2
supplier                   object/str
nafta_originating          boolean      nullable: <NA> = no certification on file
usmca_originating          boolean      nullable
regional_content_e4        Int64        nullable, ten-thousandths of a percent
us_content_e4              Int64        nullable
nafta_traced_value_cents   Int64        nullable, vehicle currency
material                   object/str   "steel", "aluminum" or None
high_wage                  boolean      nullable
core_part_group            object/str   a Table A.2 group, "none" (declared not a core part), or None
steel_content_value_cents  Int64        nullable, vehicle currency: the steel in this line (UR 17(2))
aluminum_content_value_cents Int64      nullable, vehicle currency
resourcing_premium_e4      Int64        nullable
=========================  ===========  =====================================================
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from roo_calc.certificates.model import Certificate
from roo_calc.errors import Problem


class Vehicle(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    hs_code: str
    vehicle_type: str
    vehicle_type_inferred: bool = False
    assembly_country: str
    production_date: date | None = None
    entry_date: date | None = None  # tariff regimes key on entry; None = production_date
    msrp_cents: int | None = None
    tariff_rate_quota: str | None = None  # "in", "out" or None (unknown)
    asr_approved_through: date | None = None
    currency: str = "USD"
    net_cost_cents: int
    total_cost_cents: int | None = None
    excluded_costs_cents: dict[str, int] = {}
    net_cost_derived: bool = False
    transaction_value_cents: int | None = None
    plant: str | None = None
    producer: str | None = None
    model_year: str | None = None
    annual_volume: int | None = None
    steel_purchases_cents: int | None = None
    steel_purchases_originating_cents: int | None = None
    aluminum_purchases_cents: int | None = None
    aluminum_purchases_originating_cents: int | None = None
    lvc_high_wage_labor_cents: int | None = None
    lvc_high_wage_materials_cents: int | None = None
    lvc_technology_points_e4: int | None = None
    lvc_assembly_points_e4: int | None = None
    cells: dict[str, str] = {}  # field -> cell reference on the Vehicle sheet


class FxRate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: str
    rate: Decimal
    date: str | None = None
    source: str | None = None
    row: int


class Bom(BaseModel):
    """A BOM workbook after validation: what the engine consumes."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: str
    sha256: str
    vehicle: Vehicle
    lines: pd.DataFrame
    fx: tuple[FxRate, ...] = ()
    warnings: tuple[Problem, ...] = ()
    extra_columns: tuple[str, ...] = ()
    certificates: tuple[Certificate, ...] = ()  # the Certificates sheet, then any --certificates files

    @property
    def tariff_date(self) -> date | None:
        """The date tariff regimes key on: entry_date, else production_date."""
        return self.vehicle.entry_date or self.vehicle.production_date

    @property
    def materials_cents(self) -> int:
        return int(self.lines["value_cents"].sum())
