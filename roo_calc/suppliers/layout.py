"""The layout shared by the request workbooks `solicit` writes and `collect` reads back: sheet
names, the labels of the request's identity, and the answer columns.  Changing one side means
changing the other, so both read it from here."""

from __future__ import annotations

from roo_calc.bom.schema import CERTIFICATION_COLUMNS

SHEET_INSTRUCTIONS = "Instructions"
SHEET_PARTS = "Parts"
SHEET_CERTIFICATION = "Certification"

# Identity of the request, on the Instructions sheet: label in column A, value in column B.
ID_LABELS = ("Request", "Supplier", "Vehicle", "Producer", "BOM file", "BOM SHA-256", "Determination date",
             "Next determination", "Regimes", "Currency")

# Certification sheet: label in column A, the supplier's answer in column B.
CERT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("response", "Response", "answered: your answers below and on the Parts sheet; declined: you will not certify"),
    ("decline_reason", "If declined, why", "optional"),
    ("valid_from", "Blanket period from", "first day the answers hold (YYYY-MM-DD)"),
    ("valid_to", "Blanket period to", "last day (YYYY-MM-DD), a blanket period covers at most 12 months (USMCA Art. 5.2; Annex 5-A)"),
    ("document", "Your certification reference", "your document number; shown in the producer's reports"),
    ("certifier_name", "Certifier name", "person certifying for the supplier"),
    ("certifier_title", "Certifier title", ""),
    ("certifier_contact", "Certifier address, e-mail and telephone", ""),
    ("signed_on", "Date signed", "YYYY-MM-DD"),
)
RESPONSES = ("answered", "declined")

# Parts sheet: locked information columns, then answer columns (unlocked only where asked).
INFO_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "BOM row"), ("part_number", "Part number"), ("description", "Description"), ("hs_code", "HS code"),
    ("origin_country", "Origin"), ("value", "Value per vehicle"), ("regimes", "Verdicts that depend on it"),
    ("asked", "What we need"), ("on_file", "On file now"),
)
def answer_title(agreement: str) -> str:
    """The Parts header of a certification column, named by the agreement the regimes read it as."""
    return f"{agreement} originating? (Y/N)"


# (key, header, kind); a certification column's header is `answer_title` of the agreement the
# chosen regimes name (these titles, of the columns' own prefixes, are the ones read back from
# requests written before the key row).
ANSWER_COLUMNS: tuple[tuple[str, str, str], ...] = (
    *((column, answer_title(column.removesuffix("_originating").upper()), "yn") for column in CERTIFICATION_COLUMNS),
    ("regional_content_pct", "Regional value content %", "pct"),
    ("rvc_method", "RVC method", "method"),
    ("nafta_traced_value", "NAFTA traced value", "money"),
    ("us_content_pct", "US content %", "pct"),
    ("steel_content_value", "Steel content value", "money"),
    ("aluminum_content_value", "Aluminum content value", "money"),
)
RVC_METHODS = ("net cost", "transaction value")
HEADER_ROW = 4  # 1-based row of the Parts headers; parts start below it
KEY_ROW = HEADER_ROW - 1  # 1-based hidden row holding each answer column's key, above its header
