"""Reports: terminal text, JSON and Excel, all built from `Determination` results."""
