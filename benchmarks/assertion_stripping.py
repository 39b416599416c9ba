"""Assertion stripping: does ``pytest --escape`` flag tests that check nothing?

Takes a corpus project (``../shared/corpus``, or any directory with a
``corpus.tsv`` of the same columns), runs ``pytest --escape`` on it once as
it is, then, for each seed, removes the ``assert`` statements and
unittest's value checks (``self.assertEqual(a, b)`` -> ``(a, b)``) from N
randomly chosen tests (keeping the expressions, so every call still
happens) and runs it again.  A stripped test checks nothing any more: it
should be flagged confirming-only, and no other test should become newly
flagged.

Eligible tests: test functions whose every case was judged "checks" in the
unmodified run, that execute target code, and whose only checks are
``assert`` statements (after stripping, the oracle-smell reader finds no
assertion at all: no ``pytest.raises``, ``with`` block or ``assert*`` call is
left to check anything).

    python benchmarks/assertion_stripping.py /tmp/corpus schema --seeds 1 2 3 4 5

Prints one line per seed and a total; ``--out FILE`` keeps the figures as JSON.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from collections import defaultdict
from pathlib import Path
from typing import Any

from pytest_escape.oracle.smells import NO_ASSERTION, smells

ESCAPE_ARGS = "--escape --escape-witness-budget 0 --escape-seed 0"


def corpus_row(corpus: Path, name: str) -> dict[str, str]:
    with (corpus / "corpus.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["name"] == name:
                return row
    raise SystemExit(f"{name} is not in {corpus / 'corpus.tsv'}")


def run_escape(project: Path, row: dict[str, str], python: str, report: Path) -> dict[str, Any]:
    command = row["test_command"].replace("python -m pytest", f"{python} -m pytest", 1)
    # keep the caller's PYTHONPATH (a snapshot of pytest-escape under benchmark) after the project's
    command = re.sub(r"PYTHONPATH=(\S+)", r"PYTHONPATH=\1${PYTHONPATH:+:$PYTHONPATH}", command)
    command += f" {ESCAPE_ARGS} --escape-report json:{report}"
    started = time.monotonic()
    done = subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True)
    if not report.exists():
        raise SystemExit(f"escape run failed in {project} (exit {done.returncode}):\n{done.stdout[-3000:]}")
    model: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))["x-escape"]
    model["_seconds"] = time.monotonic() - started
    return model


def function_of(nodeid: str) -> tuple[str, str]:
    """``tests/t.py::TestX::test_y[1]`` -> (``tests/t.py``, ``TestX.test_y``).

    The parameters go first: an IPv6 address in them (``test_y[[::1]]``)
    holds ``::`` too, and every such case of a stripped test was counted as
    another test newly flagged (rfc3986: all 68 of issue 20's tenth part)."""
    file, *parts = nodeid.partition("[")[0].split("::")
    return file, ".".join(parts)


def _find(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    scope: list[ast.stmt] = tree.body
    *owners, name = qualname.split(".")
    for owner in owners:
        classes = [n for n in scope if isinstance(n, ast.ClassDef) and n.name == owner]
        if not classes:
            return None
        scope = classes[0].body
    found = [n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
    return found[0] if found else None


#: unittest's checks that take values (``assertRaises`` and friends call or
#: wrap code, so a test using them is left out by the ``with`` rule or keeps
#: a check)
_UNITTEST_CHECK = re.compile(r"^(assert(?!Raises|Warns|Logs|NoLogs)[A-Z]\w*|fail[A-Z]\w*)$")
#: unittest's own: a project's helper named ``assertMakesPatch`` holds the
#: calls of the code under test, and stripping it left a test that runs none
#: (jsonpatch: 3 of 20 "stripped" tests executed no target function)
_UNITTEST_METHODS = frozenset(name for name in dir(unittest.TestCase) if _UNITTEST_CHECK.match(name))


def defining(project: Path, file: str, qualname: str) -> tuple[str, str]:
    """(file, ``Class.method``) where a test method is defined: a class of the
    same file that does not define it inherits it from a base named there."""
    *owners, name = qualname.split(".")
    if len(owners) != 1:
        return file, qualname
    try:
        tree = ast.parse((project / file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return file, qualname
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    seen: set[str] = set()
    todo = [owners[0]]
    while todo:
        current = todo.pop(0)
        if current in seen or current not in classes:
            continue
        seen.add(current)
        node = classes[current]
        if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name for n in node.body):
            return file, f"{current}.{name}"
        todo += [b.id for b in node.bases if isinstance(b, ast.Name)]
    return file, qualname


class _Strip(ast.NodeTransformer):
    def visit_Assert(self, node: ast.Assert) -> ast.Expr:
        return ast.copy_location(ast.Expr(value=node.test), node)

    def visit_Expr(self, node: ast.Expr) -> ast.Expr:
        """``self.assertEqual(a, b)`` -> ``(a, b)``: every value is still computed, none checked."""
        call = node.value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "self"
            and call.func.attr in _UNITTEST_METHODS
        ):
            values = [*call.args, *(k.value for k in call.keywords)]
            return ast.copy_location(ast.Expr(value=ast.Tuple(elts=values, ctx=ast.Load())), node)
        return node


def _calls_checking_helper(tree: ast.Module, qualname: str, function: ast.AST) -> bool:
    """Whether the test calls ``self.helper(...)``, a method of its class
    (or a base named in the file) that holds an ``assert`` or a unittest
    check: stripping the test leaves that check in place."""
    if "." not in qualname:
        return False
    owner = qualname.split(".")[0]
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    methods: dict[str, ast.AST] = {}
    todo, seen = [owner], set()
    while todo:
        current = todo.pop()
        if current in seen or current not in classes:
            continue
        seen.add(current)
        for n in classes[current].body:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods.setdefault(n.name, n)
        todo += [b.id for b in classes[current].bases if isinstance(b, ast.Name)]
    called = {
        n.func.attr
        for n in ast.walk(function)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "self"
    }
    return any(
        isinstance(n, ast.Assert)
        or (
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _UNITTEST_METHODS
        )
        for name in called
        if name in methods
        for n in ast.walk(methods[name])
    )


def stripped(source: str, qualnames: list[str]) -> str:
    """``source`` with every ``assert X`` in the named functions turned into ``X``."""
    tree = ast.parse(source)
    for qualname in qualnames:
        function = _find(tree, qualname)
        assert function is not None, qualname
        _Strip().visit(function)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def eligible(project: Path, base: dict[str, Any]) -> list[tuple[str, str]]:
    cases: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for test in base["tests"]:
        cases[function_of(test["id"])].append(test)
    chosen = []
    for (file, qualname), tests in sorted(cases.items()):
        if not all(t["verdict"] == "checks" and t["functions"] for t in tests):
            continue
        source = (project / file).read_text(encoding="utf-8")
        function = _find(ast.parse(source), qualname)
        if function is None or stripped(source, [qualname]) == ast.unparse(ast.parse(source)) + "\n":
            continue  # nothing to strip
        if any(isinstance(n, (ast.With, ast.AsyncWith)) for n in ast.walk(function)):
            continue  # ``with SE:`` (pytest.raises kept in a variable) would still check
        if _calls_checking_helper(ast.parse(source), qualname, function):
            continue  # ``self.make_patch(...)`` that asserts inside would still check
        tags = {s.tag for s in smells(stripped(source, [qualname]), qualname)}
        if NO_ASSERTION in tags:
            chosen.append((file, qualname))
    return chosen


def trial(
    pristine: Path,
    row: dict[str, str],
    python: str,
    base: dict[str, Any],
    pool: list[tuple[str, str]],
    seed: int,
    count: int,
    work: Path,
) -> dict[str, Any]:
    picked = random.Random(seed).sample(pool, min(count, len(pool)))
    project = work / f"seed-{seed}"
    shutil.copytree(pristine, project)
    by_file: dict[str, list[str]] = defaultdict(list)
    for file, qualname in picked:
        by_file[file].append(qualname)
    for file, qualnames in by_file.items():
        path = project / file
        path.write_text(stripped(path.read_text(encoding="utf-8"), qualnames), encoding="utf-8")
    after = run_escape(project, row, python, work / f"seed-{seed}.json")
    before = {t["id"]: t["verdict"] for t in base["tests"]}
    now = {t["id"]: t for t in after["tests"]}
    picked_set = set(picked)
    # a test class inherits its base's test methods: TrieTestCase.test_equality
    # stripped is CharTrieTestCase::test_equality stripped too
    defined = {i: defining(pristine, *function_of(i)) for i in now}
    stripped_ids = [i for i in now if defined[i] in picked_set]
    flagged = [i for i in stripped_ids if now[i]["verdict"] == "confirming-only"]
    functions_flagged = sum(
        all(now[i]["verdict"] == "confirming-only" for i in stripped_ids if defined[i] == f) for f in picked
    )
    newly = [
        i
        for i, t in now.items()
        if defined[i] not in picked_set
        and t["verdict"] == "confirming-only"
        and before.get(i) != t["verdict"]
    ]
    missed = {i: (now[i]["verdict"], now[i]["reason"]) for i in stripped_ids if i not in flagged}
    return {
        "seed": seed,
        "functions": [f"{f}::{q}" for f, q in picked],
        "functions_flagged": functions_flagged,
        "cases": len(stripped_ids),
        "cases_flagged": len(flagged),
        "newly_flagged_others": newly,
        "missed": missed,
        "seconds": round(after["_seconds"], 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("project")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--tests", type=int, default=10)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    row = corpus_row(args.corpus, args.project)
    pristine = args.corpus / row["project_dir"]
    with tempfile.TemporaryDirectory(prefix="escape-strip-") as tmp:
        work = Path(tmp)
        base_dir = work / "base"
        shutil.copytree(pristine, base_dir)
        base = run_escape(base_dir, row, args.python, work / "base.json")
        pool = eligible(base_dir, base)
        flagged_before = sum(t["verdict"] == "confirming-only" for t in base["tests"])
        print(
            f"{args.project}: {len(base['tests'])} tests, "
            f"{flagged_before} flagged confirming-only unmodified; "
            f"{len(pool)} test functions eligible for stripping; unmodified run {base['_seconds']:.0f} s"
        )
        trials = [trial(pristine, row, args.python, base, pool, s, args.tests, work) for s in args.seeds]
    for t in trials:
        print(
            f"seed {t['seed']}: {t['functions_flagged']}/{len(t['functions'])} stripped tests flagged "
            f"({t['cases_flagged']}/{t['cases']} cases), {len(t['newly_flagged_others'])} other tests newly "
            f"flagged, {t['seconds']:.0f} s"
        )
        for nodeid, (verdict, reason) in t["missed"].items():
            print(f"    not flagged: {nodeid}: {verdict}: {reason}")
        for nodeid in t["newly_flagged_others"]:
            print(f"    newly flagged: {nodeid}")
    functions = sum(len(t["functions"]) for t in trials)
    hit = sum(t["functions_flagged"] for t in trials)
    cases = sum(t["cases"] for t in trials)
    cases_hit = sum(t["cases_flagged"] for t in trials)
    newly = sum(len(t["newly_flagged_others"]) for t in trials)
    print(
        f"total: {hit}/{functions} stripped tests flagged ({100 * hit / max(functions, 1):.1f} %), "
        f"{cases_hit}/{cases} cases ({100 * cases_hit / max(cases, 1):.1f} %), "
        f"{newly} other tests newly flagged"
    )
    if args.out:
        args.out.write_text(
            json.dumps({"project": args.project, "trials": trials}, indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
