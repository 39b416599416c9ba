"""The results model: the single contract between the engine and every report,
the gate and (later) the cache and shard merging.

Plain dataclasses, JSON-serialisable and versioned.  Reports are functions of
a ``Results``; nothing downstream looks at the engine.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MODEL_VERSION = 12
#: versions ``from_dict`` reads: 3 lacks ``thresholds``, 3 and 4 lack the run's
#: identity (revision, options, shard, since) and its cache counters, 5 lacks
#: ``properties``, 7 lacks ``reached_distinct`` (and its likely equivalent
#: verdicts were not backed by reach) and a test's ``evidence``, 8 lacks a
#: function's ``second_extreme`` and a witness's ``outside``, 9 a property's
#: ``outside``, 10 ``gate_sources``; all default.  From 12 on, the tests a
#: mutant or function names (``TEST_LISTS``) are indices into ``tests``
#: where they can be (``Results.to_dict``); a name is read as itself
READABLE_VERSIONS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
#: the lists of test ids ``Results.to_dict`` writes as indices into ``tests``
TEST_LISTS = ("covered_by", "passed_by")


class StrEnum(str, enum.Enum):
    """A string that is one of a fixed set: compares, hashes, formats and dumps to
    JSON as its value (``enum.StrEnum`` of Python 3.11, which 3.10 lacks)."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)


class MutantStatus(StrEnum):
    """What running a mutant against its covering tests came to."""

    KILLED = "killed"
    SURVIVED = "survived"
    TIMEOUT = "timeout"
    NO_COVERAGE = "no coverage"
    ERROR = "error"


KILLED = MutantStatus.KILLED
SURVIVED = MutantStatus.SURVIVED
TIMEOUT = MutantStatus.TIMEOUT
NO_COVERAGE = MutantStatus.NO_COVERAGE
ERROR = MutantStatus.ERROR
STATUSES = tuple(MutantStatus)
#: what counts toward the score as caught by the tests
DETECTED_STATUSES = (KILLED, TIMEOUT)


class WitnessVerdict(StrEnum):
    """What the witness search concluded about a survivor."""

    WITNESSED = "witnessed"
    #: no difference, enough distinct inputs reached the mutated line
    #: (``witness.search.EVIDENCE``), and on them the changed expression gave
    #: what the original's gives, as it did with nearby values of what it
    #: reads (``inputs.infection``): the only verdict that backs equivalence
    LIKELY_EQUIVALENT = "likely equivalent"
    PROVEN_EQUIVALENT = "proven equivalent"
    #: no difference, but no input was seen to reach the mutated line
    NOT_REACHED = "not reached by the search"
    #: no difference, but too few distinct inputs reached the mutated line
    UNDER_EXPLORED = "too few inputs reached it"
    #: a difference was seen once and did not repeat on a fresh run
    UNREPRODUCED = "difference not reproduced"
    #: no difference, but the mutated expression computed something else
    #: than the original's on some input that reached it (``inputs.infection``)
    HIDDEN_CHANGE = "hidden change"
    #: no difference on enough inputs, but the probe could not evaluate the
    #: changed expression, so whether the mutant ever computed anything else
    #: is not known
    UNCONFIRMED = "equivalence unconfirmed"
    UNEXPLORABLE = "unexplorable"
    NON_DETERMINISTIC = "non-deterministic original"
    UNSAFE = "unsafe"
    NOT_SEARCHED = "not searched"


WITNESSED = WitnessVerdict.WITNESSED
LIKELY_EQUIVALENT = WitnessVerdict.LIKELY_EQUIVALENT
PROVEN_EQUIVALENT = WitnessVerdict.PROVEN_EQUIVALENT
NOT_REACHED = WitnessVerdict.NOT_REACHED
UNDER_EXPLORED = WitnessVerdict.UNDER_EXPLORED
UNREPRODUCED = WitnessVerdict.UNREPRODUCED
HIDDEN_CHANGE = WitnessVerdict.HIDDEN_CHANGE
UNCONFIRMED = WitnessVerdict.UNCONFIRMED
UNEXPLORABLE = WitnessVerdict.UNEXPLORABLE
NON_DETERMINISTIC = WitnessVerdict.NON_DETERMINISTIC
UNSAFE = WitnessVerdict.UNSAFE
NOT_SEARCHED = WitnessVerdict.NOT_SEARCHED
VERDICTS = tuple(WitnessVerdict)
EQUIVALENT = (LIKELY_EQUIVALENT, PROVEN_EQUIVALENT)

