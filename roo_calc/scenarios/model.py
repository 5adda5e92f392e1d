"""The scenario-file schema (TOML): a named list of changes to BOM lines and to the vehicle.

    name = "Re-source the transmission to Mexico"
    description = "..."

    [[change]]
    select = { hs_prefix = "8708.40", origin_country = "JP" }      # every condition must hold
    set = { origin_country = "MX", usmca_originating = "Y", nafta_originating = "Y", price_change_pct = 4 }

    [vehicle]
    assembly_country = "US"

Selectors: part_number, hs_prefix, supplier, origin_country, core_part_group, material (each a
value or a list of values).  Line fields that can be set: origin_country, supplier,
usmca_originating, nafta_originating, high_wage (Y/N or true/false), regional_content_pct,
us_content_pct, value (per vehicle, in the vehicle's currency) or price_change_pct.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roo_calc.codes import countries

# Bounds on what a scenario may set: beyond them a value is a typing slip (1e30), and exact
# sums would overflow.  No vehicle costs ten billion; no price rises a hundredfold.
MAX_AMOUNT = Decimal(10) ** 10
MAX_PRICE_CHANGE_PCT = Decimal(10_000)
MAX_POINTS = Decimal(100)

class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_M = TypeVar("_M", bound=_Strict)
_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}


def built(cls: type[_M], **values: Any) -> _M:
    """`cls.model_construct(**values)` for values already checked: the same model (its fields,
    their order, the fields set), set as pickle restores one rather than field by field.  A file
    of ten thousand scenarios makes one per scenario; tests/test_scenarios.py holds it equal."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple((name, None if field.is_required() else field.get_default(call_default_factory=True))
                                      for name, field in cls.model_fields.items())
    model = cls.__new__(cls)
    model.__setstate__({"__dict__": {name: values.get(name, default) for name, default in fields},
                        "__pydantic_fields_set__": set(values), "__pydantic_extra__": None, "__pydantic_private__": None})
    return model


def _yn(value):
    """TOML's true/false, or the text a workbook's Y/N cell may hold (one reading: `parse_yn`)."""
    if value is None or isinstance(value, bool):
        return value
    from roo_calc.bom.reader import parse_yn

    return parse_yn(str(value))


def _many(value):
    if value is None:
        return None
    values = tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else (str(value),)
    if not values:
        raise ValueError("an empty list selects nothing; give at least one value, or leave the key out")
    if any(not v.strip() for v in values):
        raise ValueError("an empty value would select every line; give a value, or leave the key out")
    return values


class Selector(_Strict):
    part_number: tuple[str, ...] | None = None
    hs_prefix: tuple[str, ...] | None = None
    supplier: tuple[str, ...] | None = None
    origin_country: tuple[str, ...] | None = None
    core_part_group: tuple[str, ...] | None = None
    material: tuple[str, ...] | None = None

    _normalize = field_validator("*", mode="before")(classmethod(lambda cls, v: _many(v)))

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        if not any(getattr(self, name) for name in type(self).model_fields):
            raise ValueError("a selector needs at least one of: " + ", ".join(type(self).model_fields))
        return self

    def describe(self) -> str:
        return ", ".join(f"{k} = {'|'.join(v)}" for k, v in self.model_dump().items() if v)


class LineEdit(_Strict):
    origin_country: str | None = None
    supplier: str | None = None
    usmca_originating: bool | None = None
    nafta_originating: bool | None = None
    high_wage: bool | None = None
    regional_content_pct: Decimal | None = Field(default=None, ge=0, le=100)
    us_content_pct: Decimal | None = Field(default=None, ge=0, le=100)
    value: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    price_change_pct: Decimal | None = Field(default=None, gt=-100, le=MAX_PRICE_CHANGE_PCT)

    _flags = field_validator("usmca_originating", "nafta_originating", "high_wage", mode="before")(
        classmethod(lambda cls, v: _yn(v)))

    @field_validator("origin_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in countries():
            raise ValueError(f"expected an ISO 3166-1 alpha-2 country code, found {value!r}")
        return value.upper() if value else value

    @model_validator(mode="after")
    def _one_price(self) -> LineEdit:
        if self.value is not None and self.price_change_pct is not None:
            raise ValueError("give value or price_change_pct, not both")
        if not any(getattr(self, name) is not None for name in type(self).model_fields):
            raise ValueError("set needs at least one field: " + ", ".join(type(self).model_fields))
        return self


class Change(_Strict):
    select: Selector
    set: LineEdit


class VehicleEdit(_Strict):
    assembly_country: str | None = None
    net_cost: Decimal | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    transaction_value: Decimal | None = Field(default=None, gt=0, le=MAX_AMOUNT)
    steel_purchases: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    steel_purchases_originating: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    aluminum_purchases: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    aluminum_purchases_originating: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    lvc_high_wage_labor: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    lvc_high_wage_materials: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    lvc_technology_points: Decimal | None = Field(default=None, ge=0, le=MAX_POINTS)
    lvc_assembly_points: Decimal | None = Field(default=None, ge=-MAX_POINTS, le=MAX_POINTS)

    @field_validator("assembly_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in countries():
            raise ValueError(f"expected an ISO 3166-1 alpha-2 country code, found {value!r}")
        return value.upper() if value else value


class Scenario(_Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    change: tuple[Change, ...] = ()
    vehicle: VehicleEdit | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Scenario:
        if not self.change and self.vehicle is None:
            raise ValueError("a scenario needs at least one [[change]] or a [vehicle] table")
        return self
