"""Write the sample BOM workbooks in sample_boms/ (seeded: every run writes the same content).

    python scripts/make_samples.py                 # the five bundled samples
    python scripts/make_samples.py --large 10000 100000   # synthetic BOMs for benchmarks,
                                                           # in sample_boms/large/ (not committed)

Each vehicle is described as blocks of parts: an HS code, how many BOM lines, the block's total
value per vehicle, where the parts are made and what the suppliers have declared.  Values are
split across lines with seeded random weights and rounded to the cent.  The blocks are chosen so
that the samples show the contrasts trade staff ask about (see sample_boms/README.md).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roo_calc.bom.template import write_workbook  # noqa: E402


@dataclass
class Block:
    hs: str
    description: str
    lines: int
    total: float  # value per vehicle, vehicle currency
    origins: dict[str, float]  # country -> weight
    certified: float = 0.9  # probability that a regional line carries certifications
    rc: tuple[float, float] | None = None  # stated regional content range, for regional lines
    rc_share: float = 0.8  # probability a regional line states its regional content
    us: tuple[float, float] | None = None  # stated US content range, for US-made lines
    material: str | None = None
    core: str | None = None
    high_wage: float = 0.5
    supplier: str = ""
    quantity: tuple[int, int] = (1, 1)
    currency: dict[str, str] = field(default_factory=dict)  # origin -> line currency
    cert_no: float = 0.0  # probability a regional certification says N


FX = [
    {"currency": "CAD", "rate": 0.7312, "date": "2024-01-02", "source": "Bank of Canada daily rate (sample)"},
    {"currency": "MXN", "rate": 0.0589, "date": "2024-01-02", "source": "Banco de Mexico FIX (sample)"},
    {"currency": "JPY", "rate": 0.00705, "date": "2024-01-02", "source": "sample rate"},
]
RATES = {r["currency"]: Decimal(str(r["rate"])) for r in FX}
REGION = {"US", "CA", "MX"}
CENT = Decimal("0.01")


def _split(rng: random.Random, total: float, n: int) -> list[Decimal]:
    weights = [rng.uniform(0.3, 1.7) for _ in range(n)]
    scale = Decimal(str(total)) / Decimal(str(sum(weights)))
    values = [(Decimal(str(w)) * scale).quantize(CENT, ROUND_HALF_EVEN) for w in weights]
    largest = max(range(n), key=values.__getitem__)
    values[largest] += Decimal(str(total)) - sum(values)
    return values


def build(code: str, blocks: list[Block], seed: int) -> list[dict]:
    rng = random.Random(seed)
    lines: list[dict] = []
    serial = 0
    for block in blocks:
        countries = list(block.origins)
        weights = list(block.origins.values())
        for value in _split(rng, block.total, block.lines):
            serial += 1
            origin = rng.choices(countries, weights)[0]
            qty = rng.randint(*block.quantity)
            line: dict = {
                "part_number": f"{code}-{block.hs[:4]}-{serial:05d}" if serial % 7 else f"{serial:07d}",
                "description": f"{block.description} {serial}",
                "hs_code": block.hs,
                "origin_country": origin,
                "supplier": f"{block.supplier or block.description.split()[0]} {origin} {rng.randint(1, 9)}",
            }
            currency = block.currency.get(origin)
            if currency:
                local = (value / RATES[currency]).quantize(CENT, ROUND_HALF_EVEN)
                line["currency"] = currency
                line["value"] = float(local)
            elif qty > 1:
                unit = (value / qty).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
                line["quantity"] = qty
                line["unit_value"] = float(unit)
            else:
                line["value"] = float(value)
            if origin in REGION and rng.random() < block.certified:
                flag = "N" if rng.random() < block.cert_no else "Y"
                line["usmca_originating"] = flag
                line["nafta_originating"] = flag
                if block.rc and flag == "Y" and rng.random() < block.rc_share:
                    line["regional_content_pct"] = round(rng.uniform(*block.rc), 1)
            if origin == "US" and block.us and "regional_content_pct" in line:
                line["us_content_pct"] = round(min(rng.uniform(*block.us), line["regional_content_pct"]), 1)
            if block.material:
                line["material"] = block.material
            if block.core:
                line["core_part_group"] = block.core
            if origin in REGION:
                line["high_wage"] = "Y" if rng.random() < block.high_wage else "N"
            lines.append(line)
    return lines


NA = {"MX": 1.0}


def sedan() -> tuple[dict, list[Block]]:
    """Compact sedan assembled in Mexico: Japanese transmission, Asian electronics."""
    vehicle = {"model": "Aurora compact sedan", "hs_code": "8703.23", "assembly_country": "MX",
               "production_date": date(2024, 3, 15), "currency": "USD", "net_cost": 19800, "transaction_value": 23400,
               "plant": "Aguascalientes", "producer": "Sample Motors de Mexico", "model_year": "2024", "annual_volume": 180000,
               "steel_purchases": 1450, "steel_purchases_originating": 1130, "aluminum_purchases": 610, "aluminum_purchases_originating": 470,
               "lvc_high_wage_labor": 420, "lvc_technology_points": 6, "lvc_assembly_points": 0}
    blocks = [
        Block("8708.40", "Transmission assembly CVT", 1, 1850, {"JP": 1}, core="transmission", supplier="Jatco"),
        Block("8708.40", "Transmission mount and shift parts", 14, 160, {"JP": 0.6, "MX": 0.4}, rc=(50, 70)),
        Block("8407.34", "Engine assembly 1.8L", 1, 2400, {"MX": 1}, certified=1, rc=(68, 68), rc_share=1, core="engine"),
        Block("8409.91", "Engine component", 22, 380, {"MX": 0.5, "JP": 0.3, "CN": 0.2}, rc=(70, 90), rc_share=0.95),
        Block("8537.10", "Engine and body control unit", 6, 520, {"CN": 0.5, "KR": 0.5}, supplier="Electro"),
        Block("8544.30", "Wiring harness", 18, 640, {"MX": 1}, rc=(50, 62), rc_share=1, certified=1),
        Block("8528.59", "Infotainment display", 3, 410, {"CN": 0.6, "TW": 0.4}),
        Block("8525.89", "Camera module", 4, 190, {"CN": 1}),
        Block("8517.62", "Telematics module", 2, 240, {"KR": 1}),
        Block("8708.29", "Body stamping", 60, 2300, {"MX": 0.8, "US": 0.2}, rc=(80, 95), rc_share=0.95, core="body_chassis", material="steel"),
        Block("8708.29", "Interior trim panel", 40, 950, {"MX": 0.9, "CN": 0.1}, rc=(75, 90), rc_share=0.95),
        Block("7209.17", "Cold-rolled steel coil", 8, 700, {"MX": 0.5, "US": 0.3, "KR": 0.2}, material="steel", rc=(90, 100)),
        Block("7606.12", "Aluminum sheet", 4, 260, {"US": 0.6, "CN": 0.4}, material="aluminum", rc=(90, 100)),
        Block("9401.20", "Seat assembly", 4, 880, {"MX": 1}, rc=(75, 85), certified=1, rc_share=1),
        Block("4011.10", "Tire", 2, 380, {"US": 0.5, "JP": 0.5}, quantity=(4, 5)),
        Block("7007.21", "Laminated windshield glass", 3, 240, {"MX": 1}, rc=(70, 90)),
        Block("8708.30", "Brake component", 24, 520, {"MX": 0.8, "JP": 0.2}, rc=(75, 90), rc_share=0.95),
        Block("8708.50", "Drive axle half-shaft", 4, 620, {"MX": 1}, rc=(75, 85), rc_share=1, core="axle"),
        Block("8708.80", "Suspension component", 26, 640, {"MX": 0.85, "CN": 0.15}, rc=(75, 90), rc_share=0.95, core="suspension"),
        Block("8708.94", "Steering column and gear", 3, 420, {"JP": 1}, core="steering"),
        Block("7318.15", "Fastener", 120, 310, {"CN": 0.6, "MX": 0.4}, quantity=(2, 24)),
        Block("8415.20", "HVAC module", 2, 340, {"MX": 1}, rc=(60, 75)),
        Block("8708.91", "Radiator", 1, 140, {"MX": 1}, rc=(70, 80)),
        Block("8708.92", "Exhaust system part", 6, 290, {"MX": 1}, rc=(65, 80)),
        Block("8512.20", "Lamp assembly", 8, 360, {"CN": 0.7, "MX": 0.3}),
        Block("4016.93", "Rubber seal", 30, 150, {"CN": 0.5, "MX": 0.5}),
        Block("3926.90", "Plastic clip", 50, 120, {"CN": 0.7, "MX": 0.3}, quantity=(4, 40)),
        Block("8301.20", "Lock set", 3, 90, {"MX": 1}, rc=(60, 70)),
        Block("8507.10", "12V starter battery", 1, 95, {"MX": 1}, rc=(55, 65)),
        Block("8511.40", "Starter motor", 1, 120, {"JP": 1}),
        Block("8708.99", "Chassis bracket", 30, 460, {"MX": 0.9, "CN": 0.1}, rc=(75, 90), rc_share=0.95, material="steel"),
    ]
    return vehicle, blocks


def pickup() -> tuple[dict, list[Block]]:
    """Full-size pickup assembled in the US with high US content: passes every regime."""
    vehicle = {"model": "Ridgeback full-size pickup", "hs_code": "8704.31", "assembly_country": "US",
               "production_date": date(2024, 6, 1), "currency": "USD", "total_cost": 36200, "sales_promotion_costs": 1100,
               "royalties": 300, "shipping_packing_costs": 650, "nonallowable_interest": 150, "transaction_value": 44500,
               "plant": "Fort Wayne", "producer": "Sample Trucks LLC", "model_year": "2024", "annual_volume": 320000,
               "steel_purchases": 2900, "steel_purchases_originating": 2610, "aluminum_purchases": 1300, "aluminum_purchases_originating": 1150,
               "lvc_high_wage_labor": 3100, "lvc_high_wage_materials": 11800, "lvc_technology_points": 10, "lvc_assembly_points": 5}
    us = (80, 98)
    rc = (90, 99)
    blocks = [
        Block("8407.34", "Engine assembly 5.0L V8", 1, 4200, {"US": 1}, certified=1, rc=(92, 92), rc_share=1, us=(88, 88), core="engine"),
        Block("8409.91", "Engine component", 40, 900, {"US": 0.8, "CA": 0.2}, certified=1, rc=rc, rc_share=1, us=us),
        Block("8708.40", "Transmission assembly 10-speed", 1, 2600, {"US": 1}, certified=1, rc=(91, 91), rc_share=1, us=(85, 85), core="transmission"),
        Block("8708.50", "Rear axle assembly", 2, 1400, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us, core="axle"),
        Block("8708.99", "Frame rail and crossmember", 20, 1700, {"US": 0.7, "CA": 0.3}, certified=1, rc=rc, rc_share=1, us=us, core="body_chassis", material="steel"),
        Block("8708.29", "Cab and box stamping", 90, 3500, {"US": 0.8, "MX": 0.2}, certified=1, rc=rc, rc_share=1, us=us, core="body_chassis", material="steel"),
        Block("8708.80", "Suspension component", 30, 1100, {"US": 0.6, "MX": 0.4}, certified=1, rc=rc, rc_share=1, us=us, core="suspension"),
        Block("8708.94", "Steering gear", 3, 520, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us, core="steering"),
        Block("8544.30", "Wiring harness", 30, 1100, {"MX": 1}, certified=1, rc=(70, 80), rc_share=1),
        Block("8537.10", "Control module", 10, 800, {"US": 0.7, "CN": 0.3}, certified=1, rc=(70, 90), rc_share=1, us=(60, 80)),
        Block("8528.59", "Display", 2, 300, {"CN": 1}),
        Block("9401.20", "Seat assembly", 6, 1500, {"US": 0.5, "CA": 0.5}, certified=1, rc=rc, rc_share=1, us=us),
        Block("4011.20", "Tire LT", 2, 700, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us, quantity=(5, 5)),
        Block("7007.21", "Windshield", 3, 350, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us),
        Block("8708.30", "Brake component", 30, 900, {"US": 0.6, "MX": 0.4}, certified=1, rc=rc, rc_share=1, us=us),
        Block("7208.39", "Hot-rolled steel coil", 10, 1200, {"US": 0.9, "CA": 0.1}, certified=1, rc=(98, 100), rc_share=1, us=(95, 100), material="steel"),
        Block("7606.12", "Aluminum sheet", 8, 900, {"US": 0.8, "CA": 0.2}, certified=1, rc=(95, 100), rc_share=1, us=us, material="aluminum"),
        Block("7318.15", "Fastener", 200, 500, {"US": 0.8, "MX": 0.2}, certified=1, rc=rc, rc_share=1, us=us, quantity=(2, 30)),
        Block("8708.29", "Interior trim", 80, 1300, {"MX": 0.6, "US": 0.4}, certified=1, rc=(80, 95), rc_share=1, us=us),
        Block("8415.20", "HVAC module", 3, 450, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us),
        Block("8512.20", "Lamp assembly", 12, 500, {"MX": 0.7, "CN": 0.3}, certified=1, rc=(75, 90), rc_share=1),
        Block("4016.93", "Rubber seal", 60, 260, {"US": 0.6, "MX": 0.4}, certified=1, rc=rc, rc_share=1, us=us),
        Block("3926.90", "Plastic clip", 100, 240, {"US": 0.5, "MX": 0.5}, certified=1, rc=rc, rc_share=1, us=us, quantity=(4, 40)),
        Block("8708.92", "Exhaust system", 10, 500, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us),
        Block("8708.91", "Radiator", 2, 240, {"CA": 1}, certified=1, rc=rc, rc_share=1, currency={"CA": "CAD"}),
        Block("8507.10", "12V battery", 1, 160, {"US": 1}, certified=1, rc=rc, rc_share=1, us=us),
    ]
    return vehicle, blocks


def suv() -> tuple[dict, list[Block]]:
    """SUV assembled in Canada: meets USMCA's RVC with an imported engine and short steel."""
    vehicle = {"model": "Tundra Ridge SUV", "hs_code": "8703.23", "assembly_country": "CA",
               "production_date": date(2024, 9, 1), "currency": "USD", "net_cost": 29500, "transaction_value": 35200,
               "plant": "Cambridge", "producer": "Sample Motors Canada", "model_year": "2025", "annual_volume": 150000,
               "steel_purchases": 2100, "steel_purchases_originating": 1300, "aluminum_purchases": 800, "aluminum_purchases_originating": 640,
               "lvc_high_wage_labor": 2600, "lvc_high_wage_materials": 9700, "lvc_technology_points": 8, "lvc_assembly_points": 5}
    rc = (85, 98)
    blocks = [
        Block("8407.34", "Engine assembly 2.5L (imported)", 1, 3300, {"JP": 1}, core="engine", supplier="Engine"),
        Block("8409.91", "Engine dress part", 20, 420, {"CA": 0.6, "US": 0.4}, certified=1, rc=rc),
        Block("8708.40", "Transmission assembly 8-speed", 1, 2300, {"US": 1}, certified=1, rc=(88, 88), rc_share=1, core="transmission"),
        Block("8708.50", "Axle", 3, 900, {"CA": 1}, certified=1, rc=rc, core="axle", currency={"CA": "CAD"}),
        Block("8708.29", "Body stamping", 80, 3100, {"CA": 0.7, "US": 0.3}, certified=1, rc=rc, core="body_chassis", material="steel"),
        Block("8708.80", "Suspension component", 30, 900, {"CA": 0.5, "MX": 0.5}, certified=1, rc=rc, core="suspension"),
        Block("8708.94", "Steering system", 3, 500, {"US": 1}, certified=1, rc=rc, core="steering"),
        Block("8544.30", "Wiring harness", 25, 900, {"MX": 1}, certified=1, rc=(65, 80), currency={"MX": "MXN"}),
        Block("8537.10", "Control module", 10, 700, {"CN": 0.5, "US": 0.5}, certified=0.9, rc=(60, 80)),
        Block("8528.59", "Infotainment display", 2, 380, {"CN": 1}),
        Block("9401.20", "Seat assembly", 5, 1300, {"CA": 1}, certified=1, rc=rc),
        Block("4011.10", "Tire", 2, 520, {"CA": 0.5, "US": 0.5}, certified=1, rc=rc, quantity=(4, 5)),
        Block("7007.21", "Glass", 4, 330, {"CA": 1}, certified=1, rc=rc),
        Block("8708.30", "Brake component", 25, 760, {"CA": 0.6, "MX": 0.4}, certified=1, rc=rc),
        Block("7209.17", "Cold-rolled steel", 8, 900, {"CA": 0.4, "KR": 0.6}, material="steel", certified=1, rc=(95, 100)),
        Block("7606.12", "Aluminum sheet", 4, 420, {"CA": 1}, material="aluminum", certified=1, rc=(95, 100)),
        Block("7318.15", "Fastener", 150, 420, {"US": 0.6, "CA": 0.4}, certified=0.95, rc=rc, quantity=(2, 24)),
        Block("8708.29", "Interior trim", 60, 1200, {"CA": 0.6, "MX": 0.4}, certified=1, rc=(75, 95)),
        Block("8415.20", "HVAC module", 2, 400, {"MX": 1}, certified=1, rc=(70, 85)),
        Block("8512.20", "Lamp assembly", 10, 420, {"MX": 0.6, "CN": 0.4}, certified=1, rc=(70, 85)),
        Block("4016.93", "Rubber seal", 40, 200, {"CA": 0.7, "US": 0.3}, certified=1, rc=rc),
        Block("3926.90", "Plastic clip", 70, 180, {"CA": 0.5, "US": 0.5}, certified=1, rc=rc, quantity=(4, 30)),
        Block("8708.92", "Exhaust system", 6, 380, {"CA": 1}, certified=1, rc=rc),
        Block("8708.99", "Chassis bracket", 25, 520, {"CA": 0.8, "US": 0.2}, certified=1, rc=rc, material="steel"),
    ]
    return vehicle, blocks


