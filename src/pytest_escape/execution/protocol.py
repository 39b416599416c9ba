"""The wire between the main process and the mutation worker, as typed values.

The main process writes one ``WorkerPlan`` to a JSON file; the worker answers
with one JSON line per ``WorkerEvent`` on a pipe.  Both ends build and read
these frozen dataclasses, never bare dicts, so mypy checks every field on
both sides of the process boundary; ``encode`` and ``decode`` are the only
places that see JSON.

``decode`` is one generic reader driven by the dataclasses' type hints (as
Hypothesis declares each setting once): a new field needs no conversion code,
and a field of the wrong type fails loudly at the boundary instead of deep in
a stage.
"""

from __future__ import annotations

import dataclasses
import enum
import fnmatch
import functools
import json
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar, Union

from ..model import Evidence, MutantStatus, PropertyKind, PropertyResult, StrEnum, Witness
from ..mutation.types import FunctionCopies

T = TypeVar("T")


# -- the plan ------------------------------------------------------------------


@dataclass(frozen=True)
class ModulePlan:
    """A target module as the worker serves it."""

    path: str
    functions: tuple[FunctionCopies, ...]
    #: the module's text: the worker loads it, and compiles each mutant's copy inside it
    source: str


@dataclass(frozen=True)
class KillRecord:
    """One test failing on one mutant, as the worker saw it."""

    test: str
    #: the failure's first line
    message: str = ""
    #: the exception's type name; a doctest's failure kind
    exception: str | None = None
    #: the line of the test's own file the failure came through
    line: int | None = None


@dataclass(frozen=True)
class TestRun:
    """What a forked child that ran tests under one mutant (or none) sends back."""

    __test__: ClassVar[bool] = False
    #: the tests that ran, in turn (they run in order, and stop only after a kill)
    order: tuple[str, ...] = ()
    passed: tuple[str, ...] = ()
    kills: tuple[KillRecord, ...] = ()
    #: a test raised KeyboardInterrupt or pytest.exit: nothing more may run in that child
    interrupted: bool = False
    #: closures made before the mutant was switched on that still ran the
    #: original (``Switch.left_original``): a survivor's tests may not have met it
    left_original: int = 0
    #: each test's seconds, in ``order`` (setup, call and teardown; a test that
    #: ended its child has none): the evidence for a timeout in one test
    seconds: tuple[float, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.kills)

    @property
    def first_failure(self) -> KillRecord | None:
        return self.kills[0] if self.kills else None


@dataclass(frozen=True)
class SecondChance:
    """Streamed by a second-chance child: one test's run against one mutant."""

    mutant: str
    kill: KillRecord | None = None


@dataclass(frozen=True)
class Verdict:
    """A mutant's outcome: from the worker, or from the cache (the same fields)."""

    id: str
    status: MutantStatus
    duration: float = 0.0
    tests_run: int = 0
    #: every test that failed on it, in the order they ran (fail-fast: one)
    kills: tuple[KillRecord, ...] = ()
    #: the tests that ran against it and passed
    passed: tuple[str, ...] = ()
    killed_by: str | None = None
    reason: str | None = None

    @property
    def killers(self) -> tuple[str, ...]:
        return tuple(k.test for k in self.kills)


@dataclass(frozen=True)
class MutantJob:
    """One mutant for the worker to run against its covering tests."""

    id: str
    tests: tuple[str, ...]
    module: str
    function: str
    #: the file's line of the mutated code, which the witness probe watches: the
    #: mutated token's own line, not its statement's first (an assert's message
    #: on the next line runs only when the assert fails)
    line: int
    #: mutated in the ``def`` line: runs at import, so no line probe
    in_signature: bool
    #: the docstring of a regression test that kills it
    doc: str
    #: every covering test gets a verdict on it, not only the first to fail
    all: bool
    extreme: bool
    #: a verdict from an unfinished earlier run: the worker skips the mutant's
    #: own run and does what follows a verdict (self-checks, second chances, search)
    known: Verdict | None = None
    #: where on ``line`` the mutant's own text starts (0-based column) and that
    #: text, for a change within one line: the probe watches it run, not the
    #: line (``x if c else str(y)`` runs its line whichever branch it takes)
    change: tuple[int, str] | None = None
    #: the expressions that hold the mutant's change, as the original and the
    #: mutant write them, the outermost first: the probe evaluates both where
    #: the mutant runs
    expressions: tuple[tuple[str, str], ...] = ()
    #: in a function that runs only while its module is imported: the child
    #: runs the module's top level again, the mutant switched on, before the
    #: tests (``mutation.import_time``)
    at_import: bool = False
    #: on a line coverage saw no test execute: ``tests`` are the tests it
    #: could not see through (``selection.unseen_tests``), and a survivor
    #: keeps "no coverage"
    unseen: bool = False


