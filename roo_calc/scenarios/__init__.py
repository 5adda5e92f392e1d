"""Sourcing what-ifs: scenario files, applying them to a BOM, and comparing the results."""