def crossover_ev() -> tuple[dict, list[Block]]:
    """Battery-electric crossover assembled in the US with imported cells (a non-originating core part)."""
    vehicle = {"model": "Voltaire electric crossover", "hs_code": "8703.80", "assembly_country": "US",
               "production_date": date(2025, 2, 1), "currency": "USD", "net_cost": 38500, "transaction_value": 46900,
               "plant": "Chattanooga", "producer": "Sample EV Inc", "model_year": "2025", "annual_volume": 90000,
               "steel_purchases": 1900, "steel_purchases_originating": 1560}
    rc = (85, 98)
    us = (75, 95)
    blocks = [
        Block("8507.60", "Lithium-ion cell (imported)", 12, 5600, {"KR": 0.6, "CN": 0.4}, core="advanced_battery"),
        Block("8507.90", "Battery pack housing and BMS", 20, 2400, {"US": 1}, certified=1, rc=(80, 90), us=us, core="advanced_battery"),
        Block("8501.33", "Traction motor", 2, 1500, {"MX": 0.5, "US": 0.5}, certified=1, rc=(70, 85), us=us),
        Block("8504.40", "Inverter and on-board charger", 3, 900, {"CN": 0.3, "US": 0.7}, certified=0.8, rc=(65, 85), us=us),
        Block("8708.40", "Reduction gear unit", 2, 700, {"MX": 1}, certified=1, rc=rc, core="transmission"),
        Block("8708.50", "Axle", 4, 800, {"US": 1}, certified=1, rc=rc, us=us, core="axle"),
        Block("8708.29", "Body stamping", 80, 3400, {"US": 0.8, "MX": 0.2}, certified=0.85, rc=rc, us=us, core="body_chassis", material="steel"),
        Block("8708.80", "Suspension component", 30, 1000, {"US": 0.5, "MX": 0.5}, certified=1, rc=rc, us=us, core="suspension"),
        Block("8708.94", "Steering system", 3, 600, {"US": 1}, certified=1, rc=rc, us=us, core="steering"),
        Block("8544.30", "High-voltage harness", 20, 900, {"MX": 1}, certified=1, rc=(65, 80)),
        Block("8537.10", "Vehicle control unit", 12, 1100, {"US": 0.6, "TW": 0.4}, certified=0.7, rc=(60, 80), us=(50, 70)),
        Block("8528.59", "Center display", 2, 520, {"CN": 1}),
        Block("9401.20", "Seat assembly", 5, 1400, {"US": 1}, certified=0.6, rc=rc, us=us),
        Block("4011.10", "Tire", 2, 640, {"US": 1}, certified=1, rc=rc, us=us, quantity=(4, 5)),
        Block("7007.21", "Glass", 4, 420, {"US": 1}, certified=1, rc=rc, us=us),
        Block("8708.30", "Brake component", 20, 700, {"US": 0.6, "MX": 0.4}, certified=1, rc=rc, us=us),
        Block("7606.12", "Aluminum extrusion", 10, 900, {"US": 0.7, "CA": 0.3}, material="aluminum", certified=1, rc=(95, 100)),
        Block("7318.15", "Fastener", 150, 420, {"US": 0.7, "MX": 0.3}, certified=0.7, rc=rc, quantity=(2, 24)),
        Block("8708.29", "Interior trim", 60, 1300, {"US": 0.6, "MX": 0.4}, certified=0.8, rc=(75, 95)),
        Block("8415.20", "Heat pump module", 2, 650, {"MX": 1}, certified=1, rc=(70, 85)),
        Block("8512.20", "Lamp assembly", 10, 500, {"MX": 0.6, "CN": 0.4}, certified=1, rc=(70, 85)),
        Block("4016.93", "Rubber seal", 40, 220, {"US": 0.7, "MX": 0.3}, certified=1, rc=rc),
        Block("8708.99", "Chassis bracket", 25, 580, {"US": 0.8, "MX": 0.2}, certified=1, rc=rc, material="steel"),
    ]
    return vehicle, blocks