@dataclass(frozen=True)
class WitnessOptions:
    #: seconds in all; None: automatic (``execution.witnesses.settled``),
    #: settled by the worker once it knows the survivors
    budget: float | None
    examples: int
    seed: int
    call_timeout: float
    backend: str
    #: the deeper round: more examples, and receivers that take steps other
    #: tests took on their class (``inputs.observe.observe_with_steps``)
    deeper: bool = False

    @property
    def seconds(self) -> float:
        """The budget, once settled (``execution.witnesses.settled``)."""
        if self.budget is None:
            raise ValueError("the automatic witness budget is settled once the survivors are known")
        return self.budget


@dataclass(frozen=True)
class PropertyConfig:
    """``[tool.pytest_escape.properties]``, as the worker receives it."""

    #: ``pattern`` (every property) or ``pattern:property``; patterns are globs of ``module.name``
    skip: tuple[str, ...] = ()
    #: extra pairs, ``(forward, backward)`` as ``module.name``
    round_trips: tuple[tuple[str, ...], ...] = ()
    #: extra normalisers (``module.name`` globs)
    idempotent: tuple[str, ...] = ()
    #: private functions to check too (``module.name`` globs)
    check: tuple[str, ...] = ()

    def skipped(self, qualname: str, prop: str) -> bool:
        """Whether ``skip`` silences ``prop`` (a property name) of ``qualname`` (``module.name``)."""
        for entry in self.skip:
            pattern, _, which = entry.rpartition(":") if ":" in entry else (entry, "", "")
            if fnmatch.fnmatchcase(qualname, pattern) and which in ("", prop):
                return True
        return False


@dataclass(frozen=True)
class PropertyCheck:
    """One function whose properties the worker checks."""

    module: str
    function: str
    #: the tests that run it, fastest first: they record the arguments it is called with
    tests: tuple[str, ...]
    #: the other functions of its module (round-trip partners)
    siblings: tuple[str, ...]


@dataclass(frozen=True)
class PropertyOptions:
    budget: float
    examples: int
    seed: int
    call_timeout: float
    #: the project root: what "in the project" means for a partner function
    root: str
    config: PropertyConfig
    functions: tuple[PropertyCheck, ...]


@dataclass(frozen=True)
class PropertiesPlanned:
    """Streamed first by a property child: the properties it will report on
    (so a child that dies part-way still leaves each of them in the report)."""

    properties: tuple[PropertyKind, ...]


@dataclass(frozen=True)
class PropertyFound:
    """Streamed by a property child, one per property."""

    result: PropertyResult
    #: time or chance decided it (``PropertyChecked.retry``)
    retry: bool = False
    #: the exception the regression test's ``xfail(raises=...)`` names
    raises: str | None = None


def cache_of_its_own(pytest_cache: bool, directory: Path) -> list[str]:
    """The option that points pytest's cache at ``directory``, for a pytest
    started by this one; none when the cache plugin is off.  Only that
    plugin knows ``cache_dir``: under ``strict_config`` (pytest 9's
    ``strict = true``) an unknown option is an error, and the worker and
    the rerun without coverage stopped at once (a JSONPath library)."""
    return ["-o", f"cache_dir={directory}"] if pytest_cache else []


@dataclass(frozen=True)
class WorkerPlan:
    """Everything the worker needs, written once before it starts."""

    #: the user's pytest arguments, plus ``session.WORKER_ARGS``
    args: tuple[str, ...]
    sys_path: tuple[str, ...]
    modules: dict[str, ModulePlan]
    workers: int
    timeout_factor: float
    timeout_constant: float
    #: bytes each child may allocate beyond what it inherited (0: no limit)
    memory_limit: int
    #: the baseline's tests, their identities (``nodeids.identity``) and durations
    tests: tuple[str, ...]
    identities: dict[str, str]
    durations: dict[str, float]
    #: the part of ``durations`` spent in setup and teardown
    fixture_durations: dict[str, float]
    #: module -> the tests its forced-failure probe tries, in turn
    probes: dict[str, tuple[str, ...]]
    jobs: tuple[MutantJob, ...]
    witness: WitnessOptions
    properties: PropertyOptions
    #: the main process: the worker dies with it
    parent: int = 0
    #: pytest's cache plugin is on (``-p no:cacheprovider`` turns it off):
    #: only then does the worker give it a directory of its own
    pytest_cache: bool = True


