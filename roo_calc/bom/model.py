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
steel_melted_poured        boolean      nullable: the steel was melted and poured in the region (UR 17(5)(b))
resourcing_premium_e4      Int64        nullable
level                      int64        1 = directly in the vehicle (multi-level BOMs)
parent_row                 Int64        row of the nearest ``make`` line above it; <NA> at level 1
=========================  ===========  =====================================================

In a multi-level BOM, `lines` holds only the materials that count: bought lines whose ancestors
are all self-produced (``make``).  Their quantity and values are for the vehicle: a line's own
quantity (per unit of its parent) multiplied by every ancestor's.  `made` holds the ``make``
lines themselves with the same columns (value_cents = the part's own cost of production per
vehicle), and `supplier_detail_rows` the rows below bought lines (a supplier's sub-BOM, shown
for information and never counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

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
    new_plant: str | None = None  # "new" or "refit" (USMCA UR 20(8)), as the producer states
    first_prototype_date: date | None = None
    persons: int | None = None  # persons it is built to transport, driver included (USMCA UR 20(2)(a), 20(3)(a)(ii))
    quantity_basis: str | None = None  # "per_parent" or "exploded" as declared; None = not declared (per_parent)
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
    given_by: dict[str, str] = {}  # field -> what set it instead of the Vehicle sheet (a scenario)

    def source_of(self, *fields: str) -> str:
        """Where the fields' values come from, as a report cites it: the Vehicle sheet (with the
        cell when one field is asked for), or the scenario that set them, or both."""
        places: list[str] = []
        for field in fields:
            place = self.given_by.get(field)
            if place is None:
                cell = self.cells.get(field) if len(fields) == 1 else None
                place = f"Vehicle sheet, cell {cell}" if cell else "Vehicle sheet"
            if place not in places:
                places.append(place)
        if len(places) == 1:
            return places[0]
        return " and ".join(place if place in self.given_by.values() else f"the {place}" for place in places)


class FxRate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: str
    rate: Decimal
    date: str | None = None
    source: str | None = None
    row: int


@dataclass
class LineRef:
    """A BOM line as outputs name it: its row, part, HS code, origin and value (cents)."""

    row: int
    part_number: str
    description: str | None
    hs_code: str
    origin_country: str
    value_cents: int

    @classmethod
    def of_line(cls, lines: pd.DataFrame, i: int, **more):
        """The line at position `i` of a lines frame; `more` fills a subclass's own fields."""
        return cls(row=int(lines["row"].iat[i]), part_number=str(lines["part_number"].iat[i]),
                   description=lines["description"].iat[i], hs_code=str(lines["hs_code"].iat[i]),
                   origin_country=str(lines["origin_country"].iat[i]), value_cents=int(lines["value_cents"].iat[i]), **more)

    @classmethod
    def of_lines(cls, lines: pd.DataFrame, positions: list[int], **more: list) -> list:
        """`of_line` for many positions at once, each column read once (a line at a time took
        seconds for tens of thousands of lines); `more` gives each subclass field per position."""
        pick = lines.iloc[positions]
        columns = [pick[name].tolist() for name in ("row", "part_number", "description", "hs_code", "origin_country", "value_cents")]
        return [cls(row=int(r), part_number=str(p), description=d, hs_code=str(h), origin_country=str(o), value_cents=int(v),
                    **{name: values[k] for name, values in more.items()})
                for k, (r, p, d, h, o, v) in enumerate(zip(*columns, strict=True))]


@dataclass(frozen=True)
class ReaderRules:
    """What the reader takes from the loaded rules: the core-part groups a core_part_group cell
    may name (besides none), the (vehicle type, HS entries) rows that give a blank
    vehicle_type (USMCA UR s.12), and the assembly credits lvc_assembly_points may claim besides 0."""

    core_part_groups: tuple[str, ...]
    vehicle_types_by_hs: tuple[tuple[str, tuple[str, ...]], ...]
    assembly_credits: tuple[Decimal, ...] = ()  # the rule files' high-wage assembly credits (USMCA UR 18(12)-(14))


@dataclass(frozen=True)
class MappedColumn:
    """One header mapping that was used: the workbook's `header` on `sheet` read as the
    contract's `column`, as `source` says (the Columns sheet's row, or a --columns file)."""

    sheet: str
    header: str
    column: str
    source: str

    def __str__(self) -> str:
        return f"{self.sheet} {self.header!r} -> {self.column} ({self.source})"


def empty_made() -> pd.DataFrame:
    """No self-produced lines (a single-level BOM)."""
    return pd.DataFrame({"row": pd.array([], dtype="int64"), "part_number": pd.Series([], dtype=object),
                         "description": pd.Series([], dtype=object), "hs_code": pd.Series([], dtype=object),
                         "origin_country": pd.Series([], dtype=object), "value_cents": pd.array([], dtype="int64"),
                         "level": pd.array([], dtype="int64"), "parent_row": pd.array([], dtype="Int64"),
                         "core_part_group": pd.Series([], dtype=object)})


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
    made: pd.DataFrame = Field(default_factory=empty_made)  # the self-produced (make) lines
    supplier_detail_rows: tuple[int, ...] = ()  # rows below bought lines: not counted
    column_mapping: tuple[MappedColumn, ...] = ()  # header mappings used (Columns sheet, --columns)
    proposed_columns: tuple[MappedColumn, ...] = ()  # mappings proposed for unused headers that look like contract columns
    levels: int = 1  # the deepest level in the BOM sheet, supplier sub-BOM lines included (1 for a flat BOM)

    def children_rows(self, row: int) -> list[int]:
        """Rows of the counted materials and make lines directly below a make line."""
        found = [int(r) for frame in (self.lines, self.made)
                 for r in frame["row"][(frame["parent_row"] == row).fillna(False).to_numpy(dtype=bool)]]
        return sorted(found)

    @property
    def materials_cents(self) -> int:
        return int(self.lines["value_cents"].sum())
