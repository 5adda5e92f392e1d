"""The rule-file schema: strict, frozen pydantic models of one regime.

A regime file states the law as data (see ``rules/README.md``): which vehicles it covers, and
its requirements, each threshold a list of dated change points with its own citation.  A date's
law is a query over those lists (`DatedValue.at`); a date with no value in force raises
`NoValueError` naming the requirement, the class and the earliest date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from roo_calc.bom.model import ReaderRules
from roo_calc.bom.schema import CERTIFICATION_COLUMNS, NOT_A_CORE_PART, VEHICLE_TYPES, canonical
from roo_calc.codes import hs_overlap
from roo_calc.errors import NoValueError, RuleFileError
from roo_calc.numbers import exact_e4

Status = Literal["enacted", "proposed", "what-if"]
Kind = Literal["regional_value_content", "us_content", "tariff_shift", "core_parts", "purchases",
               "labor_value_content", "section_232", "section_232_parts"]
VnmMethod = Literal["roll_up", "tracing", "components", "all_traced"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reference(_Strict):
    """One legal source for a value: what it is, where to read it, and the exact pinpoint.

    `source` names an entry of the regime's `sources` list, which supplies the title and the
    link when the reference does not give them (resolved when the file is loaded)."""

    title: str = Field(min_length=1)
    pinpoint: str = Field(min_length=1)
    href: str | None = None
    source: str | None = None


def cite(references: tuple[Reference, ...]) -> str:
    """The one way a value's citation is written: "title, pinpoint; title, pinpoint"."""
    return "; ".join(f"{r.title}, {r.pinpoint}" for r in references)


class _Cited:
    """An entry with references (its `reference` field): `citation` is how they are printed."""

    if TYPE_CHECKING:
        reference: tuple[Reference, ...]

    @property
    def citation(self) -> str:
        return cite(self.reference)


def _unconfirmed_says_why(unconfirmed: bool, note: str | None, what: str) -> None:
    """An entry marked `unconfirmed` must say why in its note, so the report can print the doubt."""
    if unconfirmed and not (note and "UNCONFIRMED" in note):
        raise ValueError(f"an unconfirmed {what} says why in its note (starting UNCONFIRMED)")


class Source(_Strict):
    """A legal text the regime cites; references name it by id (`source = "ID"`)."""

    id: str
    title: str
    cite_as: str | None = None  # the short title references take from it (default: title)
    href: str | None = None
    note: str | None = None


class DatedValue(_Cited, _Strict):
    """A value in force from `from_` until the next change point."""

    from_: date = Field(alias="from")
    value: Decimal
    reference: tuple[Reference, ...] = Field(min_length=1)
    note: str | None = None
    unconfirmed: bool = False
    fiscal_year: bool = False  # the law ties this change to the producer's fiscal year nearest `from`

    @field_validator("value")
    @classmethod
    def _percent(cls, value: Decimal) -> Decimal:
        if not Decimal(0) <= value <= Decimal(100):
            raise ValueError(f"must be a percentage from 0 to 100, e.g. 62.5; found {value}")
        return exact_e4(value)


