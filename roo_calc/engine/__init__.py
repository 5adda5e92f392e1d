"""The determination engine: pure functions of (BOM, regime, date); no file or network I/O."""
