"""The run plan: which mutants run, against which tests, and what the worker is told.

Pure: the targets' mutants, the baseline, the changed lines and the cache keys
go in; typed records and jobs come out.  No pytest, no processes, no files,
so every rule here (which tests cover a mutant, what a shard holds, which
functions are probed and checked) is unit-tested on values in milliseconds.

The plan also holds the run's results as they stand before any verdict: every
mutant without coverage, every function not covered.  ``assemble`` turns
that, the cache's outcomes and the worker's events into the final ``Results``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings, auto_memory_limit
from .coverage_map import Baseline
from .execution.protocol import (
    ModulePlan,
    MutantJob,
    PropertyCheck,
    PropertyConfig,
    PropertyOptions,
    WitnessOptions,
    WorkerPlan,
)
from .execution.selection import covering_tests, unseen_tests
from .model import EXTREME, NO_COVERAGE, NOT_COVERED, FunctionResult, MutantResult, Shard
from .mutation import MutantSpec, MutatedModule
from .mutation.import_time import ImportTime
from .shards import assign, plan_hash
from .since import ChangedLines
from .targets import Target
from .wording import operator_words

IMPORT_ONLY = (
    "no test calls it: its body runs only at import (a decorator or factory), "
    "so no mutant of it can be switched on in a test"
)
#: a mutant run against the tests coverage could not see through (``selection.unseen_tests``)
UNSEEN = (
    "no test executes line {line} as far as coverage could see; run against the {tests} tests "
    "it could not see through"
)
#: the reason a mutant of code that runs only at import carries (``mutation.import_time``)
AT_IMPORT = "runs only while {module} is imported: run by running its top level again before its tests"
ONLY_AT_IMPORT = (
    "runs only while {module} is imported, from a decorator, a class body or a default value, "
    "which run once: no mutant of it can be switched on in a test"
)
#: forced-failure probes per module: one test may swallow every exception
PROBES_PER_MODULE = 3
# Appended to the user's arguments for the worker (later options win):
# - the worker imports this package before pytest starts, so pytest cannot
#   assertion-rewrite it; under ``filterwarnings = error`` that warning is fatal;
# - pytest's long tracebacks read and parse the source of every frame: 85 % of a
#   killed mutant's time on isodate.  We keep only the first line.
# - the worker keeps pytest's cacheprovider (the project's addopts may hold its
#   options: ``--cache-clear``, ``--lf``, ``--ff``), pointed at a scratch
#   directory of its own (``worker.main``), so it neither reads nor writes
#   the project's cache; with ``-p no:cacheprovider`` on the command line,
#   that ``cache_dir`` is an unknown option, which warns (fatal under
#   ``filterwarnings = error``); any other unknown option has already warned
#   in the main process.
WORKER_ARGS = (
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
    "-W",
    "ignore:Unknown config option:pytest.PytestConfigWarning",
    "--tb=native",
)

#: a target and its mutants
Mutated = tuple[Target, MutatedModule]


def select(
    mutated: Sequence[Mutated],
    baseline: Baseline,
    changed: ChangedLines | None,
    shard: tuple[int, int] | None,
) -> tuple[list[tuple[Target, list[MutantSpec]]], Shard | None]:
    """Each target's mutants this run is about: lines changed since ``--escape-since``,
    the functions of ``--escape-shard``; and which shard this is."""
    chosen = []
    for target, module in mutated:
        specs = list(module.mutants)
        if changed is not None:
            # an extreme mutant is about its whole function, a regular one about its own span
            specs = [
                spec
                for spec in specs
                if changed.touches(
                    target.path,
                    spec.function_first_line if spec.operator == EXTREME else spec.span.start_line,
                    spec.function_span.end_line if spec.operator == EXTREME else spec.span.end_line,
                )
            ]
        chosen.append((target, specs))
    if shard is None:
        return chosen, None
    index, count = shard
    # A shard's share must come out the same on every machine, so the cost
    # is counted, not timed: a mutant's covering tests are what it runs at
    # most (a survivor); measured durations differ from machine to machine.
    costs: dict[str, float] = {}
    for target, specs in chosen:
        for spec in specs:
            unit = f"{spec.module}.{spec.function}"
            costs[unit] = costs.get(unit, 0.0) + 1 + len(covering_tests(spec, target.path, baseline))
    shard_of = assign(costs, count)
    this = Shard(index, count, plan_hash(spec.id for _, specs in chosen for spec in specs))
    return [
        (target, [spec for spec in specs if shard_of[f"{spec.module}.{spec.function}"] == index])
        for target, specs in chosen
    ], this


@dataclass
class MutantPlan:
    """The mutants and functions of a run before any verdict, and the jobs that get them one."""

    #: regular mutants (extreme ones hang off their functions), without coverage until a verdict
    mutants: list[MutantResult] = field(default_factory=list)
    functions: list[FunctionResult] = field(default_factory=list)
    #: every mutant (extreme ones too) that some test executes
    jobs: list[MutantJob] = field(default_factory=list)
    #: mutant id -> its cache key (the mutants in ``jobs``)
    keys: dict[str, str] = field(default_factory=dict)
    #: module -> the tests its forced-failure probe tries (the cheapest of its mutants' tests)
    probes: dict[str, tuple[str, ...]] = field(default_factory=dict)


def plan_mutants(
    chosen: Sequence[tuple[Target, Sequence[MutantSpec]]],
    baseline: Baseline,
    relative: Callable[[Path], str],
    matrix: bool,
    key: Callable[[MutantSpec, Target, list[str]], str],
    import_times: Mapping[str, ImportTime] | None = None,
) -> MutantPlan:
    """Records and jobs for the chosen mutants; ``key`` makes a mutant's cache key.

    ``import_times`` (module -> ``ImportTime``) says which functions run
    while their module is imported: a mutant of one that no test executes
    is run against every test of its module, after the module's top level
    runs again (``MutantJob.at_import``)."""
    plan = MutantPlan()
    functions: dict[tuple[str, str], FunctionResult] = {}
    order = {t: i for i, t in enumerate(baseline.tests)}
    for target, specs in chosen:
        module_tests: set[str] = set()
        at_import = (import_times or {}).get(target.module, ImportTime())
        for spec in specs:
            tests = covering_tests(spec, target.path, baseline)
            extreme = spec.operator == EXTREME
            rerun = not tests and spec.function in at_import.rerun
            if rerun:
                tests = baseline.cheapest_first(set().union(*baseline.lines.get(target.path, {}).values()))
            # code that runs only at import cannot be switched on in a test,
            # however well or badly coverage saw the tests
            import_only = spec.function in at_import.once
            unseen = [] if tests or import_only else unseen_tests(spec, target.path, baseline)
            result = blank_mutant(spec, relative(target.path), tests)
            where = (spec.module, spec.function)
            if where not in functions:
                functions[where] = blank_function(spec, result.file, target, baseline, order)
            if extreme:
                # the function runs under a test only if its first statement
                # does: a decorator's nested wrapper runs in tests, its own
                # body only at import, where no mutant can be switched on
                function = functions[where]
                # the generator puts the neutral extreme first, its opposite after
                if function.extreme is None:
                    function.extreme = result
                else:
                    function.second_extreme = result
                if not tests and function.covered_by:
                    result.status_reason = IMPORT_ONLY
                    unseen = []
                function.covered_by = tests
            else:
                plan.mutants.append(result)
            if tests or unseen:
                plan.keys[spec.id] = key(spec, target, tests or unseen)
                plan.jobs.append(
                    MutantJob(
                        id=spec.id,
                        tests=tuple(tests or unseen),
                        module=spec.module,
                        function=spec.function,
                        line=spec.span.start_line,
                        in_signature=spec.in_signature,
                        doc=_test_docstring(result),
                        all=extreme or matrix,
                        extreme=extreme,
                        change=_change(spec),
                        expressions=spec.expressions,
                        at_import=rerun,
                        unseen=bool(unseen),
                    )
                )
                if rerun:
                    result.status_reason = AT_IMPORT.format(module=spec.module)
                elif unseen:
                    result.status_reason = UNSEEN.format(line=spec.statement.start_line, tests=len(unseen))
                else:
                    module_tests.update(tests)
            elif rerun:
                result.status_reason = (
                    f"runs only while {spec.module} is imported, and no test runs any of it"
                )
            elif spec.function in at_import.once and not extreme:
                result.status_reason = ONLY_AT_IMPORT.format(module=spec.module)
            elif not result.status_reason:
                result.status_reason = f"no test executes line {spec.statement.start_line}"
        if module_tests:
            plan.probes[target.module] = tuple(baseline.cheapest_first(module_tests)[:PROBES_PER_MODULE])
    plan.functions = list(functions.values())
    return plan


def _change(spec: MutantSpec) -> tuple[int, str] | None:
    """Where the mutant's text starts on its line, and that text (``MutantJob.change``)."""
    one_line = spec.span.start_line == spec.span.end_line and "\n" not in spec.replacement
    return (spec.span.start_col, spec.replacement) if one_line and spec.replacement else None