def _check_history(history: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
    if not history:
        raise ValueError("needs at least one dated value, e.g. [{from = 2020-07-01, value = 66, reference = [...]}]")
    for before, after in zip(history, history[1:]):
        if after.from_ <= before.from_:
            raise ValueError(f"dates must be unique and ascending; {after.from_} follows {before.from_}")
    return history


def value_at(history: tuple[DatedValue, ...], on: date, what: str) -> DatedValue:
    """The change point in force on `on`; NoValueError when `on` precedes the first."""
    current = None
    for point in history:
        if point.from_ <= on:
            current = point
    if current is None:
        raise NoValueError(f"no {what} in force on {on}; the earliest is {history[0].from_}")
    return current


class VehicleClass(_Strict):
    """Vehicles a regime treats alike: by HS code (ranges allowed) and, optionally, vehicle type.

    `vehicle_types` filters on the workbook's vehicle_type, declared or inferred.  Classes that
    follow a legal definition by HS code (USMCA UR s.12) use the other keys instead, so the law's
    class wins over a declared type: `law_type` is the type the definition gives; `hs_if_declared`
    joins codes whose class only a declaration can tell (8704.60: light or heavy by weight);
    `when_declared` / `unless_declared` take or drop the class on a declared type that the code
    cannot show (an off-road vehicle, a motorhome: "other")."""

    title: str
    hs: tuple[str, ...] = ()
    vehicle_types: tuple[str, ...] = ()
    law_type: str | None = None
    hs_if_declared: tuple[str, ...] = ()
    when_declared: tuple[str, ...] = ()
    unless_declared: tuple[str, ...] = ()
    # The Vehicle sheet's `persons` (heading 87.02, USMCA UR 20(2)(a), 20(3)(a)(ii)): a class with
    # persons_at_least needs it given and at least that; persons_at_most drops a vehicle above it
    # (and takes one that does not give it, which the result then says).
    persons_at_least: int | None = Field(default=None, gt=0)
    persons_at_most: int | None = Field(default=None, gt=0)
    reference: tuple[Reference, ...] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _some_code(self) -> VehicleClass:
        if not self.hs and not self.hs_if_declared:
            raise ValueError("a class needs hs (or hs_if_declared): the HS codes it covers")
        for key in ("vehicle_types", "law_type", "when_declared", "unless_declared"):
            value = getattr(self, key)
            for name in (value,) if isinstance(value, str) else value or ():
                if name not in VEHICLE_TYPES:
                    raise ValueError(f"{key}: unknown vehicle type {name!r}; a Vehicle sheet's vehicle_type is one of "
                                     f"{', '.join(VEHICLE_TYPES)}")
        return self


class VehicleTypeRow(_Strict):
    """One row of the vehicle-type table: the vehicle type a workbook's blank vehicle_type is
    read as for these HS codes (USMCA UR s.12 definitions).  A code in no row is "other"."""

    type: str
    hs: tuple[str, ...] = Field(min_length=1)
    reference: tuple[Reference, ...] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _known(self) -> VehicleTypeRow:
        if self.type not in VEHICLE_TYPES:
            raise ValueError(f"type: unknown vehicle type {self.type!r}; a Vehicle sheet's vehicle_type is one of "
                             f"{', '.join(VEHICLE_TYPES)}")
        for entry in self.hs:
            if not all(part.replace(".", "").strip().isdigit() for part in entry.split("-")):
                raise ValueError(f"hs: expected HS codes or ranges such as \"8703.21\" or \"8703.21-8703.24\", found {entry!r}")
        from roo_calc.codes import HsList

        HsList(self.hs)  # a range with ends of different lengths is refused here
        return self


def _check_partial(partial: tuple[str, ...], entries: tuple[str, ...], key: str) -> None:
    missing = [entry for entry in partial if entry not in entries]
    if missing:
        raise ValueError(f"partial entries must also be in {key}; not in {key}: {', '.join(missing)}")


class MaterialRequirement(_Strict):
    """The RVC requirement of the materials of some HS codes, dated (e.g. the goods NAFTA UR
    13(1)(b)(iii) leaves at their Schedule I requirement)."""

    title: str = Field(min_length=1)
    hs: tuple[str, ...] = Field(min_length=1)
    requirement: tuple[DatedValue, ...]

    @field_validator("requirement")
    @classmethod
    def _history(cls, value: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
        return _check_history(value)


class Tracing(_Strict):
    """NAFTA tracing (UR s.9): the Schedule IV list and how undeclared lines are valued.

    `partial` names the list entries matched wider than the law: Schedule IV lists only some
    tariff items of those subheadings (or marks them "ex"), which an HS code cannot tell apart.
    """

    list: tuple[str, ...] = Field(min_length=1)
    reference: tuple[Reference, ...] = Field(min_length=1)
    partial: tuple[str, ...] = ()
    same_as_vehicle: tuple[str, ...] = ()
    material_rvc_requirement: tuple[DatedValue, ...] = ()
    material_rvc_exceptions: tuple[MaterialRequirement, ...] = ()
    undeclared_regional: Literal["listed", "all"] = "listed"
    note: str | None = None

    @field_validator("material_rvc_requirement")
    @classmethod
    def _history(cls, value: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
        return _check_history(value) if value else value

    @model_validator(mode="after")
    def _partial_listed(self) -> Tracing:
        _check_partial(self.partial, self.list, "list")
        return self


class Components(_Strict):
    """NAFTA heavy-duty VNM (UR s.10, Schedule V): the automotive components (column I) and
    their RVC requirement, used when an originating one comes without figures (10(1)(d)(iii))."""

    title: str = Field(min_length=1)
    hs: tuple[str, ...] = Field(min_length=1)
    partial: tuple[str, ...] = ()  # entries of `hs` that also hold goods that are not components
    requirement: tuple[DatedValue, ...]
    reference: tuple[Reference, ...] = Field(min_length=1)
    note: str | None = None

    @field_validator("requirement")
    @classmethod
    def _history(cls, value: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
        return _check_history(value)

    @model_validator(mode="after")
    def _partial_listed(self) -> Components:
        _check_partial(self.partial, self.hs, "hs")
        return self


class Derivation(_Strict):
    """How a line's regional or US share is derived when the supplier did not state it."""

    certified_share: Decimal = Decimal(0)
    undeclared_regional_share: Decimal = Decimal(0)
    reference: tuple[Reference, ...] = Field(min_length=1)  # for certified_share
    # For undeclared_regional_share; none given, its assumption carries no citation (never the
    # certified share's, which is about other lines).
    undeclared_reference: tuple[Reference, ...] = ()
    note: str | None = None

    @field_validator("certified_share", "undeclared_regional_share")
    @classmethod
    def _share(cls, value: Decimal) -> Decimal:
        return exact_e4(value)


class CorePartGroup(_Strict):
    """One column-1 part of USMCA Table A.2: the HS codes that always belong to it, and the
    "ex" codes that belong only in part (a line of those counts when it declares the group).

    `default_hs` are "ex" codes given a default when the line declares nothing: in the group
    when the vehicle's HS code is in `default_for_vehicles`, else not a core part; either way
    the default is listed as an assumption."""

    title: str
    hs: tuple[str, ...] = ()
    ex_hs: tuple[str, ...] = ()
    default_hs: tuple[str, ...] = ()
    default_for_vehicles: tuple[str, ...] = ()
    reference: tuple[Reference, ...] = ()


class TableGComponent(_Strict):
    """One component of USMCA Table G (an engine, a gear box) and the materials the table lists
    for it, whose VNM the producer may count by either option of UR 20(4)(a)."""

    component: str
    hs: tuple[str, ...] = Field(min_length=1)
    materials: tuple[str, ...] = Field(min_length=1)
    reference: tuple[Reference, ...] = Field(min_length=1)


class PartOrigin(_Strict):
    """Parts whose originating status the law ties to their own RVC when used in a class of
    vehicle (USMCA UR 15(4): engines, gear boxes and chassis of heavy trucks; UR 20(2)(h),
    20(3)(b)-(c): engines, gear boxes and Table F parts of other vehicles).  A line of these
    codes made in the region with a stated regional content and no certification is
    originating when that content meets the threshold; a certification, Y or N, decides
    first.  `ex_hs` codes count only when the line declares `core_part_group` (e.g. a chassis
    of 8708.99)."""

    title: str
    classes: tuple[str, ...] = Field(min_length=1)
    hs: tuple[str, ...] = ()
    ex_hs: tuple[str, ...] = ()
    except_hs: tuple[str, ...] = ()
    # Subheadings the law lists only in part (8-digit or "ex" entries): a line of them is not
    # decided by the rule; one whose stated content would have counted is listed as an assumption.
    partial_hs: tuple[str, ...] = ()
    # A self-produced (make) part of `hs` is measured by its own RVC (its make value against the
    # non-originating materials below it); originating, its VNM leaves the vehicle's (UR 20(1)).
    self_produced: bool = False
    # Whether it decides bought lines too (false: only self-produced parts are measured by it, a
    # bought line's origin being its certification's, as for core parts, UR 14(2), 15(2)).
    bought: bool = True
    table_g: tuple[TableGComponent, ...] = ()
    reference: tuple[Reference, ...] = ()
    threshold: tuple[DatedValue, ...] = Field(min_length=1)
    note: str | None = None

    @field_validator("threshold")
    @classmethod
    def _history(cls, value: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
        return _check_history(value)


class RvcDeMinimis(_Cited, _Strict):
    """USMCA UR 5(4): a good subject to an RVC requirement need not satisfy it when the value of
    all its non-originating materials is at most `value`% of its transaction value or total cost.
    Not applied to the verdict (the RVC's linear form has one test): where it would waive a failing
    RVC, the determination lists it (`rvc-de-minimis-not-applied`) with the VNM at stake."""

    value: Decimal
    reference: tuple[Reference, ...] = Field(min_length=1)
    note: str | None = None


class NewPlant(_Strict):
    """USMCA UR 20(8): a lower RVC requirement (`value`) for `years_new` years after the first
    prototype in a new plant, or `years_refit` years after it following a refit, on the
    producer's statement (Vehicle sheet: new_plant, first_prototype_date).  "After the date": the
    period begins the day after the prototype's and ends on the anniversary, both included."""

    classes: tuple[str, ...] = Field(min_length=1)
    value: Decimal
    years_new: int = Field(gt=0)
    years_refit: int = Field(gt=0)
    reference: tuple[Reference, ...] = Field(min_length=1)
    unconfirmed: bool = False
    note: str | None = None


class LvcCredit(_Cited, _Strict):
    """USMCA UR 18(22): for a heavy truck whose LVC is above `lvc_above`, the high-wage points
    above `points_above` count toward the RVC, provided the RVC itself is not below
    `rvc_floor`; available through `through`."""

    classes: tuple[str, ...] = Field(min_length=1)
    lvc_requirement: str
    lvc_above: Decimal
    points_above: Decimal
    rvc_floor: Decimal
    through: date
    reference: tuple[Reference, ...] = Field(min_length=1)
    unconfirmed: bool = False
    note: str | None = None


class MeltAndPour(_Cited, _Strict):
    """USMCA UR 17(5)(b): from `from_`, a Table S steel good counts as originating for the steel
    purchase test only if all steel manufacturing processes (melting and mixing through coating)
    occurred in the region, which the BOM states per line in `column` (Y/N).  A blank is counted
    as non-originating and listed with the steel value at stake; a Vehicle sheet originating
    figure is taken as measured under the test, and listed too."""

    from_: date = Field(alias="from")
    column: Literal["steel_melted_poured"] = "steel_melted_poured"
    reference: tuple[Reference, ...] = Field(min_length=1)
    unconfirmed: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _says_why(self) -> MeltAndPour:
        _unconfirmed_says_why(self.unconfirmed, self.note, "reading")
        return self


class Deal(_Cited, _Strict):
    """A bilateral term that replaces a tariff's rate for goods of some countries from a date.

    Either `all_in` (the column 1 rate plus the tariff add up to this; no add-on where the
    column 1 rate is already at least this) or a tariff-rate quota (`quota` units a year at
    `in_quota_rate`; over the quota, the tariff's own rate).  A later term is a new entry with a
    later `from`.
    """

    title: str
    countries: tuple[str, ...] = Field(min_length=1)
    from_: date = Field(alias="from")
    to: date | None = None
    classes: tuple[str, ...] = ()
    hs: tuple[str, ...] = ()
    all_in: Decimal | None = None
    quota: int | None = None
    in_quota_rate: Decimal | None = None
    reference: tuple[Reference, ...] = Field(min_length=1)
    unconfirmed: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Deal:
        if (self.all_in is None) == (self.in_quota_rate is None):
            raise ValueError("give either all_in (column 1 rate + tariff = all_in) or quota with in_quota_rate")
        if self.in_quota_rate is not None and self.quota is None:
            raise ValueError("in_quota_rate needs quota (units a year)")
        _unconfirmed_says_why(self.unconfirmed, self.note, "term")
        return self


    def covers(self, country: str, vehicle_class: str, hs: str, on: date) -> bool:
        from roo_calc.codes import HsList

        return (country in self.countries and (not self.classes or vehicle_class in self.classes)
                and (not self.hs or HsList(self.hs).contains(hs)) and self.from_ <= on and (self.to is None or on <= self.to))


class DatedFlag(_Cited, _Strict):
    """A yes/no rule in force from `from_` until the next change point (e.g. an exemption)."""

    from_: date = Field(alias="from")
    value: bool
    reference: tuple[Reference, ...] = Field(min_length=1)
    note: str | None = None


class CoveredParts(_Cited, _Strict):
    """The parts a parts tariff covers, by HS code."""

    hs: tuple[str, ...] = Field(min_length=1)
    reference: tuple[Reference, ...] = Field(min_length=1)
    unconfirmed: bool = False
    note: str | None = None


class Stacking(_Cited, _Strict):
    """How another duty combines with this tariff: `added` on top, or `not_added`."""

    measure: str
    effect: Literal["added", "not_added"]
    countries: tuple[str, ...] = ()  # goods of these countries only (empty: any)
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    reference: tuple[Reference, ...] = Field(min_length=1)


    def applies(self, country: str, on: date) -> bool:
        return ((not self.countries or country in self.countries) and (self.from_ is None or self.from_ <= on)
                and (self.to is None or on <= self.to))


class Requirement(_Strict):
    kind: Kind
    title: str
    citation: str = Field(min_length=1)
    comparison: Literal["at_least", "at_most"] = "at_least"
    vnm: VnmMethod = "roll_up"
    vnm_by_class: dict[str, VnmMethod] = {}
    threshold: dict[str, tuple[DatedValue, ...]]
    tracing: Tracing | None = None
    components: Components | None = None
    derivation: Derivation | None = None
    level: Literal["heading", "subheading"] = "heading"
    # tariff_shift: the de minimis base, or a list of the law's alternatives (met on any of them,
    # USMCA UR 5(1)(a): (i) the transaction value, (ii) the total cost)
    basis: tuple[Literal["transaction_value", "total_cost", "net_cost"], ...] = ("total_cost",)
    classes: tuple[str, ...] = ()
    # Vehicles of these codes are spared the requirement by the law itself (USMCA UR s.13: an 87.06
    # chassis needs "no required change in tariff classification"): not applicable, with the reason.
    not_for_hs: tuple[str, ...] = ()
    not_for_hs_reason: str | None = None
    note: str | None = None
    # core_parts (USMCA UR s.14, s.15)
    core_part_table: dict[str, CorePartGroup] = {}
    groups_by_class: dict[str, tuple[str, ...]] = {}
    super_core_classes: tuple[str, ...] = ()
    core_part_source: str = "USMCA UR s.14, Table A.2"  # the provision and table the groups come from, as reports name it
    # regional_value_content: the heavy-truck excess-LVC credit (USMCA UR 18(22))
    lvc_credit: LvcCredit | None = None
    new_plant: NewPlant | None = None  # USMCA UR 20(8)
    de_minimis: RvcDeMinimis | None = None  # USMCA UR 5(4), listed where it would waive a failing RVC
    # purchases (USMCA UR s.17)
    material: Literal["steel", "aluminum"] | None = None
    table_s: tuple[str, ...] = ()
    table_s_parts: tuple[str, ...] = ()
    melt_and_pour: MeltAndPour | None = None  # steel only (UR 17(5)(b))
    # labor_value_content (USMCA UR s.18)
    minimum: dict[str, tuple[DatedValue, ...]] = {}
    technology_cap: Decimal | None = None
    assembly_credit: Decimal | None = None
    # section_232 and section_232_parts (tariffs: the rate is `threshold`)
    qualifying_regime: str | None = None
    qualifying_regimes: tuple[str, ...] = ()
    imported_into: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # the importing country (ISO alpha-2)
    # us_content: the country whose content is counted (ISO alpha-2)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    non_us_content_classes: tuple[str, ...] = ()
    non_us_content_clause: dict[str, str] = {}  # the clause granting it, by class ("default" for the rest)
    deals: dict[str, Deal] = {}
    stacking: tuple[Stacking, ...] = ()
    excluded_age_years: int | None = None
    excluded_age_classes: tuple[str, ...] = ()
    # With no production_date: the calendar years a vehicle of model year N may have been made in,
    # as offsets (first, last) from N, and the note saying why (a model year is not a year of manufacture).
    excluded_age_model_years: tuple[int, int] = (0, 0)
    excluded_age_note: str | None = None
    covered_parts: CoveredParts | None = None
    usmca_parts_exempt: tuple[DatedFlag, ...] = ()
    offset: dict[str, tuple[DatedValue, ...]] = {}
    offset_basis: dict[str, Literal["msrp", "transaction_value"]] = {}
    offset_cap_clause: dict[str, str] = {}  # per class ("default" for the rest): the clause capping the offset

    @field_validator("basis", mode="before")
    @classmethod
    def _one_or_more_bases(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("not_for_hs")
    @classmethod
    def _hs_entries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            if not all(part.replace(".", "").strip().isdigit() for part in entry.split("-")):
                raise ValueError(f"{entry!r} is not an HS code or range (e.g. \"87.06\", \"8703.21-8703.24\")")
        return value

    @model_validator(mode="after")
    def _not_for_hs_has_reason(self) -> Requirement:
        if self.not_for_hs and not self.not_for_hs_reason:
            raise ValueError("not_for_hs needs not_for_hs_reason: the provision that spares those vehicles")
        if self.melt_and_pour is not None and self.material != "steel":
            raise ValueError("melt_and_pour is a test of steel goods (USMCA UR 17(5)): it needs material = \"steel\"")
        return self

    @field_validator("threshold", "minimum", "offset")
    @classmethod
    def _histories(cls, value: dict[str, tuple[DatedValue, ...]]) -> dict[str, tuple[DatedValue, ...]]:
        for key, history in value.items():
            try:
                _check_history(history)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return value

    @property
    def qualifying(self) -> tuple[str, ...]:
        """The preference regimes whose verdict decides a tariff's USMCA treatment."""
        return self.qualifying_regimes or ((self.qualifying_regime,) if self.qualifying_regime else ())

    def deal_for(self, country: str, vehicle_class: str, hs: str, on: date) -> tuple[str, Deal] | None:
        """The bilateral term in force for goods of `country` on `on` (the latest to start), if any."""
        found = [(d.from_, k, d) for k, d in self.deals.items() if d.covers(country, vehicle_class, hs, on)]
        return max(found, key=lambda t: t[0])[1:] if found else None

    def vnm_for(self, vehicle_class: str) -> VnmMethod:
        return self.vnm_by_class.get(vehicle_class, self.vnm)

    def history_for(self, vehicle_class: str) -> tuple[DatedValue, ...] | None:
        return self.threshold.get(vehicle_class, self.threshold.get("default"))


def _class_references(requirement: Requirement) -> list[tuple[str, str]]:
    """(key, class name) for every vehicle class a requirement names, to check at load."""
    named: list[tuple[str, str]] = []
    for key in ("threshold", "minimum", "vnm_by_class", "offset", "offset_basis", "offset_cap_clause", "groups_by_class",
                "non_us_content_clause"):
        named += [(key, name) for name in getattr(requirement, key)]
    for key in ("classes", "super_core_classes", "non_us_content_classes", "excluded_age_classes"):
        named += [(key, name) for name in getattr(requirement, key)]
    for key in ("lvc_credit", "new_plant"):
        part = getattr(requirement, key)
        named += [(f"{key}.classes", name) for name in (part.classes if part else ())]
    named += [(f"deals.{d}.classes", name) for d, deal in requirement.deals.items() for name in deal.classes]
    return named


class Averaging(_Cited, _Strict):
    """A category over which the regime lets a producer average net cost and VNM."""

    category: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")  # the name `evaluate --average-by` takes
    # The vehicle facts whose equal values put vehicles in one group (vehicle_class: the class
    # the regime gives the vehicle; plant and assembly_country: Vehicle-sheet fields).
    by: tuple[Literal["model", "vehicle_class", "plant", "assembly_country"], ...] = Field(min_length=1)
    # The vehicle classes this entry covers (blank: every class); vehicles of different classes
    # are never averaged together, and a class may have its own citation (USMCA UR 16(1) for
    # passenger vehicles and trucks, 20(6) for other vehicles).
    classes: tuple[str, ...] = ()
    reference: tuple[Reference, ...] = Field(min_length=1)


class AveragingPeriod(_Cited, _Strict):
    """The period an average may cover: the producer's fiscal year (USMCA UR 16(1), 16(8); NAFTA UR
    11(1)(a), 11(9)) and, when that year begins within a year after `first_from` (the agreement's
    entry into force), one first period from `first_from` to the end of that fiscal year (USMCA UR
    16(4), 16(12); NAFTA UR 11(3))."""

    first_from: date
    reference: tuple[Reference, ...] = Field(min_length=1)
    # A reading the texts leave open, printed with every averaged verdict it decides.
    note: str | None = None

    def citation_of(self, index: int) -> str:
        """One reference's citation (the fiscal year alone, without the first period)."""
        return cite(self.reference[index:index + 1])


class InForce(_Strict):
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    reference: tuple[Reference, ...] = ()


class Regime(_Strict):
    """One regime version: metadata, vehicle classes, policies and requirements."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    status: Status
    summary: str | None = None
    extends: str | None = None
    in_force: InForce = InForce()
    proposed_on: date | None = None
    last_verified_on: date | None = None
    region: tuple[str, ...] = ("US", "CA", "MX")
    certification_field: str  # the BOM's Y/N certification column this regime reads (one of CERTIFICATION_COLUMNS)
    # The agreement whose certification of origin that column holds, as texts name it (requests,
    # advise), and what a supplier's Y there certifies; blank: the column's agreement prefix.
    agreement: str | None = Field(default=None, min_length=1)
    certification_basis: str | None = Field(default=None, min_length=1)
    uncertified_regional: Literal["non_originating", "originating", "review"] = "non_originating"
    uncertified_reference: tuple[Reference, ...] = ()
    sources: tuple[Source, ...] = ()
    notes: tuple[str, ...] = ()
    kind: Literal["preference", "tariff"] = "preference"
    condition: str | None = None  # a condition roo-calc cannot check (e.g. an approval), shown with every result
    # A Vehicle field giving the last day of the producer's approved period, which then replaces
    # in_force.to (USMCA UR 19(2): "or any other period provided for in the producer's approved
    # alternative staging regime").
    approved_through_field: Literal["asr_approved_through"] | None = None
    waived: dict[str, str] = {}
    averaging: tuple[Averaging, ...] = ()
    averaging_period: AveragingPeriod | None = None  # blank: averages over the fiscal year only, no first period
    classes: dict[str, VehicleClass]
    vehicle_types_by_hs: tuple[VehicleTypeRow, ...] = ()
    part_origin: tuple[PartOrigin, ...] = ()
    requirements: dict[str, Requirement]
    path: str | None = None
    mfn_table: MfnTable | None = Field(default=None, exclude=True)  # the importing country's rates, set by the loader

    @model_validator(mode="after")
    def _consistent(self) -> Regime:
        if self.certification_field not in CERTIFICATION_COLUMNS:
            raise ValueError(f"certification_field: expected the BOM's certification column this regime reads, one of "
                             f"{', '.join(CERTIFICATION_COLUMNS)}, found {self.certification_field!r}")
        if self.in_force.from_ and self.in_force.to and self.in_force.to < self.in_force.from_:
            raise ValueError(f"in_force.to ({self.in_force.to}) is before in_force.from ({self.in_force.from_})")
        for rid, requirement in self.requirements.items():
            for where, key in _class_references(requirement):
                if key != "default" and key not in self.classes:
                    raise ValueError(f"requirements.{rid}.{where}: unknown vehicle class {key!r}; classes are "
                                     f"{', '.join(self.classes)}")
            if requirement.vnm == "tracing" or "tracing" in requirement.vnm_by_class.values():
                if requirement.tracing is None:
                    raise ValueError(f"requirements.{rid}: vnm 'tracing' needs a [requirements.{rid}.tracing] table")
            if requirement.vnm == "components" or "components" in requirement.vnm_by_class.values():
                if requirement.components is None:
                    raise ValueError(f"requirements.{rid}: vnm 'components' needs a [requirements.{rid}.components] table")
            if requirement.kind == "us_content" or requirement.vnm == "all_traced":
                if requirement.derivation is None:
                    raise ValueError(f"requirements.{rid}: needs a [requirements.{rid}.derivation] table")
            for group in requirement.core_part_table:
                if group == NOT_A_CORE_PART or canonical(group) != group:
                    raise ValueError(f"requirements.{rid}.core_part_table.{group}: a core-part group a BOM line can name in "
                                     f"its core_part_group cell: lower-case letters, digits and underscores, not "
                                     f"{NOT_A_CORE_PART!r} (which declares a line not a core part), found {group!r}")
            for key, groups in requirement.groups_by_class.items():
                for group in groups:
                    if group not in requirement.core_part_table:
                        raise ValueError(f"requirements.{rid}.groups_by_class.{key}: unknown core-part group {group!r}; "
                                         f"core_part_table has {', '.join(requirement.core_part_table) or 'none'}")
            if requirement.kind == "us_content" and requirement.country is None:
                raise ValueError(f"requirements.{rid}.country: needed: the country whose content is counted, "
                                 f"such as country = \"US\"")
            if requirement.kind in ("section_232", "section_232_parts") and requirement.imported_into is None:
                raise ValueError(f"requirements.{rid}.imported_into: needed: the importing country the duty applies in, "
                                 f"such as imported_into = \"US\"")
        for i, row in enumerate(self.vehicle_types_by_hs):
            for j, other in enumerate(self.vehicle_types_by_hs[:i]):
                both = hs_overlap(other.hs, row.hs) if other.type != row.type else None
                if both:
                    raise ValueError(f"vehicle_types_by_hs[{i}].hs: {both[1]} reads as {row.type}, but "
                                     f"vehicle_types_by_hs[{j}] reads {both[0]} as {other.type}, and the two share "
                                     "codes; a code has one vehicle type")
        for index, averaging in enumerate(self.averaging):  # one entry per category and class (`classes` blank: every class)
            unknown = [c for c in averaging.classes if c not in self.classes]
            if unknown:
                raise ValueError(f"averaging[{index}].classes: unknown vehicle class {unknown[0]!r}; classes are "
                                 f"{', '.join(self.classes)}")
            for earlier in self.averaging[:index]:
                shared = not averaging.classes or not earlier.classes or set(averaging.classes) & set(earlier.classes)
                if earlier.category == averaging.category and shared:
                    raise ValueError(f"averaging[{index}].category: {averaging.category!r} is also the category of an earlier "
                                     "entry for the same vehicle classes; each category is defined once per class")
        for index, rule in enumerate(self.part_origin):
            for key in rule.classes:
                if key not in self.classes:
                    raise ValueError(f"part_origin[{index}]: unknown vehicle class {key!r}; classes are {', '.join(self.classes)}")
        if self.uncertified_regional != "non_originating" and not self.uncertified_reference:
            raise ValueError("uncertified_regional other than 'non_originating' needs uncertified_reference citing why")
        return self

    @property
    def agreement_name(self) -> str:
        """The agreement whose certification this regime reads, as texts name it."""
        return self.agreement or self.certification_field.removesuffix("_originating").upper()

    @property
    def certified_as(self) -> str:
        """What a supplier's Y in the regime's certification column certifies the part originating under."""
        return self.certification_basis or self.agreement_name

    def in_force_on(self, on: date) -> bool:
        """Whether the regime's `[in_force]` period holds `on` (no start or no end: open on that side).
        A tariff is applied on the entry date as it is; a preference regime out of force is applied
        as a what-if on a date `applies_on` chooses."""
        return not ((self.in_force.from_ and on < self.in_force.from_) or (self.in_force.to and on > self.in_force.to))

    def applies_on(self, on: date, approved_through: date | None = None) -> tuple[date, str | None]:
        """The date whose law is applied for `on`, and why it differs, if it does.

        A regime not in force on `on` (repealed, not yet in force, or never enacted) is
        evaluated as a what-if at its nearest version, and the result says so.  For a regime
        with an `approved_through_field`, the vehicle's approved period (`approved_through`)
        replaces the end date.
        """
        start = self.in_force.from_ or self.proposed_on
        end = approved_through if (self.approved_through_field and approved_through) else self.in_force.to
        if self.approved_through_field and approved_through and on > approved_through:
            return approved_through, (f"the producer's approved period ended {approved_through} "
                                      f"({self.approved_through_field}); evaluated as a what-if as on {approved_through}")
        if self.kind == "tariff":
            return on, None
        if self.status == "proposed":
            when = max(on, start) if start else on
            return when, f"{self.title} was proposed on {self.proposed_on} and never enacted; evaluated as a what-if"
        if start and on < start:
            return start, f"not in force on {on} (in force from {start}); evaluated as a what-if at {start}"
        if end and on > end:
            return end, f"not in force on {on} (ended {end}); evaluated as a what-if as in force on {end}"
        if self.status == "what-if":
            return on, f"{self.title} is a what-if variant, not law"
        return on, None


class MfnRate(_Cited, _Strict):
    """One general (most-favoured-nation) duty rate, for the HS codes listed, from a date."""

    title: str
    hs: tuple[str, ...] = Field(min_length=1)
    rate: Decimal
    reference: tuple[Reference, ...] = Field(min_length=1)
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    unconfirmed: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _why(self) -> MfnRate:
        _unconfirmed_says_why(self.unconfirmed, self.note, "rate")
        return self


class MfnTable(_Strict):
    """An importing country's general duty rates for vehicles (rules/mfn/<country>.toml)."""

    country: str
    title: str
    last_verified_on: date | None = None
    sources: tuple[Source, ...] = ()
    rates: tuple[MfnRate, ...]
    path: str | None = None

    def rate_for(self, hs: str, on: date | None = None) -> MfnRate | None:
        """The rate for an HS code in force on `on`: of the matching entries in force, the latest
        to start; among equals, the first in the file."""
        from roo_calc.codes import HsList

        found = [r for r in self.rates if HsList(r.hs).contains(hs)
                 and (on is None or ((r.from_ is None or r.from_ <= on) and (r.to is None or on <= r.to)))]
        return max(found, key=lambda r: r.from_ or date.min) if found else None


def core_part_groups(regimes: Iterable[Regime]) -> tuple[str, ...]:
    """The core-part groups a BOM's core_part_group cell may name: every group of the regimes'
    `core_part_table`s, in the order the files list them (a rule file may add a group)."""
    return tuple(dict.fromkeys(group for regime in regimes for requirement in regime.requirements.values()
                               for group in requirement.core_part_table))


def reader_rules(regimes: Iterable[Regime]) -> ReaderRules:
    """What the workbook reader takes from the loaded rules: their core-part groups, their LVC
    assembly credits, and their vehicle-type rows (regimes that extend one another share rows; two files that read one code
    as different types are an error naming both)."""
    regimes = list(regimes)
    by_id = {regime.id: regime for regime in regimes}

    def depth(regime: Regime) -> int:  # parents first, so that a row is named by the file that states it
        return 0 if regime.extends not in by_id else 1 + depth(by_id[regime.extends])

    rows: dict[tuple[str, tuple[str, ...]], str | None] = {}  # (type, hs) -> the file giving it
    for regime in sorted(regimes, key=depth):
        for row in regime.vehicle_types_by_hs:
            key = (row.type, row.hs)
            for (other_type, other_hs), where in rows.items():
                both = hs_overlap(other_hs, row.hs) if other_type != row.type else None
                if both:
                    raise RuleFileError(f"{regime.path}: vehicle_types_by_hs: reads {both[1]} as {row.type}, but {where} "
                                        f"reads {both[0]} as {other_type}, and the two share codes; a code has one "
                                        "vehicle type")
            rows.setdefault(key, regime.path)
    credits = tuple(sorted({requirement.assembly_credit for regime in regimes for requirement in regime.requirements.values()
                            if requirement.assembly_credit is not None}))
    return ReaderRules(core_part_groups(regimes), tuple(rows), credits)


Regime.model_rebuild()
