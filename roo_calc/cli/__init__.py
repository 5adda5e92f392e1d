"""The `roo-calc` command line: one module per command, composed in `main`."""
