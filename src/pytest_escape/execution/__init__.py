"""Running mutants: forked children, per-mutant test selection, timeouts.

Importing this package is cheap (the plugin does, in every pytest run).
"""

#: set in the worker's environment: the plugin there must not start a session of its own
WORKER_ENV = "PYTEST_ESCAPE_WORKER"
