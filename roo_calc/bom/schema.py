"""The BOM workbook contract (v2, see the README): sheets, fields, columns and their aliases.

Names match case-insensitively, ignoring surrounding spaces, and treat spaces, hyphens and
underscores alike; every alias listed here is documented in the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^0-9a-z%#]+")


def canonical(name: object) -> str:
    """'Part No ' -> 'part_no'; 'Regional-Content %' -> 'regional_content_%'."""
    return _NON_WORD.sub("_", str(name).strip().lower()).strip("_")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, hs, number, money, pct, yn, country, currency, choice, date, level, procurement
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""
    choices: tuple[str, ...] = ()


# The core_part_group value that declares a line not a core part.  The groups a line may name
# are the `core_part_table` groups of the loaded rules (so a rule file may add one); the reader
# is given them.
NOT_A_CORE_PART = "none"

# The vehicle types a Vehicle sheet may declare (USMCA UR s.12 definitions, "other" for the rest);
# a rule file's classes may name only these (checked at load).
VEHICLE_TYPES = ("passenger_vehicle", "light_truck", "heavy_truck", "other")

# How a multi-level BOM states a component's quantity and value: per unit of its parent line
# (the default), or already multiplied down to one vehicle ("exploded", as some ERP reports print).
PER_PARENT, EXPLODED = "per_parent", "exploded"
QUANTITY_BASES = (PER_PARENT, EXPLODED)

SHEET_VEHICLE = "Vehicle"
SHEET_BOM = "BOM"
SHEET_FX = "FX"
SHEET_CERTIFICATES = "Certificates"
SHEET_COLUMNS = "Columns"
SHEET_ALIASES = {
    "vehicle": SHEET_VEHICLE,
    "bom": SHEET_BOM,
    "bill_of_materials": SHEET_BOM,
    "fx": SHEET_FX,
    "fx_rates": SHEET_FX,
    "exchange_rates": SHEET_FX,
    "certificates": SHEET_CERTIFICATES,
    "certifications": SHEET_CERTIFICATES,
    "supplier_certificates": SHEET_CERTIFICATES,
    "columns": SHEET_COLUMNS,
    "column_mapping": SHEET_COLUMNS,
}

VEHICLE_FIELDS: tuple[Column, ...] = (
    Column("model", "text", True, ("model_line", "model_name"), "Model or model-line name"),
    Column("hs_code", "hs", True, ("hts", "hts_code", "tariff_code"), "HS subheading of the vehicle, e.g. 8703.23"),
    Column("vehicle_type", "choice", False, ("type",), "passenger_vehicle, light_truck, heavy_truck or other; inferred from hs_code when blank",
           VEHICLE_TYPES),
    Column("assembly_country", "country", True, ("assembly_plant_country", "country_of_assembly"), "ISO alpha-2 country of final assembly, e.g. MX"),
    Column("production_date", "date", False, ("date", "build_date"), "Production date (YYYY-MM-DD); picks the rule version in force"),
    Column("entry_date", "date", False, ("date_of_entry", "import_date"), "Date of entry into the importing country (YYYY-MM-DD); picks the version of tariff regimes; default production_date"),
    Column("msrp", "money", False, ("manufacturer_suggested_retail_price", "list_price"), "Manufacturer's suggested retail price, for tariff offsets measured as a share of MSRP"),
    Column("tariff_rate_quota", "choice", False, ("trq", "in_quota"), "in, out or blank (unknown): whether the vehicle falls within a tariff-rate quota that applies to it",
           ("in", "out")),
    Column("asr_approved_through", "date", False, ("asr_approved_until", "alternative_staging_through"), "Last day of the producer's approved USMCA alternative staging period (UR s.19)"),
    Column("new_plant", "choice", False, ("new_or_refitted_plant",), "new or refit: the producer states the vehicle is assembled in a new plant (USMCA UR 20(8)(a)) or after a refit (20(8)(b)); other vehicles of UR s.20 only",
           ("new", "refit")),
    Column("first_prototype_date", "date", False, ("prototype_date",), "Date the first motor vehicle prototype was produced in that plant (USMCA UR 20(8))"),
    Column("persons", "number", False, ("number_of_persons", "persons_carried", "seating_capacity"),
           "Vehicles of heading 87.02: the number of persons it is built to transport, including the driver (USMCA UR 20(2)(a): 15 or fewer, 62.5%; 20(3)(a)(ii): 16 or more, 60%)"),
    Column("quantity_basis", "choice", False, ("bom_quantity_basis", "quantities"),
           "Multi-level BOMs: per_parent (the default: a line's quantity and value are per unit of the line it is a component of) "
           "or exploded (the export prints them already multiplied down to one vehicle)", QUANTITY_BASES),
    Column("currency", "currency", False, ("ccy",), "ISO 4217 code of the vehicle's money; default USD"),
    Column("net_cost", "money", False, ("nc",), "Net cost per vehicle (give this or total_cost)"),
    Column("total_cost", "money", False, ("tc",), "Total cost per vehicle; net cost = total cost minus the four excluded costs"),
    Column("sales_promotion_costs", "money", False, ("sales_promotion",), "Sales promotion, marketing and after-sales service costs in total_cost"),
    Column("royalties", "money", False, (), "Royalties included in total_cost"),
    Column("shipping_packing_costs", "money", False, ("shipping_and_packing_costs",), "Shipping and packing costs included in total_cost"),
    Column("nonallowable_interest", "money", False, ("non_allowable_interest", "nonallowable_interest_costs"), "Non-allowable interest costs included in total_cost"),
    Column("transaction_value", "money", False, ("tv",), "Adjusted transaction value per vehicle"),
    Column("plant", "text", False, (), "Assembly plant"),
    Column("producer", "text", False, ("manufacturer",), "Vehicle producer"),
    Column("model_year", "text", False, ("my",), "Model year"),
    Column("annual_volume", "number", False, ("volume",), "Vehicles per year (weights averaging)"),
    Column("steel_purchases", "money", False, (), "Producer's steel purchases (USMCA UR s.17)"),
    Column("steel_purchases_originating", "money", False, (), "Of which originating"),
    Column("aluminum_purchases", "money", False, ("aluminium_purchases",), "Producer's aluminum purchases (USMCA UR s.17)"),
    Column("aluminum_purchases_originating", "money", False, ("aluminium_purchases_originating",), "Of which originating"),
    Column("lvc_high_wage_labor", "money", False, ("high_wage_labor", "hwlc"), "High-wage labor costs per vehicle (USMCA UR s.18)"),
    Column("lvc_high_wage_materials", "money", False, ("high_wage_materials", "hwm"), "High-wage materials per vehicle (USMCA UR s.18)"),
    Column("lvc_technology_points", "pct", False, ("technology_points", "hwtc"), "High-wage technology credit, points (capped at 10); a cell formatted as % showing 8% is 8 points"),
    Column("lvc_assembly_points", "pct", False, ("assembly_points", "hwac"), "High-wage assembly credit, points: 0 or the rule file's assembly_credit (5 under USMCA UR 18(12)-(14)); a cell formatted as % showing 5% is 5 points"),
)

BOM_COLUMNS: tuple[Column, ...] = (
    Column("part_number", "text", True, ("part_no", "part_#", "part", "pn", "item_number", "part_num"), "Part identifier, kept as text"),
    Column("description", "text", False, ("desc", "part_description"), "Description"),
    Column("hs_code", "hs", True, ("hs", "hts", "hts_code", "tariff_code", "hs_classification"), "HS classification of the material as acquired"),
    Column("quantity", "number", False, ("qty", "quantity_per_vehicle"), "Units per vehicle; default 1; must be > 0"),
    Column("unit_value", "money", False, ("unit_cost", "unit_price"), "Value per unit in the line's currency"),
    Column("value", "money", False, ("extended_value", "line_value", "ext_value", "total_value", "amount"), "Value per vehicle (= quantity x unit_value)"),
    Column("currency", "currency", False, ("ccy", "line_currency"), "ISO 4217; default the vehicle's"),
    Column("origin_country", "country", True, ("country_of_origin", "coo", "origin"), "ISO alpha-2 country where the material was produced"),
    Column("supplier", "text", False, ("vendor", "supplier_name"), "Supplier"),
    Column("nafta_originating", "yn", False, ("nafta", "nafta_certified", "nafta_cert"), "Y/N supplier's NAFTA certification (Y or N, yes/no, true/false, 1/0; an X is refused); blank = none on file"),
    Column("usmca_originating", "yn", False, ("usmca", "usmca_certified", "usmca_cert", "cusma_originating"), "Y/N supplier's USMCA certification (Y or N, yes/no, true/false, 1/0; an X is refused); blank = none on file"),
    Column("regional_content_pct", "pct", False, ("regional_content", "rvc", "rvc_pct", "regional_value_content", "regional_content_%"), "Supplier-stated regional value content of the material, 0-100"),
    Column("us_content_pct", "pct", False, ("us_content", "us_content_%"), "Share of the material's value that is US content, 0-100"),
    Column("nafta_traced_value", "money", False, ("traced_value",), "NAFTA tracing: value of non-originating traced materials in this line (UR 9(2))"),
    Column("material", "choice", False, ("raw_material",), "steel, aluminum or blank", ("steel", "aluminum")),
    Column("high_wage", "yn", False, ("high_wage_plant",), "Y/N produced in a plant meeting the USMCA high-wage rate (Y or N, yes/no, true/false, 1/0; an X is refused)"),
    Column("core_part_group", "choice", False, ("core_part", "core_group"),
           "Overrides the core-part group: a group of the rules' core_part_table (USMCA UR Table A.2), "
           "or none: not a core part", (NOT_A_CORE_PART,)),
    Column("steel_content_value", "money", False, ("steel_value", "steel_content"), "Value of the steel in this line, for the USMCA steel purchase test from BOM lines (UR 17(2))"),
    Column("aluminum_content_value", "money", False, ("aluminium_content_value", "aluminum_value", "aluminum_content"), "Value of the aluminum in this line (UR 17(2))"),
    Column("steel_melted_poured", "yn", False, ("melted_and_poured", "melted_poured", "melt_and_pour", "steel_melted_and_poured"),
           "Y/N: all steel manufacturing processes of the steel in this line (melting and mixing through coating) "
           "took place in US/CA/MX; the USMCA steel purchase test asks it from July 1, 2027 (UR 17(5)(b))"),
    Column("resourcing_premium_pct", "pct", False, ("premium_pct", "resourcing_premium"), "Cost of re-sourcing the line to an originating supplier, % of value"),
    Column("level", "level", False, ("bom_level", "lvl", "explosion_level", "indent_level"),
           "Multi-level BOMs: 1 = directly in the vehicle; a line at level n+1 is a component of the nearest line above it at level n; "
           "blank = 1; indented levels (.2, ..3) are read"),
    Column("procurement", "procurement", False, ("procurement_type", "make_buy", "make_or_buy", "source_type"),
           "buy (purchased; default) or make (self-produced: its materials are its children, its value its own cost of production); "
           "children of a buy line are the supplier's detail and are not counted", ("buy", "make")),
)

# The BOM's certification columns, one per agreement (Y/N: the supplier certifies the line
# originating); a rule file's `certification_field` names the one its regime reads (checked at
# load), and a Certificates sheet's `agreement` names one by its prefix (usmca, nafta).
CERTIFICATION_COLUMNS = ("usmca_originating", "nafta_originating")
assert all(c.name in CERTIFICATION_COLUMNS and c.kind == "yn" for c in BOM_COLUMNS if c.name.endswith("_originating"))
AGREEMENTS = tuple(column.removesuffix("_originating") for column in CERTIFICATION_COLUMNS)

# Values of the procurement column: the contract's words, and those ERP systems export
# (SAP's procurement type: E in-house production, F external procurement).
PROCUREMENT_VALUES = {
    "buy": "buy", "b": "buy", "bought": "buy", "purchased": "buy", "purchase": "buy", "external": "buy", "f": "buy",
    "make": "make", "m": "make", "made": "make", "in_house": "make", "inhouse": "make", "self_produced": "make",
    "produced": "make", "e": "make",
}

FX_COLUMNS: tuple[Column, ...] = (
    Column("currency", "currency", True, ("ccy",), "ISO 4217 code"),
    Column("rate", "number", True, ("fx_rate", "exchange_rate"), "Units of the vehicle's currency per one unit of this currency"),
    Column("date", "date", False, ("rate_date",), "Date of the rate"),
    Column("source", "text", False, (), "Where the rate comes from"),
)

CERTIFICATE_COLUMNS: tuple[Column, ...] = (
    Column("supplier", "text", True, ("vendor", "supplier_name"), "Supplier, as in the BOM's supplier column"),
    Column("part_number", "text", False, ("part_no", "part_#", "part", "pn", "item_number", "part_num"), "Blank = a blanket certification for every part of that supplier"),
    Column("agreement", "choice", True, ("trade_agreement",), " or ".join(AGREEMENTS), AGREEMENTS),
    Column("originating", "yn", True, ("originating_y_n", "certified_originating"), "Y/N: the supplier certifies the goods originating"),
    Column("regional_content_pct", "pct", False, ("regional_content", "rvc", "rvc_pct", "regional_value_content", "regional_content_%"), "Regional value content stated by the supplier, 0-100"),
    Column("us_content_pct", "pct", False, ("us_content", "us_content_%"), "US content stated by the supplier, 0-100"),
    Column("nafta_traced_value", "money", False, ("traced_value",), "NAFTA traced value per vehicle stated by the supplier (per-part certifications only)"),
    Column("rvc_method", "choice", False, ("method",), "net_cost or transaction_value: how regional_content_pct was computed", ("net_cost", "transaction_value")),
    Column("steel_content_value", "money", False, ("steel_value",), "Value of the steel in the part per vehicle, stated by the supplier (per-part certifications only)"),
    Column("aluminum_content_value", "money", False, ("aluminium_content_value", "aluminum_value"), "Value of the aluminum in the part per vehicle (per-part certifications only)"),
    Column("valid_from", "date", False, ("blanket_from", "period_from", "from"), "First day of the blanket period; blank = open"),
    Column("valid_to", "date", False, ("blanket_to", "period_to", "to", "expires"), "Last day of the blanket period; blank = open"),
    Column("document", "text", False, ("document_reference", "certificate", "reference"), "The certification's reference, shown in the report"),
    Column("source_file", "text", False, (), "Written by roo-calc collect: the returned request workbook"),
    Column("source_sha256", "text", False, (), "Written by roo-calc collect: SHA-256 of that file"),
    Column("received", "date", False, ("date_received",), "Written by roo-calc collect: the date the answer was received"),
)


COLUMNS_SHEET_COLUMNS: tuple[Column, ...] = (
    Column("sheet", "text", False, (), "The contract sheet the header is on (Vehicle, BOM, FX, ...); blank = BOM"),
    Column("header", "text", True, ("workbook_header", "your_header", "header_text"), "The header as it appears in the workbook"),
    Column("column", "text", True, ("contract_column", "maps_to", "field"), "The contract column (or Vehicle field) it holds"),
)

# The contract sheets a header mapping may name, with their columns (Vehicle: its fields).
SHEET_CONTRACTS: dict[str, tuple[Column, ...]] = {
    SHEET_VEHICLE: VEHICLE_FIELDS,
    SHEET_BOM: BOM_COLUMNS,
    SHEET_FX: FX_COLUMNS,
    SHEET_CERTIFICATES: CERTIFICATE_COLUMNS,
}


def sheet_name(name: object) -> str | None:
    """The contract sheet a name stands for ('bill of materials' -> 'BOM'), or None."""
    return SHEET_ALIASES.get(canonical(name))


def alias_map(columns: tuple[Column, ...]) -> dict[str, Column]:
    mapping: dict[str, Column] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            mapping[canonical(name)] = column
    return mapping
