"""Which properties a function is checked for, decided before any call.

Names say what a function is for: ``encode``/``decode`` pairs undo each other
and a ``normalize`` leaves its own output alone.  Crash, contract and
determinism need no name; they apply to every public function, minus what
its code rules out (one that reads the clock or a random source is not
expected to answer the same twice).  The user's config adds pairs and
normalisers, checks private functions, and silences any of it.
"""

from __future__ import annotations

import dis
import fnmatch
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import CodeType, FunctionType, ModuleType
from typing import Any

from ..execution.protocol import PropertyConfig
from ..inputs.calls import nested_codes
from ..model import CONTRACT, CRASH, DETERMINISM, IDEMPOTENCE, ROUND_TRIP

#: (forward, backward): ``backward(forward(x)) == x``
ROUND_TRIP_VERBS = (
    ("encode", "decode"),
    ("encrypt", "decrypt"),
    ("compress", "decompress"),
    ("serialize", "deserialize"),
    ("serialise", "deserialise"),
    ("marshal", "unmarshal"),
    ("pack", "unpack"),
    ("quote", "unquote"),
    ("escape", "unescape"),
    ("dumps", "loads"),
    ("dump", "load"),
    ("format", "parse"),
    ("isoformat", "parse"),
    ("to", "from"),
    ("wrap", "unwrap"),
)
_NORMALISER = re.compile(
    r"^(normali[sz]e|clean|canonical|canonicali[sz]e|saniti[sz]e|strip|sort|dedupe|dedup|deduplicate"
    r"|slugify)(_|$)|slugify$"
)
#: names in a function's code that make its answer depend on more than its input
_IMPURE_NAMES = frozenset(
    {
        # the clock
        "time", "monotonic", "perf_counter", "process_time", "time_ns", "now", "utcnow", "today",
        "localtime", "gmtime", "ctime", "asctime",
        # randomness
        "random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform",
        "gauss", "getrandbits", "uuid1", "uuid4", "urandom", "token_hex", "token_bytes",
        "token_urlsafe", "SystemRandom", "randbits",
        # the world outside: files, environment, network, processes, identity
        "open", "input", "environ", "getenv", "getpid", "getcwd", "listdir", "scandir", "iterdir",
        "glob", "walk", "stat", "exists", "isfile", "isdir", "is_file", "is_dir", "read_text",
        "read_bytes", "urlopen", "recv", "request", "id",
    }
)  # fmt: skip
#: how far calls are followed looking for an impure name
_CALL_DEPTH = 3
_MAX_CODES = 200

_GOOGLE_RAISES = re.compile(r"^\s*Raises\s*:\s*$")
_NUMPY_RAISES = re.compile(r"^\s*Raises\s*$")
_SPHINX_RAISES = re.compile(r":raises?\s+([\w., ]+):")
#: ":exc:`LookupError` is raised" in prose: documented, if not in a section
_PROSE_RAISES = re.compile(r":exc:`~?([\w.]+)`[^.]*\braised?\b|\braises?\s+(?:an?\s+)?:exc:`~?([\w.]+)`")
_EXCEPTION_NAME = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?::|$|\()")


@dataclass
class Plan:
    """The properties one function gets, and what each needs to know."""

    properties: list[str]
    #: exception class names its docstring says it raises
    documented: set[str]
    #: round trip: the backward function, as ``module.qualname``
    partner: str | None = None
    #: why a property that would apply by name does not (``property -> reason``)
    left_out: dict[str, str] = field(default_factory=dict)
    #: public, or named by ``check``: the properties that need no name apply
    wanted: bool = False
    #: properties checked for what the function did with its tests' values, not
    #: for its name (``property -> what it did``)
    by_behaviour: dict[str, str] = field(default_factory=dict)

    def may_add(self, prop: str, full: str, config: PropertyConfig) -> bool:
        """Whether ``prop`` may still be added for the function's behaviour."""
        return self.wanted and prop not in self.properties and not config.skipped(full, prop)


def public(qualname: str) -> bool:
    return not any(part.startswith("_") for part in qualname.split("."))


def documented_raises(doc: str | None) -> set[str]:
    """Exception names in a docstring's Raises section (Google, NumPy or Sphinx style),
    or named with ``:exc:`` in a sentence that says it is raised."""
    if not doc:
        return set()
    names: set[str] = set()
    for match in _SPHINX_RAISES.finditer(doc):
        names |= {n.strip().rpartition(".")[2] for n in match.group(1).split(",") if n.strip()}
    for match in _PROSE_RAISES.finditer(doc):
        names.add((match.group(1) or match.group(2)).rpartition(".")[2])
    lines = doc.expandtabs().splitlines()
    for index, line in enumerate(lines):
        if not (_GOOGLE_RAISES.match(line) or _NUMPY_RAISES.match(line)):
            continue
        indent = len(line) - len(line.lstrip())
        body = lines[index + 1 :]
        if body and set(body[0].strip()) == {"-"}:
            body = body[1:]  # NumPy's underline
        for at, entry in enumerate(body):
            if not entry.strip():
                continue
            depth = len(entry) - len(entry.lstrip())
            underlined = at + 1 < len(body) and set(body[at + 1].strip()) == {"-"}
            if depth < indent or (depth == indent and (entry.strip().endswith(":") or underlined)):
                break  # the next section
            found = _EXCEPTION_NAME.match(entry)
            if found and found.group(1)[0].isupper():
                names.add(found.group(1).rpartition(".")[2])
    return names


