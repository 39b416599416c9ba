"""The generated-input engine: calling the code under test on inputs nobody wrote.

Shared by the witness search (``witness``: does an input tell a surviving
mutant from the original?) and the property checks (``properties``: does an
input break what the code should always do?).  Both run in sandboxed
children forked by the mutation worker; this package is what they have in
common:

- ``strategies``: Hypothesis strategies for a function's inputs (hints,
  defaults, names, the tests' own arguments, the code's literals), the
  settings every search runs them with, and the one-time warm-up before
  the worker forks;
- ``calls``: the function under test, resolved by name, and one call of it
  on fresh copies of its arguments, under the original or a mutant;
- ``compare``: what a call did (return, exception, argument state, output)
  and whether two calls did the same;
- ``literals``: values as Python source that evaluates back to them;
- ``rendering``: a call, and a test around it, as source;
- ``observe``: the arguments the project's tests pass, recorded as seeds;
- ``sandbox``: scratch directory, resource limits, the audit-hook guard, the
  per-call time limit;
- ``verify``: running an emitted test in a fresh child.
"""
