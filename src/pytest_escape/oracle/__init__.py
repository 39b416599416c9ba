"""Per-test verdicts and the evidence behind them (issue 4)."""