def heavy_truck() -> tuple[dict, list[Block]]:
    """Class 8 road tractor assembled in Mexico; its high-wage labor cost is not on file."""
    vehicle = {"model": "Titan 8 road tractor", "hs_code": "8701.21", "vehicle_type": "heavy_truck", "assembly_country": "MX",
               "production_date": date(2025, 5, 1), "currency": "USD", "net_cost": 112000, "transaction_value": 138000,
               "plant": "Saltillo", "producer": "Sample Heavy Trucks", "model_year": "2026", "annual_volume": 24000,
               "steel_purchases": 9800, "steel_purchases_originating": 7900, "aluminum_purchases": 5200, "aluminum_purchases_originating": 4100,
               "lvc_technology_points": 7, "lvc_assembly_points": 5}
    rc = (70, 95)
    blocks = [
        Block("8408.20", "Diesel engine 13L", 1, 19500, {"US": 1}, certified=1, rc=(78, 78), rc_share=1, core="engine"),
        Block("8409.99", "Engine component", 120, 5200, {"US": 0.5, "MX": 0.3, "DE": 0.2}, rc=rc),
        Block("8708.40", "Automated manual transmission", 1, 9800, {"US": 1}, certified=1, rc=(72, 72), rc_share=1, core="transmission"),
        Block("8708.50", "Tandem drive axle", 3, 10400, {"US": 0.7, "MX": 0.3}, certified=1, rc=rc, core="axle"),
        Block("8708.99", "Frame rail and crossmember", 60, 7300, {"MX": 0.7, "US": 0.3}, certified=1, rc=rc, material="steel", core="body_chassis"),
        Block("8707.90", "Cab shell", 4, 8200, {"MX": 1}, certified=1, rc=(80, 90), core="body_chassis"),
        Block("8708.80", "Air suspension component", 80, 4100, {"US": 0.5, "MX": 0.5}, certified=0.9, rc=rc, core="suspension"),
        Block("8708.94", "Steering gear", 4, 1900, {"US": 1}, certified=1, rc=rc, core="steering"),
        Block("8708.30", "Air brake component", 140, 4800, {"US": 0.5, "MX": 0.3, "DE": 0.2}, certified=0.9, rc=rc),
        Block("8544.30", "Wiring harness", 90, 2600, {"MX": 1}, certified=0.95, rc=(60, 75)),
        Block("8537.10", "Electronic control unit", 30, 2700, {"US": 0.4, "DE": 0.3, "CN": 0.3}, certified=0.8, rc=(55, 80)),
        Block("4011.20", "Truck tire", 2, 3600, {"US": 0.6, "JP": 0.4}, quantity=(10, 10)),
        Block("7606.12", "Aluminum sheet and tread plate", 30, 2600, {"US": 0.6, "CA": 0.4}, material="aluminum", certified=1, rc=(90, 100)),
        Block("7208.39", "Hot-rolled steel", 20, 2700, {"MX": 0.6, "US": 0.3, "BR": 0.1}, material="steel", certified=1, rc=(90, 100)),
        Block("7318.15", "Fastener", 700, 2100, {"US": 0.5, "MX": 0.3, "CN": 0.2}, certified=0.85, rc=rc, quantity=(2, 40)),
        Block("9401.20", "Driver seat", 2, 1500, {"US": 1}, certified=1, rc=rc),
        Block("8415.20", "HVAC", 3, 1200, {"MX": 1}, certified=1, rc=rc),
        Block("8708.91", "Radiator and cooling module", 6, 2300, {"MX": 1}, certified=1, rc=rc),
        Block("8708.92", "Aftertreatment and exhaust", 20, 4600, {"US": 0.7, "DE": 0.3}, certified=1, rc=(60, 80)),
        Block("8512.20", "Lamp", 40, 900, {"MX": 0.5, "CN": 0.5}, certified=0.9, rc=(60, 80)),
        Block("4009.31", "Hose", 150, 1300, {"MX": 0.7, "US": 0.3}, certified=0.9, rc=rc),
        Block("3926.90", "Plastic part", 300, 1200, {"MX": 0.6, "CN": 0.4}, certified=0.8, rc=rc, quantity=(1, 20)),
    ]
    return vehicle, blocks