#: our own operator: a function's whole body replaced by a default return
EXTREME = "extreme"


class FunctionLabel(StrEnum):
    """What the extreme mutant and the regular mutants say about a function."""

    TESTED = "tested"
    PSEUDO_TESTED = "pseudo-tested"
    PARTIALLY_TESTED = "partially tested"
    NOT_COVERED = "not covered"


TESTED = FunctionLabel.TESTED
PSEUDO_TESTED = FunctionLabel.PSEUDO_TESTED
PARTIALLY_TESTED = FunctionLabel.PARTIALLY_TESTED
NOT_COVERED = FunctionLabel.NOT_COVERED
LABELS = tuple(FunctionLabel)


class TestVerdict(StrEnum):
    """What the kill data says about a test."""

    __test__ = False  # a name pytest would otherwise try to collect

    CHECKS = "checks"
    CONFIRMING_ONLY = "confirming-only"


CHECKS = TestVerdict.CHECKS
CONFIRMING_ONLY = TestVerdict.CONFIRMING_ONLY


class PropertyKind(StrEnum):
    """Properties checked on the code itself, independent of the tests."""

    CRASH = "crash"
    CONTRACT = "contract"
    DETERMINISM = "determinism"
    ROUND_TRIP = "round trip"
    IDEMPOTENCE = "idempotence"


CRASH = PropertyKind.CRASH
CONTRACT = PropertyKind.CONTRACT
DETERMINISM = PropertyKind.DETERMINISM
ROUND_TRIP = PropertyKind.ROUND_TRIP
IDEMPOTENCE = PropertyKind.IDEMPOTENCE
PROPERTIES = tuple(PropertyKind)


class PropertyOutcome(StrEnum):
    """What a property check concluded."""

    HELD = "held"
    VIOLATED = "violated"
    NOT_CHECKED = "not checked"


HELD = PropertyOutcome.HELD
VIOLATED = PropertyOutcome.VIOLATED
NOT_CHECKED = PropertyOutcome.NOT_CHECKED
#: the ``--escape-fail-on`` name for violated properties
PROPERTY_FINDINGS = "properties"
#: what ``--escape-fail-on`` accepts
FINDINGS = (PSEUDO_TESTED, CONFIRMING_ONLY, PROPERTY_FINDINGS)


@dataclass
class Kill:
    """One test failing on one mutant."""

    test: str
    #: the exception's type name ("AssertionError", "Failed", "TypeError"); None when not known
    exception: str | None = None
    #: the line of the test's own file the failure was raised from
    line: int | None = None
    #: the failure came from a check (an assertion, ``pytest.raises``, an
    #: ``assert*`` call), not from the code crashing under the test
    by_check: bool = False


@dataclass
class Witness:
    """The witness search's finding for one surviving mutant."""

    verdict: WitnessVerdict
    reason: str | None = None
    #: the input, as a call (``bulk_discount(qty=10)``)
    input: str | None = None
    #: what the original and the mutant did with it
    original: str | None = None
    mutant: str | None = None
    #: what differs: "return value", "exception type", "argument 'items'"...
    difference: str | None = None
    examples: int = 0
    #: how many inputs executed the mutated line (None: not measured)
    reached: int | None = None
    #: how many distinct ones did (None: not measured)
    reached_distinct: int | None = None
    seconds: float = 0.0
    test_name: str | None = None
    #: a regression test that passed on the original and failed on the mutant
    test: str | None = None
    #: why no test is given for a witness
    test_dropped: str | None = None
    #: a witness only found outside what the tests always passed: how it lies
    #: outside (``lo > hi``); such witnesses are listed last
    outside: str | None = None


