"""Supplier certifications with their validity periods: reading them (the BOM's `Certificates`
sheet, or a certificates workbook shared by many BOMs) and applying those in force on the
determination date to the BOM lines."""
