"""Certifications that match no BOM line (pure): a supplier name no line gives, or a part the
supplier supplies on no line.  Such a certification is never used, so each is a warning located
at its Certificates row, naming what it names and the BOM's closest supplier names or parts: a
near miss ("Eng Co Ltd" for "EngCo") is then seen, not silently dropped.

Suppliers match by `supplier_key` (case, width and whitespace ignored); punctuation and legal
suffixes are not ignored, because "EngCo Ltd" and "EngCo Inc" may be different legal persons and
a certification of origin is its certifier's own statement.
"""

from __future__ import annotations

from difflib import SequenceMatcher

import pandas as pd

from roo_calc.certificates.model import Certificate, supplier_key
from roo_calc.errors import Problem

SHOWN = 20  # located warnings per certificates sheet; the rest are counted in one more
CLOSEST = 3  # names offered beside each


def unmatched(certificates: tuple[Certificate, ...], lines: pd.DataFrame, bom_path: str) -> list[Problem]:
    """A warning for each certification whose supplier (or supplier and part) no line of `lines`
    (the BOM's counted material lines, those certifications apply to) names."""
    rows_of: dict[str, dict[str, list[int]]] = {}  # supplier key -> name as written -> rows
    parts_of: dict[str, dict[str, list[int]]] = {}  # supplier key -> part number -> rows
    for supplier, part, row in zip(lines["supplier"], lines["part_number"], lines["row"]):
        if isinstance(supplier, str) and supplier.strip():
            key = supplier_key(supplier)
            rows_of.setdefault(key, {}).setdefault(supplier.strip(), []).append(int(row))
            parts_of.setdefault(key, {}).setdefault(str(part), []).append(int(row))
    missed: dict[tuple[str, str], list[Certificate]] = {}
    for cert in certificates:
        key = supplier_key(cert.supplier)
        if key not in rows_of or (cert.part_number is not None and cert.part_number not in parts_of[key]):
            missed.setdefault((cert.file, cert.sheet), []).append(cert)
    names = {name: rows for by_name in rows_of.values() for name, rows in by_name.items()}
    out: list[Problem] = []
    for (file, sheet), certs in missed.items():  # the closest names only for those shown: a ranking costs
        out += [_warning(cert, rows_of, parts_of, names, bom_path) for cert in certs[:SHOWN]]
        if len(certs) > SHOWN:
            out.append(Problem("certificate-matches-nothing", f"and {len(certs) - SHOWN} more certifications on this "
                               f"sheet match no line of {bom_path} (each is not used)", file, sheet, None, "warning"))
    return out


def _warning(cert: Certificate, rows_of: dict[str, dict[str, list[int]]], parts_of: dict[str, dict[str, list[int]]],
             names: dict[str, list[int]], bom_path: str) -> Problem:
    """The warning for one certification that matches no line: its supplier, else its part."""
    key = supplier_key(cert.supplier)
    what = f"certification {cert.name} ({cert.agreement.upper()})"
    if key not in rows_of:
        message = (f"supplier: {what} names supplier {cert.supplier!r}, which no line of {bom_path} names "
                   "(suppliers match ignoring case and spaces, not punctuation or legal suffixes such as Ltd); "
                   f"{_closest(cert.supplier, names, 'BOM suppliers')}; it is not used: correct the name here or "
                   "in the BOM")
        cell = cert.cells.get("supplier")
    else:
        message = (f"part_number: {what} names part {cert.part_number!r} of supplier {cert.supplier!r}, which no "
                   f"line of {bom_path} from that supplier has; "
                   f"{_closest(cert.part_number or '', parts_of[key], 'parts of that supplier in the BOM')}; it is not "
                   "used: correct the part number here or in the BOM, or leave it blank for a blanket certification")
        cell = cert.cells.get("part_number")
    return Problem("certificate-matches-nothing", message, cert.file, cert.sheet, cell or f"A{cert.row}", "warning")


def _closest(name: str, candidates: dict[str, list[int]], what: str) -> str:
    """The `CLOSEST` candidates most like `name` (ignoring case and spaces), each with its BOM rows."""
    if not candidates:
        return f"{what}: none"
    key = supplier_key(name)
    ranked = sorted(candidates, key=lambda c: (-SequenceMatcher(None, key, supplier_key(c)).ratio(), c))[:CLOSEST]
    return f"closest {what}: " + ", ".join(f"{c!r} ({_rows(candidates[c])})" for c in ranked)


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:3])
    return f"BOM row{'s' if len(rows) > 1 else ''} {shown}" + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")