@dataclass
class PropertyResult:
    """One property of one function, checked with generated inputs.

    A violation is an observation about the code, not about its tests: the
    tests may well confirm the behaviour (their expected values computed from
    it).  It fails the gate only with ``--escape-fail-on properties``.

    The worker sends it without ``file`` and ``line``: ``assemble`` places it
    in its function's file.
    """

    module: str
    #: ``name`` or ``Class.name``
    function: str
    property: PropertyKind
    outcome: PropertyOutcome
    #: why it was not checked, or what was expected where it was violated
    reason: str | None = None
    #: a round trip's other function (``module.name``)
    partner: str | None = None
    examples: int = 0
    seconds: float = 0.0
    #: the smallest input found that breaks it, as a call
    input: str | None = None
    #: what the code did with that input
    observed: str | None = None
    test_name: str | None = None
    #: a regression test marked ``xfail(strict=True)``, seen to fail today
    test: str | None = None
    #: why no test is given for a violation
    test_dropped: str | None = None
    #: a violation found only outside what the tests' calls always kept to:
    #: how its input lies outside (``alphabet is empty``); listed last, and
    #: never a gate failure (no caller was seen to pass such an input)
    outside: str | None = None
    file: str = ""
    #: the function's ``def`` line
    line: int = 0


@dataclass
class MutantResult:
    id: str
    module: str
    #: path relative to the project root, with forward slashes
    file: str
    function: str
    operator: str
    line: int
    column: int
    end_line: int
    end_column: int
    original: str
    replacement: str
    before: list[str]
    after: list[str]
    status: MutantStatus
    killed_by: str | None = None
    status_reason: str | None = None
    covered_by: list[str] = field(default_factory=list)
    tests_run: int = 0
    duration: float = 0.0
    witness: Witness | None = None
    #: every test that failed on it (fail-fast: the first one only)
    kills: list[Kill] = field(default_factory=list)
    #: the tests that ran against it and passed
    passed_by: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        """mutmut's number of the mutant within its function: ``3``, or ``extreme``."""
        return self.id.rpartition("__mutmut_")[2]

    @property
    def name(self) -> str:
        """``Cart.add #3``: the mutant as every surface a person reads names it.

        mutmut's id (``shop.cart.xǁCartǁadd__mutmut_3``) stays the stable key
        in JSON and SARIF; people read the function they wrote and a number.
        """
        return f"{self.function} #{self.number}"

    def diff_lines(self) -> tuple[str, str]:
        """One-line ``-``/``+`` view of the change: the first differing line,
        or, when the mutant has another number of lines (an argument dropped
        from a call written one argument a line), each side joined into one
        line: line by line, a dropped line showed as the next one replacing it."""
        if len(self.before) == len(self.after):
            for old, new in zip(self.before, self.after, strict=True):
                if old != new:
                    return old.strip(), new.strip()
        return _one_line(self.before), _one_line(self.after)


def _one_line(lines: Sequence[str]) -> str:
    """Source lines as one line: ``f(\n    a,\n)`` -> ``f(a)``."""
    text = " ".join(line.strip() for line in lines if line.strip())
    text = re.sub(r"([(\[{]) ", r"\1", text)
    return re.sub(r",? ([)\]}])", r"\1", text)


@dataclass
class Tally:
    """Counts and Stryker's scores for a set of mutants."""

    total: int = 0
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    no_coverage: int = 0
    error: int = 0
    #: survivors proven equivalent (a subset of ``survived``).  Not those
    #: "likely equivalent": hand-labelled on two projects nobody tuned for,
    #: 19-29 % of those verdicts were right (docs/benchmarks.md, issue 20,
    #: sixth part), so no score leaves them out
    equivalent: int = 0

    @classmethod
    def of(cls, mutants: Iterable[MutantResult]) -> Tally:
        tally = cls()
        for m in mutants:
            tally.total += 1
            if m.status == KILLED:
                tally.killed += 1
            elif m.status == SURVIVED:
                tally.survived += 1
            elif m.status == TIMEOUT:
                tally.timeout += 1
            elif m.status == NO_COVERAGE:
                tally.no_coverage += 1
            else:
                tally.error += 1
            if m.status == SURVIVED and m.witness is not None and m.witness.verdict == PROVEN_EQUIVALENT:
                tally.equivalent += 1
        return tally

    @property
    def detected(self) -> int:
        return self.killed + self.timeout

    @property
    def measured(self) -> int:
        """Mutants that actually ran against tests and got a verdict."""
        return self.killed + self.timeout + self.survived

    @property
    def score(self) -> float | None:
        """detected / (detected + survived + no coverage); None when nothing ran."""
        if self.measured == 0:
            return None
        return 100.0 * self.detected / (self.detected + self.survived + self.no_coverage)

    @property
    def score_without_equivalent(self) -> float | None:
        """The score with the survivors proven equivalent left out (shown; the gate uses ``score``)."""
        if self.measured == 0:
            return None
        return 100.0 * self.detected / (self.detected + self.survived - self.equivalent + self.no_coverage)

    @property
    def covered_score(self) -> float | None:
        if self.measured == 0:
            return None
        return 100.0 * self.detected / (self.detected + self.survived)


