"""Settings from the command line and ``[tool.pytest_escape]``, validated once.

Every value, wherever it came from, goes through the same checks, so a bad
value gets the same one-line message (saying where it came from and how to
fix it) from the command line and from pyproject.toml.  Command-line options
override the config file.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .model import FINDINGS, PROPERTIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

REPORT_FORMATS = ("term", "json", "html", "sarif", "md", "junit")
#: seconds added to every mutant's time limit, for forking and test set-up
TIMEOUT_CONSTANT = 2.0
#: where a report goes when no path is given (html: a directory)
DEFAULT_REPORT_PATHS = {
    "json": "escape-report.json",
    "html": "escape-html",
    "sarif": "escape.sarif",
    "md": "escape-report.md",
    "junit": "escape-junit.xml",
}
#: GitHub Actions' job summary file; ``--escape-report md`` without a path appends to it
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
#: seconds one call of user code may take in a witness search before it counts as hanging
CALL_TIMEOUT = 1.0
#: the automatic witness budget (the default): each survivor gets the
#: search's least share (``WitnessStage.MIN_SHARE``) on every worker, but
#: the search never takes less than the floor nor more than the ceiling
AUTO_WITNESS_FLOOR = 60.0
AUTO_WITNESS_CEILING = 600.0
DEFAULT_PROPERTY_BUDGET = 60.0
#: the entries of ``[tool.pytest_escape.properties]`` (``--escape-properties KEY=VALUE``)
PROPERTY_KEYS = ("skip", "round_trips", "idempotent", "check")
DEFAULT_EXAMPLES = 200
#: the automatic memory limit (the default): MiB a forked child may allocate
#: beyond the worker it was forked from, this many times what the test run grew
#: the baseline's process by, and never less than the floor
AUTO_MEMORY_FACTOR = 4
AUTO_MEMORY_FLOOR = 512


def auto_memory_limit(growth: int) -> int:
    """The default limit, in MiB, for tests that grew their process by ``growth`` bytes.

    A child runs a few of the tests the baseline ran all of, so it needs no
    more than the whole run grew by; four times that leaves room for what a
    peak of resident memory does not show (memory reserved but not yet
    touched), and the floor for suites too small to measure.  A fixed 2048
    MiB let one runaway mutant's child reach 2 GiB, 30 times a plain run's
    whole memory (pygtrie), and several workers at once could take a CI
    machine's memory.  A test that needs more still passes its self-check
    only if it fits: its exclusion names ``--escape-memory-limit``.
    """
    return max(AUTO_MEMORY_FLOOR, -(-AUTO_MEMORY_FACTOR * growth // (1 << 20)))


CONFIG_KEYS = (
    "paths",
    "workers",
    "timeout_factor",
    "memory_limit",
    "fail_under",
    "report",
    "witness_budget",
    "examples",
    "property_budget",
    "properties",
    "seed",
    "write_tests",
    "witness_backend",
    "fail_on",
    "matrix",
    "thresholds",
    "baseline",
    "baseline_tolerance",
    "cache",
)
WITNESS_BACKENDS = ("hypothesis", "crosshair")


#: what ``--escape`` switched off for its run (xdist, pytest-cov), for the header (config.stash)
SWITCHED_OFF = pytest.StashKey[list[str]]()


class SettingsError(Exception):
    """A bad option or config value; the message is one line for the user."""


@dataclass(frozen=True)
class ReportRequest:
    format: str
    #: a file, or for html a directory; None for term
    path: Path | None
    #: add to the end of the file instead of replacing it ($GITHUB_STEP_SUMMARY)
    append: bool = False


@dataclass(frozen=True)
class Settings:
    rootdir: Path
    paths: tuple[Path, ...] = ()
    workers: int = 1
    timeout_factor: float = 10.0
    timeout_constant: float = TIMEOUT_CONSTANT
    #: MiB each forked child may allocate on top of what it inherits (0: no
    #: limit; None: ``auto_memory_limit`` of the baseline's growth)
    memory_limit: int | None = None
    fail_under: float | None = None
    reports: tuple[ReportRequest, ...] = field(default_factory=tuple)
    #: total seconds for the witness search (0 turns it off; None:
    #: ``execution.witnesses.settled``, once the survivors are known)
    witness_budget: float | None = None
    examples: int = DEFAULT_EXAMPLES
    #: total seconds for the property checks (0 turns them off)
    property_budget: float = DEFAULT_PROPERTY_BUDGET
    #: ``[tool.pytest_escape.properties]``: skip, round_trips, idempotent, check (PROPERTY_KEYS)
    properties: dict[str, list[Any]] = field(default_factory=dict)
    #: None: a fresh seed each run (printed in the header, to repeat it)
    seed: int | None = None
    write_tests: Path | None = None
    #: "crosshair": survivors Hypothesis did not separate also get a symbolic search
    witness_backend: str = "hypothesis"
    call_timeout: float = CALL_TIMEOUT
    #: findings that fail the gate (model.FINDINGS)
    fail_on: tuple[str, ...] = ()
    #: run every mutant against all its covering tests (the full kill matrix)
    matrix: bool = False
    #: module name or glob -> minimum score, from ``[tool.pytest_escape.thresholds]``
    thresholds: dict[str, float] = field(default_factory=dict)
    #: a saved results JSON the run must not fall behind (the ratchet)
    baseline: Path | None = None
    #: score points a module may drop below its baseline score before the gate fails
    baseline_tolerance: float = 0.0
    #: write this run's results as the new baseline instead of comparing with it
    baseline_update: bool = False
    #: reuse and store outcomes in pytest's cache directory (``store.py``)
    cache: bool = True
    #: empty the cache before the run
    clear_cache: bool = False
    #: ``--escape-since``: mutate only lines changed since this git revision
    since: str | None = None
    #: ``--escape-shard K/N``: (K, N)
    shard: tuple[int, int] | None = None
    #: key -> where its value came from (``--escape-fail-under``, ``pyproject.toml
    #: [tool.pytest_escape] fail_under``): the gate's verdict names it
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def searches_witnesses(self) -> bool:
        """Whether survivors get a witness search (an automatic budget, or seconds)."""
        return self.witness_budget is None or self.witness_budget > 0


def misnamed_table(tools: dict[str, Any]) -> str | None:
    """The name of a ``[tool.*]`` table that was meant to be ``[tool.pytest_escape]``.

    Such a table is otherwise ignored without a word, and the ``fail_under``
    in it gates nothing.  Names that differ from ours only in separators or
    case (``pytest-escape``, ``Pytest.Escape``), the bare ``escape``, and near
    misspellings (``pytest_escpe``) count; pytest's own ``[tool.pytest]`` does not.
    """
    for name in tools:
        if name == "pytest_escape":
            continue
        squashed = "".join(c for c in name.lower() if c.isalnum())
        if squashed in ("pytestescape", "escape", "escapepytest"):
            return name
        if difflib.get_close_matches(name.lower(), ["pytest_escape", "pytest-escape"], n=1, cutoff=0.85):
            return name
    return None


def load_pyproject(rootdir: Path) -> dict[str, Any]:
    """The ``[tool.pytest_escape]`` table of ``rootdir/pyproject.toml`` (or {})."""
    path = rootdir / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{path} is not valid TOML ({e}); fix the file or remove it") from None
    tools = data.get("tool", {})
    if isinstance(tools, dict) and (misnamed := misnamed_table(tools)) is not None:
        raise SettingsError(
            f"{path}: [tool.{misnamed}] is not read by pytest-escape; rename it [tool.pytest_escape] "
            "(an underscore, not a hyphen)"
        )
    table = tools.get("pytest_escape", {}) if isinstance(tools, dict) else {}
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.pytest_escape] must be a table")
    unknown = sorted(set(table) - set(CONFIG_KEYS))
    if unknown:
        close = difflib.get_close_matches(unknown[0], CONFIG_KEYS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise SettingsError(
            f"{path}: unknown key {unknown[0]!r} in [tool.pytest_escape]; "
            f"{hint}known keys: {', '.join(CONFIG_KEYS)}"
        )
    return table


def _number(value: Any, where: str, kind: type) -> float:
    if isinstance(value, bool):
        raise SettingsError(f"{where} must be a number, not {value!r}")
    if kind is int and isinstance(value, float) and not value.is_integer():
        # int(2.5) would quietly make it 2
        raise SettingsError(f"{where} must be a whole number, not {value!r}")
    try:
        return kind(value)  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        noun = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{where} must be {noun}, not {value!r}") from None


def _checked(value: Any, where: str, kind: type, ok: Callable[[float], bool], requirement: str) -> float:
    number = _number(value, where, kind)
    if not ok(number):
        raise SettingsError(f"{where} must be {requirement}, not {value!r}")
    return number


def parse_fail_under(value: Any, where: str) -> float:
    return _checked(value, where, float, lambda n: 0 <= n <= 100, "a score between 0 and 100")


def parse_count(value: Any, where: str) -> int:
    """Workers, examples: a whole number, at least 1."""
    return int(_checked(value, where, int, lambda n: n >= 1, "at least 1"))


def parse_timeout_factor(value: Any, where: str) -> float:
    return _checked(value, where, float, lambda n: n > 0, "greater than 0")


#: 16 TiB: beyond any machine this runs on, and far inside what setrlimit takes
MAX_MEMORY_LIMIT = 1 << 24


def parse_memory_limit(value: Any, where: str) -> int | None:
    if value == "auto":
        return None
    if isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
        raise SettingsError(f"{where} must be auto or a whole number of MiB, not {value!r}")
    return int(
        _checked(
            value,
            where,
            int,
            lambda n: 0 <= n <= MAX_MEMORY_LIMIT,
            f"auto, 0 (no limit) or up to {MAX_MEMORY_LIMIT} MiB",
        )
    )


def parse_budget(value: Any, where: str) -> float | None:
    if value == "auto":
        return None
    return _checked(value, where, float, lambda n: n >= 0, "auto, 0 (no witness search) or more seconds")


def parse_property_budget(value: Any, where: str) -> float:
    return _checked(value, where, float, lambda n: n >= 0, "0 (no property checks) or more seconds")


def parse_seed(value: Any, where: str) -> int:
    return int(_checked(value, where, int, lambda n: n >= 0, "a whole number of 0 or more"))


def parse_backend(value: Any, where: str) -> str:
    if value not in WITNESS_BACKENDS:
        raise SettingsError(f"{where} must be one of {', '.join(WITNESS_BACKENDS)}, not {value!r}")
    if value == "crosshair" and importlib.util.find_spec("crosshair") is None:
        raise SettingsError(f"{where} crosshair needs CrossHair: pip install 'pytest-escape[crosshair]'")
    return str(value)


def parse_fail_on(value: Any, where: str) -> tuple[str, ...]:
    """``pseudo-tested,confirming-only`` on the command line, a list in the config;
    ``none`` turns off what the config file asked for."""
    if value == "none":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise SettingsError(f"{where} must name findings like 'pseudo-tested,confirming-only', not {value!r}")
    names = tuple(dict.fromkeys(i.strip() for i in items if i.strip()))
    for name in names:
        if name not in FINDINGS:
            raise SettingsError(
                f"{where}: unknown finding {name!r}; use one or more of {', '.join(FINDINGS)}"
            )
    return names


def _property_name(name: str, where: str) -> str:
    name = name.strip().replace("-", " ").replace("_", " ")
    if name not in PROPERTIES:
        raise SettingsError(f"{where}: unknown property {name!r}; use one of {', '.join(PROPERTIES)}")
    return name


def parse_properties(value: Any, where: str) -> dict[str, list[Any]]:
    """``[tool.pytest_escape.properties]`` (a table), or ``KEY=VALUE`` words on the
    command line: ``skip=pkg.mod.f:determinism round_trips=pkg.a.pack,pkg.a.unpack``."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        table: dict[str, list[Any]] = {}
        for word in value:
            key, sep, item = word.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or not item.strip():
                raise SettingsError(f"{where} takes KEY=VALUE words like 'skip=pkg.mod.f', not {word!r}")
            if key == "round_trips":
                table.setdefault(key, []).append(item.split(","))
            else:  # a name never holds a comma: skip=a,b is two of them
                table.setdefault(key, []).extend(n for n in item.split(",") if n.strip())
        value = table
    if not isinstance(value, dict):
        raise SettingsError(f'{where} must be a table like {{skip = ["pkg.mod.f"]}}, not {value!r}')
    out: dict[str, list[Any]] = {}
    for key, items in value.items():
        if key not in PROPERTY_KEYS:
            close = difflib.get_close_matches(key, PROPERTY_KEYS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise SettingsError(f"{where}: unknown key {key!r}; {hint}known keys: {', '.join(PROPERTY_KEYS)}")
        if not isinstance(items, list):
            raise SettingsError(f"{where} {key} must be a list, not {items!r}")
        if key == "round_trips":
            for pair in items:
                if not (
                    isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, str) and n for n in pair)
                ):
                    example = "['pkg.codec.pack', 'pkg.codec.unpack']"
                    raise SettingsError(f"{where} round_trips takes pairs like {example}, not {pair!r}")
            out[key] = [[n.strip() for n in pair] for pair in items]
            continue
        if not all(isinstance(n, str) and n.strip() for n in items):
            raise SettingsError(
                f"{where} {key} takes function names or globs like 'pkg.mod.*', not {items!r}"
            )
        if key == "skip":
            items = [
                f"{n.rpartition(':')[0]}:{_property_name(n.rpartition(':')[2], where)}" if ":" in n else n
                for n in (i.strip() for i in items)
            ]
        out[key] = [n.strip() for n in items]
    return out


