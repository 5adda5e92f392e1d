"""Regimes as data: the rule-file schema and its loader."""