def blank_mutant(spec: MutantSpec, file: str, tests: list[str]) -> MutantResult:
    """A mutant's record before it runs: without coverage."""
    return MutantResult(
        id=spec.id,
        module=spec.module,
        file=file,
        function=spec.function,
        operator=spec.operator,
        line=spec.span.start_line,
        column=spec.span.start_col,
        end_line=spec.span.end_line,
        end_column=spec.span.end_col,
        original=spec.original,
        replacement=spec.replacement,
        before=list(spec.before),
        after=list(spec.after),
        status=NO_COVERAGE,
        covered_by=tests,
    )


def blank_function(
    spec: MutantSpec, file: str, target: Target, baseline: Baseline, order: dict[str, int]
) -> FunctionResult:
    """A function's record, covered by the tests that executed any line of its body
    (its extreme mutant, if it has one, narrows that to its first statement)."""
    body = range(spec.function_span.start_line + 1, spec.function_span.end_line + 1)
    return FunctionResult(
        module=spec.module,
        file=file,
        name=spec.function,
        line=spec.function_span.start_line,
        label=NOT_COVERED,
        covered_by=sorted(baseline.tests_on_lines(target.path, body), key=order.__getitem__),
    )


def _test_docstring(mutant: MutantResult) -> str:
    old, new = mutant.diff_lines()
    return (
        f"Kills {mutant.name} ({mutant.file}:{mutant.line}), {operator_words(mutant.operator)}:\n"
        f"    - {old}\n    + {new}\n    "
    )


