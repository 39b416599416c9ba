"""Running mutants: forked children, per-mutant test selection, timeouts."""
