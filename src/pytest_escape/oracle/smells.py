"""Oracle smells: what a test's own code says about how it checks (issue 4).

Static evidence, read from the test's source with ``ast``: no assertion at
all, assertions that cannot fail, an expected value computed by the function
under test, assertions on type or truthiness only, a ``pytest.raises`` too
broad to tell one failure from another, and the unit under test patched
out.  These are tags with a line each, not verdicts: the per-test verdict
comes from the kill data, and the tags explain it.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

NO_ASSERTION = "no assertion"
TAUTOLOGY = "tautology"
MIRROR = "mirror oracle"
WEAK = "weak oracle"
BROAD_RAISES = "broad pytest.raises"
SWALLOWED = "exception swallowed"
UNREACHABLE_ASSERT = "assertion cannot run"
PATCHED_UNIT = "unit under test patched out"

_WEAK_CALLS = {"isinstance", "callable", "hasattr", "len", "bool", "type"}
_CHECKING_CALLS = {"raises", "warns", "deprecated_call", "fail", "approx"}
#: unittest's assertions that check only truthiness, presence or type
_WEAK_ASSERT_CALLS = {
    "assertTrue",
    "assertFalse",
    "assertIsNone",
    "assertIsNotNone",
    "assertIsInstance",
    "assertNotIsInstance",
}


@dataclass(frozen=True)
class Smell:
    tag: str
    line: int
    detail: str


def _name(node: ast.AST) -> str:
    """``a.b.c`` for a name or attribute chain, else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    return ""


def _called(node: ast.AST) -> str:
    return _name(node.func) if isinstance(node, ast.Call) else ""


@functools.lru_cache(maxsize=16)
def _parse(source: str) -> ast.Module:
    """One parse per test file, however many of its tests are looked at."""
    return ast.parse(source)