def sedan_lx() -> tuple[dict, list[Block]]:
    """The same model line, LX trim, same plant: Mexican CVT and steering, more regional content."""
    vehicle, blocks = sedan()
    vehicle = {**vehicle, "net_cost": 21400, "transaction_value": 25900, "annual_volume": 120000,
               "lvc_high_wage_labor": 520}
    swapped = []
    for b in blocks:
        if b.hs in ("8708.40", "8708.94") and "JP" in b.origins:
            b = Block(**{**b.__dict__, "origins": {"MX": 1}, "certified": 1, "rc": (78, 88), "rc_share": 1, "high_wage": 0.9})
        swapped.append(b)
    return vehicle, swapped


def write_fleet(folder: Path) -> None:
    """sample_boms/fleet/: the Aurora sedan in two trims and a fleet workbook listing both."""
    from openpyxl import Workbook

    from roo_calc.bom.template import save_atomically

    folder.mkdir(parents=True, exist_ok=True)
    vehicle, blocks = sedan_lx()
    lines = build("LX", blocks, 606)
    write_workbook(folder / "aurora-lx.xlsx", vehicle, lines, FX if any("currency" in l for l in lines) else ())
    book = Workbook()
    sheet = book.active
    sheet.title = "Fleet"
    sheet.append(["bom_file", "annual_volume", "note"])
    sheet.append(["../compact-sedan-mx.xlsx", 180000, "Aurora base trim"])
    sheet.append(["aurora-lx.xlsx", 120000, "Aurora LX trim"])
    save_atomically(book, folder / "aurora-fleet.xlsx")
    print(f"{folder}/aurora-lx.xlsx: {len(lines)} lines; {folder}/aurora-fleet.xlsx")