@dataclass
class FileInfo:
    path: str
    module: str
    source: str


@dataclass
class FunctionResult:
    """A target function: what its extreme mutant and its regular mutants say."""

    module: str
    file: str
    #: ``name`` or ``Class.name``
    name: str
    line: int
    label: FunctionLabel
    #: the tests that executed its body
    covered_by: list[str] = field(default_factory=list)
    mutants: int = 0
    survived: int = 0
    #: its extreme mutant, run against every covering test (None: the body is trivial)
    extreme: MutantResult | None = None
    reason: str | None = None
    #: the opposite extreme (``return 1`` beside ``return 0``), where its return type has one
    second_extreme: MutantResult | None = None

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def extremes(self) -> list[MutantResult]:
        """Its extreme mutants: pseudo-tested means its tests passed under every one."""
        return [x for x in (self.extreme, self.second_extreme) if x is not None]


@dataclass
class SmellInfo:
    tag: str
    line: int
    detail: str


def mutant_name(mutant_id: str) -> str:
    """``Cart.add #3`` from mutmut's ``shop.cart.xǁCartǁadd__mutmut_3``
    (``MutantResult.name``, for where only the id is at hand)."""
    mangled, _, number = mutant_id.rpartition(".")[2].rpartition("__mutmut_")
    if mangled.startswith("xǁ"):
        function = mangled.removeprefix("xǁ").replace("ǁ", ".")
    else:
        function = mangled.removeprefix("x_")
    return f"{function} #{number}"


#: an ``Evidence.difference``: what a local variable of the test held when it ended
END_STATE = "state at the test's end"
#: bump when what counts as evidence changes: a proof kept in the cache by
#: other rules is not used (2: a constructor's receiver by any name, tests
#: followed whole, end states only for tests that assert nothing)
EVIDENCE_RULES = 2


def evidence_key(mutant_key: str) -> str:
    """What a cached proof is kept with: the key of the mutant it names, under these rules."""
    return f"{mutant_key} evidence-rules {EVIDENCE_RULES}"


@dataclass
class Evidence:
    """Proof that a test only confirms: a call the test itself made, whose
    result a mutant changed while the test still passed."""

    mutant: str
    #: the call, as the test made it (``total(items=[1, 2])``)
    call: str
    #: what the original and the mutant did with it
    original: str
    mutated: str
    #: "return value", "argument 'items'" (its state after the call), or
    #: ``END_STATE`` (``call`` is then the test's variable)
    difference: str

    def text(self) -> str:
        """``called total(items=[1, 2]), which returns 3; under mutant total #2 it returns 0``,
        or for what the test held at its end, ``left bag as Bag({'a': 1}); under mutant
        Bag.add #2 it was Bag({})``"""
        under = mutant_name(self.mutant)
        if self.difference == END_STATE:
            return f"left {self.call} as {self.original}; under mutant {under} it was {self.mutated}"
        return f"called {self.call}, which {self.original}; under mutant {under} it {self.mutated}"


@dataclass
class TestInfo:
    id: str
    file: str
    duration: float
    #: CHECKS, CONFIRMING_ONLY, or None (not run against any mutant, or excluded)
    verdict: TestVerdict | None = None
    reason: str | None = None
    #: mutants (regular and extreme) it ran against, and how many it failed on
    mutants_run: int = 0
    mutants_killed: int = 0
    #: of those failures, how many came from a check rather than a crash
    killed_by_check: int = 0
    #: the target functions it executes (``module.name``)
    functions: list[str] = field(default_factory=list)
    smells: list[SmellInfo] = field(default_factory=list)
    #: a doctest (its file is the module it documents, or a text file): every
    #: example is a check of the printed output, and it has no test source to smell
    doctest: bool = False
    #: what backs a confirming-only verdict (None: nothing does, so it is not given)
    evidence: Evidence | None = None


#: what a ``LeftOut`` names
LEFT_OUT_KINDS = ("directory", "file", "function")


