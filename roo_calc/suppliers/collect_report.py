"""Write what `collect` gathered: the Certificates sheet (sorted, so the same files always give
the same bytes) and a `Collected` sheet listing every file read, its SHA-256, when it was
received and what became of it."""

from __future__ import annotations

from pathlib import Path

from roo_calc.certificates.writer import write_certificates
from roo_calc.suppliers.collect import Returned


def _order(row: dict) -> tuple:
    return (row["supplier"].casefold(), row["part_number"], row["agreement"], row["source_file"], row["source_sha256"])


def write_collected(path: Path, results: list[Returned]) -> int:
    """Write the certificates workbook; the number of certification rows written."""
    rows = sorted((row for r in results if r.status == "answered" for row in r.rows), key=_order)
    listed = sorted(results, key=lambda r: (Path(r.path).name, r.sha256))

    def collected(book, formats) -> None:
        sheet = book.add_worksheet("Collected")
        headers = ["file", "sha256", "received", "supplier", "request", "status", "note or problems"]
        for col, (name, width) in enumerate(zip(headers, [30, 66, 12, 24, 14, 10, 90])):
            sheet.write_string(0, col, name, formats["head"])
            sheet.set_column(col, col, width)
        for r, result in enumerate(listed, start=1):
            sheet.write_string(r, 0, Path(result.path).name)
            sheet.write_string(r, 1, result.sha256)
            sheet.write_string(r, 2, result.received.isoformat() if result.received else "")
            sheet.write_string(r, 3, result.supplier or "")
            sheet.write_string(r, 4, result.request or "")
            sheet.write_string(r, 5, result.status)
            said = [result.note] if result.status != "invalid" else []
            said += [f"{'warning: ' * (p.severity == 'warning')}{p.sheet or ''}{'!' + p.cell if p.cell else ''}: {p.message}"
                     for p in (result.problems if result.status == "invalid" else result.warnings)]
            sheet.write_string(r, 6, "; ".join(said))

    write_certificates(path, rows, extra_sheets=collected)
    return len(rows)