@functools.lru_cache(maxsize=16)
def check_lines(source: str) -> frozenset[int]:
    """The lines of ``source`` that hold a check: ``assert`` statements, and
    statements calling ``pytest.raises``, an ``assert*`` method or an
    asserting helper of the file.

    A test failing with an exception raised from one of these lines failed
    in its check (``assert parse(s).year == 2000`` when ``parse`` returns
    None), not merely because the code crashed under it; so is the body of
    a ``with pytest.raises(E)`` block, since an exception that escapes it is
    one the check did not accept.  Weak and
    tautological assertions are left out: ``assert cart.total() is not None``
    crashing on ``None.total`` says no more than the bare call would.
    """
    helpers = _asserting_helpers(source)

    def checking(node: ast.AST) -> bool:
        return any(
            isinstance(n, ast.Call)
            and (_checks(n) or _called(n).rpartition(".")[2] in helpers)
            and _called(n).rpartition(".")[2] not in _WEAK_ASSERT_CALLS
            for n in ast.walk(node)
        )

    spans: list[ast.expr | ast.stmt] = []
    for node in ast.walk(_parse(source)):
        if isinstance(node, ast.Assert):
            if not (_is_weak(node.test) or _is_tautology(node.test)):
                spans.append(node)
        elif isinstance(node, ast.Expr) and checking(node):
            spans.append(node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            spans += [item.context_expr for item in node.items if checking(item.context_expr)]
            if any(_called(item.context_expr).rpartition(".")[2] == "raises" for item in node.items):
                # an exception escaping ``pytest.raises(ValueError)`` is one the check rejected
                spans += node.body
    lines: set[int] = set()
    for span in spans:
        lines.update(range(span.lineno, (span.end_lineno or span.lineno) + 1))
    return frozenset(lines)


@functools.lru_cache(maxsize=16)
def _asserting_helpers(source: str) -> frozenset[str]:
    """Functions in the file that assert (a test calling one is checking)."""
    helpers: set[str] = set()
    for node in _parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("test"):
            if any(isinstance(n, ast.Assert) or _checks(n) for n in ast.walk(node)):
                helpers.add(node.name)
    return frozenset(helpers)


def _checks(node: ast.AST) -> bool:
    """A call that checks something: ``pytest.raises``, ``mock.assert_called_with``..."""
    name = _called(node).rpartition(".")[2]
    return name in _CHECKING_CALLS or name.startswith("assert")


def _is_tautology(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        same = ast.dump(left) == ast.dump(right)
        return same and isinstance(test.ops[0], (ast.Eq, ast.Is, ast.GtE, ast.LtE))
    return False


def _is_weak(test: ast.expr) -> bool:
    """Only the type, presence, truthiness or length of something."""
    if isinstance(test, ast.Call):
        return _called(test) in _WEAK_CALLS
    if isinstance(test, (ast.Name, ast.Attribute, ast.Subscript)):
        return True  # assert result
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is_weak(test.operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        right = test.comparators[0]
        if (
            isinstance(test.ops[0], (ast.IsNot, ast.Is))
            and isinstance(right, ast.Constant)
            and right.value is None
        ):
            return True  # assert result is not None
        if _called(test.left) == "len" and isinstance(right, ast.Constant) and right.value == 0:
            return True  # assert len(result) > 0
        if _called(test.left) == "type":
            return True
    return False


def _calls_in(node: ast.AST) -> set[str]:
    return {_called(n) for n in ast.walk(node) if isinstance(n, ast.Call) and _called(n)}


def _mirror(test: ast.expr, computed: dict[str, set[str]]) -> str | None:
    """The function both sides of an equality call, directly or through a variable."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    sides = [test.left, test.comparators[0]]
    called = []
    for side in sides:
        names = _calls_in(side)
        if isinstance(side, ast.Name):
            names |= computed.get(side.id, set())
        called.append(names - _WEAK_CALLS)
    shared = called[0] & called[1]
    return sorted(shared)[0] if shared else None


def smells(source: str, test_name: str, units: frozenset[str] = frozenset()) -> list[Smell]:
    """The smells of one test function (``Class.test`` for a method) in ``source``.

    ``units`` names the functions under test the test calls (from coverage):
    patching one of them out is a smell.
    """
    tree = _parse(source)
    owner, _, name = test_name.rpartition(".")
    scope: list[ast.stmt] = tree.body
    if owner:
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == owner]
        scope = classes[0].body if classes else []
    found = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
    if not found:
        return []
    function = found[0]
    helpers = _asserting_helpers(source)
    out: list[Smell] = []
    computed: dict[str, set[str]] = {}
    checking = False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    computed[target.id] = _calls_in(node.value) - _WEAK_CALLS
        if isinstance(node, ast.Assert):
            checking = True
            if _is_tautology(node.test):
                out.append(Smell(TAUTOLOGY, node.lineno, "asserts something that is always true"))
            elif (mirrored := _mirror(node.test, computed)) is not None:
                out.append(Smell(MIRROR, node.lineno, f"the expected value is computed by {mirrored}() too"))
            elif _is_weak(node.test):
                out.append(Smell(WEAK, node.lineno, "checks only type, presence, truthiness or length"))
        elif isinstance(node, ast.Call):
            called = _called(node)
            if _checks(node) or called.rpartition(".")[2] in helpers:
                checking = True
            if (
                called.rpartition(".")[2] == "raises"
                and node.args
                and _name(node.args[0])
                in (
                    "Exception",
                    "BaseException",
                )
            ):
                out.append(Smell(BROAD_RAISES, node.lineno, f"pytest.raises({_name(node.args[0])})"))
            if called.rpartition(".")[2] in ("patch", "setattr") and node.args:
                target = node.args[-1] if called.endswith("setattr") and len(node.args) == 2 else node.args[0]
                text = (
                    target.value if isinstance(target, ast.Constant) and isinstance(target.value, str) else ""
                )
                text = text or _name(target)
                patched = [u for u in units if text.endswith(u.rpartition(".")[2]) and text]
                if patched:
                    out.append(Smell(PATCHED_UNIT, node.lineno, f"patches {text}, which the test is about"))
        elif isinstance(node, ast.ExceptHandler):
            broad = node.type is None or _name(node.type) in ("Exception", "BaseException")
            if broad and all(isinstance(s, ast.Pass) for s in node.body):
                out.append(Smell(SWALLOWED, node.lineno, "except ...: pass hides any failure"))
    out += _unreachable(function)
    if not checking:
        out.insert(0, Smell(NO_ASSERTION, function.lineno, "no assert, pytest.raises or assert_* call"))
    return out


def _unreachable(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Smell]:
    """Assertions after a ``return``/``raise`` in the same block, or under ``if False``."""
    out = []
    for node in ast.walk(function):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        ended = False
        for statement in body:
            if ended and any(isinstance(n, ast.Assert) for n in ast.walk(statement)):
                out.append(Smell(UNREACHABLE_ASSERT, statement.lineno, "comes after a return or raise"))
            if isinstance(statement, (ast.Return, ast.Raise)):
                ended = True
        if isinstance(node, ast.If) and isinstance(node.test, ast.Constant) and not node.test.value:
            if any(isinstance(n, ast.Assert) for s in node.body for n in ast.walk(s)):
                out.append(Smell(UNREACHABLE_ASSERT, node.lineno, "under a condition that is always false"))
    return out