# -- the events ------------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    """The worker's collection is done; ``missing`` baseline tests were not found again."""

    KIND: ClassVar[str] = "collected"
    count: int
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhaseDone:
    KIND: ClassVar[str] = "phase"
    name: str
    seconds: float


@dataclass(frozen=True)
class VerdictReached:
    """A mutant's verdict; ``rerun``: it revises one already sent (second chances,
    excluded killers)."""

    KIND: ClassVar[str] = "result"
    verdict: Verdict
    rerun: bool = False


@dataclass(frozen=True)
class TestExcluded:
    """A killer failed without a mutant: its kills do not count."""

    __test__: ClassVar[bool] = False
    KIND: ClassVar[str] = "excluded"
    test: str
    reason: str


@dataclass(frozen=True)
class TestEvidence:
    """What the evidence phase found for a confirming-only candidate (None: nothing)."""

    __test__: ClassVar[bool] = False
    KIND: ClassVar[str] = "evidence"
    test: str
    evidence: Evidence | None


@dataclass(frozen=True)
class Unreachable:
    """``test`` passed with every mutated function of ``module`` forced to fail."""

    KIND: ClassVar[str] = "unreachable"
    module: str
    test: str


class Stage(StrEnum):
    """Which budgeted stage a ``StageStarted`` is about."""

    WITNESSES = "witnesses"
    PROPERTIES = "properties"


@dataclass(frozen=True)
class StageStarted:
    """A budgeted stage after the mutants starts, on ``count`` survivors or functions."""

    KIND: ClassVar[str] = "stage"
    stage: Stage
    count: int
    budget: float


@dataclass(frozen=True)
class WitnessFound:
    """The witness search's final finding for one survivor."""

    KIND: ClassVar[str] = "witness"
    id: str
    witness: Witness


@dataclass(frozen=True)
class PropertyChecked:
    """One property of one function, checked (or not, with the reason)."""

    KIND: ClassVar[str] = "property"
    result: PropertyResult
    #: the check stopped short (a spent budget, a hang, a violation that did
    #: not repeat): time or chance decided it, so the cache keeps no result
    #: of its function and the next run checks again
    retry: bool = False


@dataclass(frozen=True)
class WorkerWarning:
    """Something the user should know that did not stop the run."""

    KIND: ClassVar[str] = "warning"
    message: str


@dataclass(frozen=True)
class PropertiesChecked:
    """Every property result of one function is sent: what a Ctrl-C'd run may
    cache (a function's results are cached whole, or not at all)."""

    KIND: ClassVar[str] = "properties-checked"
    module: str
    function: str


@dataclass(frozen=True)
class Done:
    """Every verdict is sent: the worker finished its work."""

    KIND: ClassVar[str] = "done"


WorkerEvent = (
    Collected
    | PhaseDone
    | VerdictReached
    | TestExcluded
    | TestEvidence
    | Unreachable
    | StageStarted
    | WitnessFound
    | PropertyChecked
    | PropertiesChecked
    | WorkerWarning
    | Done
)
EVENT_TYPES: dict[str, type[Any]] = {t.KIND: t for t in typing.get_args(WorkerEvent)}


# -- JSON ------------------------------------------------------------------