def parse_tolerance(value: Any, where: str) -> float:
    return _checked(value, where, float, lambda n: 0 <= n <= 100, "a number of score points from 0 to 100")


def parse_thresholds(value: Any, where: str) -> dict[str, float]:
    """Module names or globs to minimum scores: ``{"shop.*" = 80}`` in the config,
    ``shop.*=80 shop.cart=90`` on the command line."""
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        pairs = [v.rpartition("=")[::2] for v in value]
        for word, (pattern, _) in zip(value, pairs, strict=True):
            if not pattern:
                raise SettingsError(f"{where} takes MODULE=SCORE pairs like shop.*=80, not {word}")
        value = dict(pairs)
    if not isinstance(value, dict):
        raise SettingsError(f'{where} must be a table like {{"pkg.*" = 80}}, not {value!r}')
    thresholds = {}
    for pattern, score in value.items():
        if not pattern.strip() or any(c.isspace() for c in pattern):
            raise SettingsError(f"{where}: {pattern!r} is not a module name or glob like 'pkg.*'")
        thresholds[pattern] = parse_fail_under(score, f"{where} {pattern!r}")
    return thresholds


def parse_flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{where} must be true or false, not {value!r}")
    return value


def parse_output_file(value: Any, where: str, base: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{where} must be a file path, not {value!r}")
    path = Path(value)
    if not path.is_absolute():
        path = base / path
    _check_writable(path, where)
    return path


def parse_report(value: Any, where: str, base: Path) -> ReportRequest:
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{where} must be FORMAT or FORMAT:PATH, not {value!r}")
    fmt, _, raw_path = value.partition(":")
    if fmt not in REPORT_FORMATS:
        raise SettingsError(f"{where}: unknown report format {fmt!r}; use one of {', '.join(REPORT_FORMATS)}")
    if fmt == "term":
        if raw_path:
            raise SettingsError(f"{where}: the term report takes no path")
        return ReportRequest("term", None)
    if fmt == "md" and not raw_path and os.environ.get(STEP_SUMMARY_ENV):
        path = Path(os.environ[STEP_SUMMARY_ENV])
        _check_writable(path, f"{where} (${STEP_SUMMARY_ENV})")
        return ReportRequest("md", path, append=True)
    path = Path(raw_path or DEFAULT_REPORT_PATHS[fmt])
    if not path.is_absolute():
        path = base / path
    if fmt == "html":
        _check_directory(path, where)
    else:
        _check_writable(path, where)
    return ReportRequest(fmt, path)


def _check_directory(path: Path, where: str) -> None:
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{where}: {path} is a file; the html report needs a directory")
    _check_writable(path / "index.html", where)


def _check_writable(path: Path, where: str) -> None:
    """Fail before the run, not after an hour of mutants, if a report cannot be written.

    Tried for real (``os.access`` says yes to root everywhere, even in /proc).
    """
    if path.is_dir():
        raise SettingsError(f"{where}: {path} is a directory; give a file path")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    try:
        probe = tempfile.mkdtemp(prefix=".escape-probe-", dir=parent)
        os.rmdir(probe)
        if path.is_file():
            # not a pipe or device: opening a pipe to probe it would block, or be its reader's EOF
            with path.open("a"):
                pass
    except OSError as e:
        raise SettingsError(f"{where}: cannot write {path} ({e.strerror} in {parent})") from None


def parse_baseline(value: Any, where: str, base: Path) -> Path:
    """Whether it must exist depends on --escape-baseline-update: see _check_baseline."""
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{where} must be a file path, not {value!r}")
    path = Path(value)
    return path if path.is_absolute() else base / path


def parse_revision(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or value.startswith("-"):
        raise SettingsError(
            f"{where} needs a git revision (a branch, tag or commit, e.g. origin/main), not {value!r}"
        )
    return value.strip()


_SHARD = re.compile(r"([0-9]+)/([0-9]+)")


def parse_shard(value: Any, where: str) -> tuple[int, int]:
    """``K/N`` -> ``(K, N)``, with 1 <= K <= N."""
    match = _SHARD.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise SettingsError(f"{where} must be K/N (shard K of N) like 1/4, not {value!r}")
    index, count = int(match[1]), int(match[2])
    if count < 1:
        raise SettingsError(f"{where} must split the run into 1 or more shards, not {value!r}")
    if not 1 <= index <= count:
        raise SettingsError(f"{where} must be K/N with 1 <= K <= N, like 1/{count}, not {value!r}")
    return index, count


def parse_paths(values: Any, where: str, base: Path) -> tuple[Path, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise SettingsError(f"{where} must be a list of paths, not {values!r}")
    paths = []
    for value in values:
        if not isinstance(value, str):
            raise SettingsError(f"{where} must be a list of paths, not {values!r}")
        path = Path(value)
        if not path.is_absolute():
            path = base / path
        if not path.exists():
            raise SettingsError(f"{where}: {value!r} does not exist (relative paths start at {base})")
        if path.is_file() and path.suffix != ".py":
            raise SettingsError(f"{where}: {value!r} is not a Python file or a directory")
        paths.append(path.resolve())
    return tuple(paths)


#: settings key (its option is ``--escape-`` + the key with dashes) -> its check
_VALUES: dict[str, Callable[[Any, str], Any]] = {
    "workers": parse_count,
    "timeout_factor": parse_timeout_factor,
    "memory_limit": parse_memory_limit,
    "fail_under": parse_fail_under,
    "witness_budget": parse_budget,
    "examples": parse_count,
    "property_budget": parse_property_budget,
    "properties": parse_properties,
    "seed": parse_seed,
    "witness_backend": parse_backend,
    "fail_on": parse_fail_on,
    "matrix": parse_flag,
    "thresholds": parse_thresholds,
    "baseline_tolerance": parse_tolerance,
    "baseline_update": parse_flag,
    "cache": parse_flag,
    "clear_cache": parse_flag,
    "since": parse_revision,
    "shard": parse_shard,
}
#: the same for settings that are paths (relative to where they were written)
_PATHS: dict[str, Callable[[Any, str, Path], Any]] = {
    "paths": parse_paths,
    "write_tests": parse_output_file,
    "baseline": parse_baseline,
}


#: options whose value is a path: given as a separate word, pytest reads it as a
#: test path too, before any plugin's options are known
PATH_OPTIONS = ("--escape-write-tests", "--escape-baseline")


def misread_path(args: Sequence[str], start: Path) -> str | None:
    """The line that says so, when a path option's value moved pytest's rootdir.

    pytest settles its rootdir and config file before it knows a plugin's
    options, so in ``--escape-write-tests ../out.py`` it takes ``../out.py``
    for a test path; once that file exists, the rootdir becomes the common
    ancestor and the project's ``pyproject.toml`` (its ``pythonpath``, its
    ``testpaths``) is no longer read: every test module then fails to import.
    ``--escape-write-tests=../out.py`` is one word, and pytest leaves it alone.
    """
    for option, value in zip(args, args[1:], strict=False):
        if option not in PATH_OPTIONS:
            continue
        path = (start / value).resolve()
        if path.exists() and not path.is_relative_to(start.resolve()):
            return (
                f"{option} {value}: pytest also takes {value} for a test path (it reads its own "
                f"arguments before pytest-escape's), which moves the rootdir out of {start}; "
                f"write {option}={value}"
            )
    return None


def command_line(config: pytest.Config) -> dict[str, Any]:
    """The ``--escape-*`` options as given (None where not given), by config key:
    every config key has its option, ``--escape-<key with dashes>``, and a few
    options have no key (they make sense for one run only)."""
    keys = (*CONFIG_KEYS, "baseline_update", "clear_cache", "since", "shard")
    return {key: config.getoption(f"escape_{key}") for key in keys}


def build_settings(rootdir: Path, cli: dict[str, Any]) -> Settings:
    """Merge the config file and the command line (which wins) into checked Settings.

    Relative paths start where they were written: on the command line, at the
    directory pytest was started from; in pyproject.toml, at the rootdir.
    """
    table = load_pyproject(rootdir)

    def pick(key: str, option: str) -> tuple[Any, str, Path] | None:
        """(value, where it came from, the directory its relative paths start at)."""
        if cli.get(key) is not None:
            return cli[key], option, Path.cwd()
        if key in table:
            return table[key], f"[tool.pytest_escape] {key}", rootdir
        return None

    origins: dict[str, str] = {}
    settings: dict[str, Any] = {"rootdir": rootdir, "workers": os.cpu_count() or 1, "origins": origins}
    for key, parse in _VALUES.items():
        if (got := pick(key, "--escape-" + key.replace("_", "-"))) is not None:
            settings[key] = parse(*got[:2])
            origins[key] = got[1] if got[1].startswith("--") else f"pyproject.toml {got[1]}"
    for key, parse_path in _PATHS.items():
        if (got := pick(key, "--escape-" + key.replace("_", "-"))) is not None:
            settings[key] = parse_path(*got)
    reports: list[ReportRequest] = [ReportRequest("term", None)]
    if (got := pick("report", "--escape-report")) is not None:
        values, where, base = got
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, (list, tuple)):
            raise SettingsError(f"{where} must be a list like ['json:results.json'], not {values!r}")
        reports = [parse_report(v, where, base) for v in values]
        if not any(r.format == "term" for r in reports):
            reports.insert(0, ReportRequest("term", None))
    settings["reports"] = tuple(reports)
    got = pick("baseline", "--escape-baseline")
    _check_baseline(settings, got[1] if got else "--escape-baseline")
    return Settings(**settings)


def _check_baseline(settings: dict[str, Any], where: str) -> None:
    """The baseline must exist, unless this run writes it; then it must be writable."""
    baseline: Path | None = settings.get("baseline")
    if settings.get("baseline_update"):
        if baseline is None:
            raise SettingsError(
                "--escape-baseline-update needs the file to write: add --escape-baseline FILE "
                "or [tool.pytest_escape] baseline"
            )
        _check_writable(baseline, where)
    elif baseline is not None and baseline.is_dir():
        raise SettingsError(
            f"{where}: {baseline} is a directory; give the baseline's file path "
            "(a JSON report written with --escape-baseline-update)"
        )
    elif baseline is not None and not baseline.is_file():
        raise SettingsError(
            f"{where}: {baseline} does not exist; "
            "create it with --escape-baseline-update (or drop the option)"
        )