def property_checks(
    functions: Sequence[FunctionResult], order: Callable[[Iterable[str]], list[str]]
) -> list[PropertyCheck]:
    """The functions whose properties the worker checks, with the tests that run them
    in ``order`` (``Baseline.cheapest_first``: the first record the arguments a
    function is called with)."""
    siblings: dict[str, list[str]] = {}
    for f in functions:
        siblings.setdefault(f.module, []).append(f.name)
    return [
        PropertyCheck(
            module=f.module,
            function=f.name,
            tests=tuple(order(f.covered_by)),
            siblings=tuple(siblings[f.module]),
        )
        for f in sorted(functions, key=lambda f: (f.module, f.line))
    ]


def verdict_options(settings: Settings) -> dict[str, Any]:
    """The options a mutant's verdict depends on (the witness search's are apart)."""
    return {
        "timeout_factor": settings.timeout_factor,
        "timeout_constant": settings.timeout_constant,
        # "auto", not the MiB it came to: the baseline's growth varies a little from run to run
        "memory_limit": "auto" if settings.memory_limit is None else settings.memory_limit,
        "matrix": settings.matrix,
    }


#: the rules by which a search runs and compares calls: a finding cached
#: under others is searched again (2: writes in the sandbox's scratch
#: directory allowed and compared, a probe that watches the mutated text,
#: closures made per call compared by code and contents, no "likely
#: equivalent" where a variable the mutated line reads never changed or
#: the original did the same on every input, and the options a function
#: reads from its ``**kwargs`` passed; 3: the infection check, and the
#: "hidden change" and "equivalence unconfirmed" verdicts; 4: a
#: constructor searched on a new instance, written as the class's call;
#: 5: the probe follows a change into the function's nested code, and an
#: exception's attributes are part of the outcome)
SEARCH_RULES = 5


def witness_options(settings: Settings) -> str:
    """The options a survivor's witness depends on, as the cache compares them."""
    return json.dumps([settings.witness_budget, settings.examples, settings.witness_backend, SEARCH_RULES])


def property_options(settings: Settings) -> str:
    """The options a function's property results depend on (not the seed:
    a run without --escape-seed would never find its results again)."""
    s = settings
    return json.dumps(
        [s.property_budget, s.examples, s.call_timeout, s.properties, SEARCH_RULES],
        sort_keys=True,
        default=str,
    )


def worker_plan(
    settings: Settings,
    *,
    args: Sequence[str],
    sys_path: Sequence[str],
    seed: int,
    root: Path,
    mutated: Sequence[Mutated],
    sources: dict[Path, str],
    baseline: Baseline,
    probes: dict[str, tuple[str, ...]],
    jobs: Sequence[MutantJob],
    checks: Sequence[PropertyCheck],
    pytest_cache: bool,
) -> WorkerPlan:
    """What the worker is told: the modules it serves, the jobs, and each stage's options."""
    config = settings.properties
    return WorkerPlan(
        args=(*args, *WORKER_ARGS),
        pytest_cache=pytest_cache,
        sys_path=tuple(sys_path),
        modules={
            m.module: ModulePlan(
                path=str(t.path),
                functions=m.functions,
                source=sources[t.path],
            )
            for t, m in mutated
            if m.mutants
        },
        workers=settings.workers,
        timeout_factor=settings.timeout_factor,
        timeout_constant=settings.timeout_constant,
        memory_limit=memory_limit(settings, baseline) << 20,
        tests=tuple(baseline.tests),
        identities=dict(baseline.identities),
        durations=dict(baseline.durations),
        fixture_durations=dict(baseline.fixture_durations),
        probes=probes,
        jobs=tuple(jobs),
        witness=WitnessOptions(
            budget=settings.witness_budget,
            examples=settings.examples,
            seed=seed,
            call_timeout=settings.call_timeout,
            backend=settings.witness_backend,
        ),
        properties=PropertyOptions(
            budget=settings.property_budget,
            examples=settings.examples,
            seed=seed,
            call_timeout=settings.call_timeout,
            root=str(root.resolve()),
            config=PropertyConfig(
                skip=tuple(config.get("skip", ())),
                round_trips=tuple(tuple(pair) for pair in config.get("round_trips", ())),
                idempotent=tuple(config.get("idempotent", ())),
                check=tuple(config.get("check", ())),
            ),
            functions=tuple(checks),
        ),
    )


def memory_limit(settings: Settings, baseline: Baseline) -> int:
    """MiB each child may allocate: the one asked for, or the automatic one."""
    if settings.memory_limit is None:
        return auto_memory_limit(baseline.memory_growth)
    return settings.memory_limit