def impure_name(
    function: Callable[..., Any],
    project: Callable[[str], bool],
    unwrap: Callable[[FunctionType], FunctionType] = lambda f: f,
) -> str | None:
    """A name in the function's code (or the project functions it calls) that
    reads the clock, randomness, files or the environment; None if there is none.

    ``unwrap`` turns a called function into the one whose body to read (the
    original code of a function a mutant is switched on in).
    """
    start = getattr(function, "__code__", None)
    if start is None:
        return None
    namespace = getattr(function, "__globals__", {})
    todo: list[tuple[CodeType, dict[str, Any], int]] = [(start, namespace, 0)]
    seen: set[CodeType] = set()
    while todo and len(seen) < _MAX_CODES:
        code, names, depth = todo.pop()
        for inner in nested_codes(code):
            if inner in seen:
                continue
            seen.add(inner)
            if hit := sorted(_IMPURE_NAMES.intersection(inner.co_names)):
                return hit[0]
            if depth >= _CALL_DEPTH:
                continue
            for name in inner.co_names:
                try:
                    callee = names.get(name)
                    callee = getattr(callee, "__func__", callee)
                except Exception:  # noqa: BLE001 - a proxy (flask's current_app) raises on any look
                    continue
                if isinstance(callee, FunctionType) and project(callee.__code__.co_filename):
                    callee = unwrap(callee)
                    todo.append((callee.__code__, callee.__globals__, depth + 1))
    return None


def raised_on_purpose(error: BaseException, project: Callable[[str], bool]) -> bool:
    """The exception came from a ``raise`` (or ``assert``) statement in the project's code.

    The innermost frame of its traceback is where it started: a ``raise`` the
    author wrote there is a decision, an ``IndexError`` out of ``s[0]`` is not.
    """
    tb = error.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    if not project(code.co_filename):
        return False
    for instruction in dis.get_instructions(code):
        if instruction.offset == tb.tb_lasti:
            return instruction.opname == "RAISE_VARARGS"
    return False


def _swaps(name: str, forward: str, backward: str) -> Iterator[str]:
    """Names ``backward`` pairs with ``name`` if ``name`` is the ``forward`` one."""
    tokens = name.split("_")
    lowered = [t.lower() for t in tokens]
    for index, token in enumerate(lowered):
        if token == forward:
            yield "_".join([*tokens[:index], backward, *tokens[index + 1 :]])
            rest = tokens[:index] + tokens[index + 1 :]
            if rest:  # date_isoformat / parse_date
                yield "_".join([backward, *rest])
                yield "_".join([*rest, backward])
    if name.lower().endswith(forward) and len(name) > len(forward) and name[-len(forward) - 1] != "_":
        yield name[: -len(forward)] + backward  # b32encode / b32decode
    if forward == "to" and "to" in lowered[1:-1]:
        index = lowered.index("to", 1)
        yield "_".join([*tokens[index + 1 :], "to", *tokens[:index]])  # str_to_dict / dict_to_str


def round_trip_partners(names: Iterable[str]) -> dict[str, str]:
    """forward name -> backward name, among the functions of one module (or class)."""
    present = set(names)
    pairs: dict[str, str] = {}
    for name in sorted(present):
        bare = name.lstrip("_")
        for forward, backward in ROUND_TRIP_VERBS:
            for candidate in _swaps(bare, forward, backward):
                prefixed = name[: len(name) - len(bare)] + candidate
                if prefixed in present and prefixed != name and name not in pairs:
                    pairs[name] = prefixed
    return pairs


def normaliser(name: str) -> bool:
    return bool(_NORMALISER.search(name.lstrip("_").lower()))


def plan(
    module: ModuleType,
    qualname: str,
    original: Callable[..., Any],
    siblings: Iterable[str],
    config: PropertyConfig,
    project: Callable[[str], bool],
    unwrap: Callable[[FunctionType], FunctionType] = lambda f: f,
) -> Plan:
    """The properties ``module.qualname`` is checked for.

    ``siblings`` are the qualnames of the functions under test in the same
    module, where a round trip's partner is looked for (pairs are matched
    within one class, or among module-level functions).
    """
    full = f"{module.__name__}.{qualname}"
    wanted = public(qualname) or any(fnmatch.fnmatchcase(full, p) for p in config.check)
    owner, _, name = qualname.rpartition(".")
    found = Plan(
        properties=[], documented=documented_raises(getattr(original, "__doc__", None)), wanted=wanted
    )
    if wanted:
        found.properties += [CRASH, CONTRACT]
        if (hit := impure_name(original, project, unwrap)) is not None:
            found.left_out[DETERMINISM] = f"its code reads {hit!r}, which may answer differently each time"
        else:
            found.properties.append(DETERMINISM)
    # a pair the user named, in either module
    for forward, backward in config.round_trips:
        if forward == full:
            found.partner = backward
    if found.partner is None and wanted:
        same_owner = [s.rpartition(".")[2] for s in siblings if s.rpartition(".")[0] == owner]
        partner = round_trip_partners(same_owner).get(name)
        if partner is not None:
            found.partner = f"{module.__name__}.{owner + '.' if owner else ''}{partner}"
    if found.partner is not None:
        found.properties.append(ROUND_TRIP)
    if (wanted and normaliser(name)) or any(fnmatch.fnmatchcase(full, p) for p in config.idempotent):
        found.properties.append(IDEMPOTENCE)
    found.properties = [p for p in found.properties if not config.skipped(full, p)]
    found.left_out = {p: why for p, why in found.left_out.items() if not config.skipped(full, p)}
    return found


def in_project(root: str) -> Callable[[str], bool]:
    """Whether a code object's file is the project's own code (not a library's)."""
    prefixes = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})

    def judge(filename: str) -> bool:
        return (
            filename.startswith(root)
            and "site-packages" not in filename
            and "dist-packages" not in filename
            and not (filename.startswith(prefixes) and not root.startswith(prefixes))
        )

    return judge