@dataclass
class LeftOut:
    """Code under the candidates' roots that is not mutated, and why.

    Nothing is dropped silently: a directory (vendored code, tests inside a
    package), a file (not imported, collected as tests, unparsable) or a
    function (decorated, ``__new__``, a nested class's method) that gets no
    mutant is named here, so a score never looks more complete than it is.
    """

    kind: str
    #: the file or directory, relative to the project root
    path: str
    reason: str
    #: a function's ``Class.method`` name and ``def`` line
    function: str | None = None
    line: int | None = None

    def describe(self) -> str:
        what = f"{self.path}:{self.line} {self.function}" if self.function else self.path
        return f"{what}: {self.reason}"


@dataclass
class Shard:
    """Which part of a sharded run a results file holds (``--escape-shard K/N``)."""

    index: int
    count: int
    #: a hash of every mutant id the unsharded run would have: shards of one
    #: run share it, so ``merge`` can tell them from shards of another
    plan: str


@dataclass
class Results:
    project_root: str
    tool_version: str
    mutmut_version: str
    files: list[FileInfo] = field(default_factory=list)
    mutants: list[MutantResult] = field(default_factory=list)
    tests: list[TestInfo] = field(default_factory=list)
    functions: list[FunctionResult] = field(default_factory=list)
    #: property checks of the target functions (``--escape-property-budget``)
    properties: list[PropertyResult] = field(default_factory=list)
    #: nodeid -> why it was left out of mutant runs
    excluded_tests: dict[str, str] = field(default_factory=dict)
    #: directories, files and functions that are not mutated, each with its reason
    left_out: list[LeftOut] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fail_under: float | None = None
    #: findings that fail the gate (FINDINGS)
    fail_on: list[str] = field(default_factory=list)
    #: every mutant ran against all its covering tests (``--escape-matrix``)
    matrix: bool = False
    #: module name or glob -> minimum score (``[tool.pytest_escape.thresholds]``)
    thresholds: dict[str, float] = field(default_factory=dict)
    #: gate setting (fail_under, thresholds, fail_on) -> where the user set it, so
    #: the verdict names the place to change it
    gate_sources: dict[str, str] = field(default_factory=dict)
    #: a hash of the text of every target and test file: what the verdicts are about
    revision: str = ""
    #: the options that can change a verdict; shards merge only if they agree
    options: dict[str, Any] = field(default_factory=dict)
    shard: Shard | None = None
    #: ``--escape-since``: only mutants on lines changed since this git revision
    since: str | None = None
    #: mutants run in this run, and mutants whose outcome came from the cache
    executed: int = 0
    from_cache: int = 0
    duration: float = 0.0
    #: wall-clock seconds per phase, for benchmarks and for users asking "why so slow?"
    timings: dict[str, float] = field(default_factory=dict)
    model_version: int = MODEL_VERSION

    def tally(self) -> Tally:
        return Tally.of(self.mutants)

    def all_mutants(self) -> list[MutantResult]:
        """The regular mutants and every function's extreme mutant (not in the score)."""
        return self.mutants + [x for f in self.functions for x in f.extremes]

    def violations(self) -> list[PropertyResult]:
        """Violated properties, those seen only outside what the tests passed last."""
        found = [p for p in self.properties if p.outcome == VIOLATED]
        return sorted(found, key=lambda p: p.outside is not None)

    def by_module(self) -> dict[str, list[MutantResult]]:
        modules: dict[str, list[MutantResult]] = {f.module: [] for f in self.files}
        for m in self.mutants:
            modules.setdefault(m.module, []).append(m)
        return modules

    def to_dict(self) -> dict[str, Any]:
        """The model as JSON-ready data, each mutant's and function's tests
        named by their index in ``tests`` (``TEST_LISTS``).

        A mutant lists every test that covers it, and where every test runs
        the same helpers that is most of the suite for most mutants: on
        wcwidth, 1.07 million names of 1,943 tests, which made a 242 MB
        report and held the main process at 10x a plain run's memory while
        it wrote it.  An index is a few bytes.  A test that is not in
        ``tests`` keeps its name."""
        data = dataclasses.asdict(self)
        index = {t["id"]: i for i, t in enumerate(data["tests"])}
        return _each_listed_test(data, lambda t: index.get(t, t))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Results:
        check_version(data)
        data = with_test_names({**data, "model_version": MODEL_VERSION})
        data["files"] = [FileInfo(**f) for f in data["files"]]
        data["mutants"] = [_mutant(m) for m in data["mutants"]]
        data["tests"] = [
            TestInfo(
                **{
                    **t,
                    "verdict": TestVerdict(t["verdict"]) if t.get("verdict") else None,
                    "smells": [SmellInfo(**x) for x in t["smells"]],
                    "evidence": Evidence(**t["evidence"]) if t.get("evidence") else None,
                }
            )
            for t in data["tests"]
        ]
        data["functions"] = [
            FunctionResult(
                **{
                    **f,
                    "label": FunctionLabel(f["label"]),
                    "extreme": _mutant(f["extreme"]) if f["extreme"] else None,
                    "second_extreme": _mutant(f["second_extreme"]) if f.get("second_extreme") else None,
                }
            )
            for f in data["functions"]
        ]
        data["properties"] = [
            PropertyResult(
                **{**p, "property": PropertyKind(p["property"]), "outcome": PropertyOutcome(p["outcome"])}
            )
            for p in data.get("properties", [])
        ]
        data["left_out"] = [LeftOut(**x) for x in data.get("left_out", [])]
        if data.get("shard"):
            data["shard"] = Shard(**data["shard"])
        return cls(**data)