SAMPLES = {
    "compact-sedan-mx": (sedan, 101),
    "fullsize-pickup-us": (pickup, 202),
    "suv-ca": (suv, 303),
    "ev-crossover-us": (crossover_ev, 404),
    "heavy-truck-mx": (heavy_truck, 505),
}


def write_samples(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (make, seed) in SAMPLES.items():
        vehicle, blocks = make()
        lines = build(name.split("-")[0][:3].upper(), blocks, seed)
        uses_fx = any("currency" in line for line in lines)
        write_workbook(folder / f"{name}.xlsx", vehicle, lines, FX if uses_fx else ())
        print(f"{folder / name}.xlsx: {len(lines)} lines")
    write_fleet(folder / "fleet")


def write_large(folder: Path, sizes: list[int]) -> None:
    """Synthetic BOMs for benchmarks: the sedan's blocks scaled to `size` lines."""
    folder.mkdir(parents=True, exist_ok=True)
    vehicle, blocks = sedan()
    for size in sizes:
        factor = size / sum(b.lines for b in blocks)
        scaled = []
        for b in blocks:
            n = max(1, round(b.lines * factor))
            scaled.append(Block(**{**b.__dict__, "lines": n, "total": b.total * n / b.lines}))
        lines = build("SYN", scaled, size)[:size]
        total = sum(Decimal(str(l.get("value", 0) or 0)) + Decimal(str(l.get("unit_value", 0) or 0)) * l.get("quantity", 1) for l in lines)
        big_vehicle = {**vehicle, "net_cost": float((total * Decimal("1.3")).quantize(CENT))}
        path = folder / f"bom-{size // 1000}k.xlsx" if size >= 1000 else folder / f"bom-{size}.xlsx"
        write_workbook(path, big_vehicle, lines, FX)
        print(f"{path}: {len(lines)} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "sample_boms")
    parser.add_argument("--large", type=int, nargs="*", help="also write synthetic BOMs of these line counts to OUT/large/")
    args = parser.parse_args()
    if args.large:
        write_large(args.out / "large", args.large)
    else:
        write_samples(args.out)


if __name__ == "__main__":
    main()