def to_json(value: Any, strings: dict[str, int] | None = None, grow: bool = True) -> Any:
    """A protocol value as JSON-ready data (enums as their values, tuples as lists).

    With ``strings``, a string value (not a dict's key, not an enum's
    value) is written as its index in that table: ``encode_plan`` and
    ``SharedStrings`` say why.  The table grows as it goes, or with
    ``grow`` false stays as it is, and a string not in it is written as
    itself."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name), strings, grow) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_json(v, strings, grow) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v, strings, grow) for k, v in value.items()}
    if strings is not None and isinstance(value, str):
        return strings.setdefault(value, len(strings)) if grow else strings.get(value, value)
    return value


@dataclass(frozen=True)
class SharedStrings:
    """The plan's table of strings (``encode_plan``), held by the main
    process, the worker and every child the worker forks: what crosses a
    pipe names a string of the table by its index (``encode``: the events,
    and a child's ``TestRun``).

    The events and the children's runs list tests by node id: a survivor's
    verdict, every test it passed.  python-multipart names tests after
    their data, and two of its node ids are 10 MB long.  Each survivor's
    verdict carried 20 MB, decoded into strings of their own in the worker
    and again in the main process, which each kept them: 14 GB for the tree
    by the end of the mutants.  By index, both ends hold the plan's one
    string."""

    table: tuple[str, ...]
    index: dict[str, int] = dataclasses.field(compare=False, repr=False)

    @classmethod
    def of(cls, table: Sequence[str]) -> SharedStrings:
        return cls(tuple(table), {text: i for i, text in enumerate(table)})

    def encode(self, value: Any) -> Any:
        """``to_json`` of ``value``, each string of the table as its index."""
        return to_json(value, self.index, grow=False)


def encode_plan(plan: WorkerPlan) -> tuple[str, SharedStrings]:
    """The plan file's text: every string once, in a table, and indices
    into it; and that table, which the events then share (``SharedStrings``).

    A plan names each mutant's covering tests, and on a suite whose helpers
    every test runs that is most tests for most mutants: 1.07 million
    references to 1,943 test ids on wcwidth.  Written out in full they made
    a 90 MB file, a transient of several times that in the main process
    while ``json.dumps`` built it, and in the worker one string object per
    reference, all held for the whole run.  With a table the file holds
    small integers, and the worker's jobs share one object per test id."""
    strings: dict[str, int] = {}
    data = to_json(plan, strings)
    text = json.dumps({"strings": list(strings), "plan": data})
    return text, SharedStrings(tuple(strings), strings)


def decode_plan(raw: Any) -> tuple[WorkerPlan, SharedStrings]:
    """``encode_plan``'s text, read back (``json.loads``'d: the worker reads
    the parent's pid from it before anything else, ``plan_parent``)."""
    plan = typing.cast(WorkerPlan, _decode(WorkerPlan, raw["plan"], raw["strings"]))
    return plan, SharedStrings.of(raw["strings"])


def encode_event(event: WorkerEvent, shared: SharedStrings | None = None) -> str:
    """One line of the worker's pipe (with ``shared``: strings of the plan by index)."""
    return json.dumps({"event": event.KIND, **(shared.encode(event) if shared else to_json(event))})


def decode_event(line: str, shared: SharedStrings | None = None) -> WorkerEvent:
    data = json.loads(line)
    kind = data.pop("event")
    event: WorkerEvent = decode(EVENT_TYPES[kind], data, shared)
    return event


def decode(cls: type[T], data: Any, shared: SharedStrings | None = None) -> T:
    """Build ``cls`` (a protocol dataclass) from JSON data, field by field from
    its type hints (with ``shared``: the strings the data names by index)."""
    return typing.cast(T, _decode(cls, data, shared.table if shared else None))


@functools.cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def plan_parent(raw: Any) -> int:
    """The main process's pid, from ``encode_plan``'s text as ``json.loads`` read it."""
    return int(raw["plan"]["parent"])


def _decode(tp: Any, data: Any, strings: Sequence[str] | None = None) -> Any:
    """``data`` as ``tp``; with ``strings``, a string value may be an index
    into that table (``encode_plan``).  A field typed ``Any`` is returned as
    it came, so no field of the plan may be ``Any``: its strings would stay
    indices."""
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _decode(inner, data, strings)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, strings) for v in data)
        return tuple(_decode(a, v, strings) for a, v in zip(args, data, strict=True))
    if origin is list:
        return [_decode(typing.get_args(tp)[0], v, strings) for v in data]
    if origin is dict:
        key, value = typing.get_args(tp)
        return {_decode(key, k, strings): _decode(value, v, strings) for k, v in data.items()}
    if tp is Any:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        names = {f.name for f in dataclasses.fields(tp) if f.init}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"{tp.__name__} has no field {sorted(unknown)[0]!r}")
        return tp(**{name: _decode(hints[name], value, strings) for name, value in data.items()})
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if tp is str and strings is not None and isinstance(data, int) and not isinstance(data, bool):
        return strings[data]
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if tp in (str, int, float, bool) and not isinstance(data, tp):
        raise ValueError(f"expected {tp.__name__}, got {data!r}")
    return data