def check_version(data: dict[str, Any]) -> None:
    """Raise ``ValueError``, with what to do in its message, if ``from_dict`` cannot read
    a model of this version.

    Judged before any other key is read: a model this version does not read may
    lack keys this version needs without being damaged.
    """
    version = data.get("model_version")
    if type(version) is int and version > MODEL_VERSION:
        raise ValueError(
            f"it was written by a newer pytest-escape (model version {version}; this one reads up to "
            f"{MODEL_VERSION}): upgrade pytest-escape"
        )
    if version not in READABLE_VERSIONS:
        raise ValueError(
            f"results model version {version!r} is not one this version reads "
            f"({', '.join(map(str, READABLE_VERSIONS))}); write it again with this version of pytest-escape"
        )


def fingerprints(mutants: Iterable[MutantResult]) -> dict[str, str]:
    """Mutant id -> a key that survives edits elsewhere in the file.

    Mutant ids number mutants in file order and line numbers move, so neither
    can say "the same mutant" across two runs (the baseline ratchet, SARIF's
    ``partialFingerprints``).  The key is what the mutant *is*: its module,
    function, operator and the changed line before and after, plus an
    occurrence count for identical changes in one function.
    """
    seen: Counter[str] = Counter()
    keys = {}
    for m in sorted(mutants, key=lambda m: (m.module, m.line, m.column, m.id)):
        old, new = m.diff_lines()
        text = "\0".join((m.module, m.function, m.operator, m.original, m.replacement, old, new))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        seen[digest] += 1
        keys[m.id] = f"{digest}:{seen[digest]}"
    return keys


def witness_from_dict(data: dict[str, Any]) -> Witness:
    return Witness(**{**data, "verdict": WitnessVerdict(data["verdict"])})


def with_test_names(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a model as ``Results.to_dict`` wrote it, of any readable
    version) with each test index in its test lists (``TEST_LISTS``) made
    the test's name again.  It changes the records in place, and a name
    stays itself, so reading the same data twice is harmless."""
    names = [t["id"] for t in data["tests"]]
    return _each_listed_test(data, lambda t: names[t] if type(t) is int else t)


def _each_listed_test(data: dict[str, Any], name: Callable[[Any], Any]) -> dict[str, Any]:
    """``data`` with ``name`` applied, in place, to each test its mutants,
    functions and functions' extreme mutants list (``TEST_LISTS``)."""
    records: list[dict[str, Any]] = list(data["mutants"])
    for f in data["functions"]:
        records += [f, *(x for x in (f.get("extreme"), f.get("second_extreme")) if x)]
    for record in records:
        for key in TEST_LISTS:
            if key in record:
                record[key] = [name(t) for t in record[key]]
    return data


def _mutant(data: dict[str, Any]) -> MutantResult:
    return MutantResult(
        **{
            **data,
            "status": MutantStatus(data["status"]),
            "witness": witness_from_dict(data["witness"]) if data.get("witness") else None,
            "kills": [Kill(**k) for k in data["kills"]],
        }
    )
