"""The BOM workbook: its column contract, the reader and the validated model."""
