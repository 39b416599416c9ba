"""Pseudo-tested functions, confirming-only tests and their smells, end to end.

One generated project holds each case the issue names: a function whose
tests pass whatever it returns, one checked properly, one partially; tests
with no assertion, an ``isinstance``-only assertion and a mirror oracle,
beside strong tests that must not be flagged.
"""

from __future__ import annotations

from typing import Any

from conftest import Project

STATS = """
def mean(xs):
    return sum(xs) / len(xs)


def spread(xs):
    return max(xs) - min(xs)


def label(x):
    if x > 10:
        return "big"
    return "small"


def kind(x) -> str:
    if x < 0:
        return "negative"
    return "positive"


def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
"""

TESTS = """
from stats import clamp, kind, label, mean, spread


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_again():
    assert mean([2, 2, 5]) == 3


def test_label_runs():
    label(3)
    label(30)


def test_kind_type():
    assert isinstance(kind(-1), str)


def test_spread_mirror():
    expected = spread([1, 5])
    assert spread([1, 5]) == expected


def test_clamp():
    assert clamp(5, 0, 10) == 5
    assert clamp(-1, 0, 10) == 0
"""

CONFIG = """
[tool.pytest_escape]
fail_on = ["pseudo-tested", "confirming-only"]
"""


def _tests(project: Project) -> dict[str, dict[str, Any]]:
    return {t["id"].rpartition("::")[2]: t for t in project.results()["x-escape"]["tests"]}


def _labels(project: Project) -> dict[str, str]:
    return {f["name"]: f["label"] for f in project.results()["x-escape"]["functions"]}


def test_pseudo_tested_functions_and_confirming_only_tests(project: Project) -> None:
    project.write({"stats.py": STATS, "test_stats.py": TESTS, "pyproject.toml": CONFIG})
    result = project.run("--escape-witness-budget", "0")

    assert _labels(project) == {
        "mean": "tested",
        "spread": "pseudo-tested",  # the mirror oracle passes on None == None
        "label": "pseudo-tested",  # called, never checked
        "kind": "pseudo-tested",  # "" is a str too
        "clamp": "partially tested",  # the hi boundary is never checked
    }
    tests = _tests(project)
    verdicts = {name: t["verdict"] for name, t in tests.items()}
    assert verdicts == {
        "test_mean": "checks",
        "test_mean_again": "checks",
        "test_label_runs": "confirming-only",
        "test_kind_type": "confirming-only",
        "test_spread_mirror": "confirming-only",
        "test_clamp": "checks",
    }
    tags = {name: {s["tag"] for s in t["smells"]} for name, t in tests.items()}
    assert "no assertion" in tags["test_label_runs"]
    assert "weak oracle" in tags["test_kind_type"]
    assert "mirror oracle" in tags["test_spread_mirror"]
    assert tags["test_mean"] == tags["test_clamp"] == set()
    # every flagged test ran against mutants of what it executes and failed on none by a check
    for name in ("test_label_runs", "test_kind_type", "test_spread_mirror"):
        assert tests[name]["mutants_run"] > 0 and tests[name]["killed_by_check"] == 0
    # each flag carries its proof: a call the test made, whose result a mutant changed
    evidence = tests["test_kind_type"]["evidence"]
    assert (evidence["call"], evidence["original"], evidence["mutated"]) == (
        "kind(x=-1)",
        "returns 'negative'",
        "returns ''",
    )
    assert evidence["mutant"].endswith("x_kind__mutmut_extreme")
    assert (
        "it called kind(x=-1), which returns 'negative'; under mutant kind #extreme it returns ''"
        in (tests["test_kind_type"]["reason"])
    )

    # the extreme mutants do not count in the mutation score
    mutants = project.results()["x-escape"]["mutants"]
    assert all(m["operator"] != "extreme" for m in mutants)

    # the gate, from [tool.pytest_escape] fail_on
    assert result.ret == 13
    result.stdout.fnmatch_lines(
        [
            "stats: 5 functions (1 tested, 3 pseudo-tested, 1 partially tested); "
            "3 of 6 tests confirming-only",
            "  pseudo-tested label (stats.py:9): its test passes when its body is replaced by 'return None'",
            "  confirming-only test_stats.py::test_label_runs: runs stats.label (* mutants), fails on none; "
            "it called label(x=3), which returns 'small'; under mutant label #extreme it "
            "returns None, and the test passed",
            "      no assertion (line 12): no assert, pytest.raises or assert_* call",
            "escape: 3 pseudo-tested functions (stats.spread, stats.label, stats.kind) and "
            "--escape-fail-on pseudo-tested",
            "escape: 3 confirming-only tests (*) and --escape-fail-on confirming-only",
        ]
    )


def test_matrix_runs_every_mutant_against_all_its_tests(project: Project) -> None:
    project.write({"stats.py": STATS, "test_stats.py": TESTS, "pyproject.toml": CONFIG})
    project.run("--escape-witness-budget", "0")
    fail_fast = project.mutants()
    # the command line turns off the config's fail_on
    result = project.run("--escape-witness-budget", "0", "--escape-matrix", "--escape-fail-on", "none")
    assert result.ret == 0
    matrix = project.mutants()
    assert project.results()["x-escape"]["matrix"] is True
    both = {"test_stats.py::test_mean", "test_stats.py::test_mean_again"}
    # mean's mutants: fail-fast stops at the first test; the matrix asks both
    for mutant_id, mutant in matrix.items():
        if mutant["function"] != "mean" or mutant["status"] != "killed":
            continue
        assert len(fail_fast[mutant_id]["kills"]) == 1
        killers = {k["test"] for k in mutant["kills"]} | set(mutant["passed_by"])
        assert killers == both
    assert any({k["test"] for k in m["kills"]} == both for m in matrix.values())


def test_a_test_that_never_met_a_mutant_it_would_catch_is_not_flagged(project: Project) -> None:
    """Fail-fast runs stop at the first test that fails: the second test never
    meets ``n * 3``, and the extreme mutant (``{}``) only makes it crash.
    Before calling it confirming-only, it is run against what the first caught."""
    project.write(
        {
            "conf.py": """
                def config(n) -> dict:
                    return {"n": n * 2}
            """,
            "test_conf.py": """
                from conf import config

                def test_two():
                    v = config(2)["n"]
                    assert v == 4

                def test_three():
                    v = config(3)["n"]
                    assert v == 6
            """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0
    assert {t["verdict"] for t in _tests(project).values()} == {"checks"}
    # fail-fast gives each regular mutant one killer; the second test's extra run
    # against a mutant the first caught is what credits it with a check
    checked_twice = [
        m
        for m in project.mutants().values()
        if len({k["test"] for k in m["kills"] if k["by_check"] and k["exception"] == "AssertionError"}) == 2
    ]
    assert checked_twice


def test_a_test_that_never_met_a_mutant_another_test_crashed_on_is_not_flagged(project: Project) -> None:
    """``text.split()[0]`` -> ``[1]``: the quicker test crashes on it (one
    word, an IndexError) before the other meets it, and the extreme mutants
    ("" and "A") pass the other's check, each changing what its call
    returned: evidence against a test that would catch the mutant.  A
    mutant killed by a crash is a chance for a check too."""
    project.write(
        {
            "words.py": """
                def first_word(text) -> str:
                    return text.split()[0]
            """,
            "test_words.py": """
                import time

                from words import first_word

                def test_one_word():
                    first_word("solo")

                def test_not_the_second():
                    time.sleep(0.2)
                    assert "b" not in first_word("a b")
            """,
        }
    )
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == 0, result.stdout.str()
    (second,) = [m for m in project.mutants().values() if "[1]" in "".join(m["after"])]
    assert {k["test"]: k["by_check"] for k in second["kills"]} == {
        "test_words.py::test_one_word": False,
        "test_words.py::test_not_the_second": True,
    }, second["kills"]
    test = _tests(project)["test_not_the_second"]
    assert test["verdict"] == "checks", test


def test_a_decorator_whose_body_runs_only_at_import_is_not_covered(project: Project) -> None:
    """Its mutants cannot be switched on in a test (the wrapper was made at import,
    from the original): it is not covered, whatever its nested wrapper's lines say."""
    project.write(
        {
            "deco.py": """
                import functools

                def logged(f):
                    @functools.wraps(f)
                    def wrapper(*args):
                        return f(*args)
                    return wrapper

                @logged
                def double(x):
                    return x * 2
            """,
            "test_deco.py": """
                from deco import double

                def test_double():
                    assert double(3) == 6
            """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0
    functions = {f["name"]: f for f in project.results()["x-escape"]["functions"]}
    assert functions["logged"]["label"] == "not covered"
    assert "runs only at import" in functions["logged"]["reason"]
    assert functions["logged"]["covered_by"] == []
    # double is decorated, and mutated all the same (its code is swapped under the wrapper)
    assert functions["double"]["label"] == "tested"
    (test,) = project.results()["x-escape"]["tests"]
    assert test["verdict"] == "checks"


def test_a_precise_test_is_not_flagged_and_its_function_not_pseudo_tested(project: Project) -> None:
    """``clamp(-5, 0, 10) == 0`` checks exactly.  Its expected 0 is what the
    extreme mutant ``return 0`` returns, so with that one extreme it passed
    under every mutant it met and was flagged, and clamp was called
    pseudo-tested.  The opposite extreme, ``return 1``, fails it in a check.

    ``record`` keeps what it is given in a module list its test never reads:
    the test passes whatever ``record`` does, but no mutant changed a result of
    the test's own call (it returns None, and ``x`` is an int), so there is
    no evidence and the test is not flagged, though ``record`` is
    pseudo-tested."""
    project.write(
        {
            "bounds.py": """
                SEEN = []


                def clamp(x: int, lo: int, hi: int) -> int:
                    if x < lo:
                        return lo
                    if x > hi:
                        return hi
                    return x


                def record(x: int) -> None:
                    SEEN.append(x)
                """,
            "test_bounds.py": """
                import unittest

                from bounds import clamp, record


                class TestClamp(unittest.TestCase):
                    def test_below(self):
                        self.assertEqual(clamp(-5, 0, 10), 0)


                def test_record():
                    record(3)
                """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0, result.stdout.str()
    tests = _tests(project)
    below = tests["test_below"]
    assert below["verdict"] == "checks", below
    assert below["killed_by_check"] >= 1
    functions = {f["name"]: f for f in project.results()["x-escape"]["functions"]}
    clamp = functions["clamp"]
    assert clamp["label"] == "partially tested", clamp
    assert (clamp["extreme"]["replacement"], clamp["extreme"]["status"]) == ("return 0", "survived")
    assert (clamp["second_extreme"]["replacement"], clamp["second_extreme"]["status"]) == (
        "return 1",
        "killed",
    )
    assert clamp["reason"].endswith("(removing its body is noticed)")

    record = tests["test_record"]
    assert record["verdict"] is None and record["evidence"] is None, record
    assert record["mutants_run"] >= 1 and record["mutants_killed"] == 0
    assert record["reason"].startswith("not flagged: it runs bounds.record (")
    assert "no mutant it passed under was seen to change a result of its own calls" in record["reason"]
    assert functions["record"]["label"] == "pseudo-tested"
    assert functions["record"]["second_extreme"] is None  # None has no opposite
    result.stdout.fnmatch_lines(["bounds: 2 functions (*); 0 of 2 tests confirming-only"])
    assert "confirming-only test_bounds" not in result.stdout.str()


def test_an_emitted_regression_test_is_never_flagged(project: Project) -> None:
    """Emit the witnesses' tests, add them to the suite, run again: each
    checks the one behaviour it pins, and none is called confirming-only."""
    project.write(
        {
            "ages.py": """
                def is_adult(age):
                    if age < 0:
                        raise ValueError("negative age")
                    return age >= 18


                def price(base, age):
                    if is_adult(age):
                        return base
                    return base / 2
                """,
            "test_ages.py": """
                from ages import is_adult, price


                def test_runs():
                    is_adult(30)
                    price(10, 30)
                """,
        }
    )
    emitted = project.path / "test_emitted.py"
    first = project.run(
        "--escape-witness-budget", "30", "--escape-seed", "1", "--escape-write-tests", str(emitted)
    )
    assert first.ret == 0, first.stdout.str()
    assert emitted.exists()
    flagged = {t["id"] for t in project.results()["x-escape"]["tests"] if t["verdict"] == "confirming-only"}
    assert flagged == {"test_ages.py::test_runs"}  # it called is_adult(30), which the extreme mutant changed
    second = project.run("--escape-witness-budget", "0")
    assert second.ret == 0, second.stdout.str()
    tests = project.results()["x-escape"]["tests"]
    added = [t for t in tests if t["file"] == "test_emitted.py"]
    assert len(added) >= 2, [t["id"] for t in tests]
    assert all(t["verdict"] != "confirming-only" for t in added), [(t["id"], t["reason"]) for t in added]
    assert any(t["verdict"] == "checks" for t in added)


def test_a_change_carried_by_an_object_to_the_test_s_next_call_is_evidence(project: Project) -> None:
    """``inv.add(...)`` then ``inv.count(...)``, and no check: a mutant of
    ``add`` shows only in what the *next* call returns.  The receiver holds a
    generator under way (a source of serial numbers; it held a lock until
    locks were copied, and a generator not started yet until those were
    too), so no call can be made again on a copy of it: the test is followed
    whole instead, twice on the original and once under each mutant, and the
    changed count is the evidence.  Beside it, the same calls with a check
    are not flagged, and a test whose only result differs between two runs
    of the original (a random stamp) proves nothing."""
    project.write(
        {
            "inventory.py": """
                import random


                def _serials():
                    n = 0
                    while True:
                        n += 1
                        yield n


                class Inventory:
                    def __init__(self):
                        self._serials = _serials()
                        self.first = next(self._serials)
                        self._items = {}

                    def add(self, name, qty):
                        key = name.strip().lower()
                        self._items[key] = self._items.get(key, 0) + qty

                    def count(self, name):
                        return self._items.get(name.strip().lower(), 0)

                    def stamp(self):
                        return (len(self._items), random.random())
                """,
            "test_inventory.py": """
                from inventory import Inventory


                def test_add_then_count():
                    inv = Inventory()
                    inv.add(" Apple ", 2)
                    inv.count("apple")


                def test_add_checked():
                    inv = Inventory()
                    inv.add(" Apple ", 2)
                    assert inv.count("apple") == 2
                    assert inv.count("pear") == 0
                    inv.stamp()


                def test_stamp_runs():
                    Inventory().stamp()
                """,
        }
    )
    result = project.run("--escape-witness-budget", "0", "-p", "no:randomly")
    assert result.ret == 0, result.stdout.str()
    tests = _tests(project)
    followed = tests["test_add_then_count"]
    assert followed["verdict"] == "confirming-only", followed
    evidence = followed["evidence"]
    assert evidence["call"].startswith("Inventory.count(") and "name='apple'" in evidence["call"], evidence
    assert evidence["original"] == "returns 2", evidence
    assert evidence["mutated"] != "returns 2" and evidence["difference"] == "return value", evidence
    assert evidence["mutant"].startswith("inventory.x")
    assert tests["test_add_checked"]["verdict"] == "checks"
    stamp = tests["test_stamp_runs"]
    assert stamp["verdict"] is None and stamp["evidence"] is None, stamp
    result.stdout.fnmatch_lines(
        ["*confirming-only test_inventory.py::test_add_then_count: *called Inventory.count(*"]
    )


def test_a_constructor_s_receiver_is_its_first_parameter_whatever_its_name(project: Project) -> None:
    """A test that builds an object to check something else is not weak for
    not checking how it was built.  That held only for a receiver named
    ``self``: a dict subclass whose ``__init__(__self, ...)`` (so that ``self``
    may be a key) got its precise tests flagged."""
    project.write(
        {
            "bag.py": """
                class Bag(dict):
                    def __init__(__self, *args):
                        for arg in args:
                            for key, value in arg.items():
                                __self[key] = value
                """,
            "test_bag.py": """
                from bag import Bag


                def test_delete():
                    bag = Bag({"a": 2})
                    del bag["a"]
                    assert bag == {}
                """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0, result.stdout.str()
    test = _tests(project)["test_delete"]
    assert test["verdict"] is None and test["evidence"] is None, test
    assert test["mutants_run"] >= 1 and test["killed_by_check"] == 0  # a candidate, not flagged


#: ``countdown`` never ends under ``step``'s extreme mutant ``return 1``
COUNTER = """
    def step(n: int) -> int:
        return n - 1


    def countdown(n):
        while n > 0:
            n = step(n)
        return n
    """


def test_a_hang_in_one_test_leaves_the_others_a_verdict(project: Project) -> None:
    """Under ``step``'s extreme mutant ``return 1``, ``countdown`` never ends.
    Every covering test runs in one child for an extreme mutant, so the hang
    hid what the other test did: it got "no per-test verdict" and, checking
    nothing, went unflagged.  The others now run again without the test it
    hung in; that test's timeout is a kill, not a check."""
    project.write(
        {
            "counter.py": COUNTER,
            "test_counter.py": """
                from counter import countdown, step


                def test_countdown():
                    assert countdown(3) == 0


                def test_step_runs():
                    step(3)
                """,
        }
    )
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == 0, result.stdout.str()
    functions = {f["name"]: f for f in project.results()["x-escape"]["functions"]}
    one = functions["step"]["second_extreme"]
    assert (one["replacement"], one["status"]) == ("return 1", "timeout"), one
    assert one["passed_by"] == ["test_counter.py::test_step_runs"], one
    assert [(k["test"], k["by_check"]) for k in one["kills"]] == [("test_counter.py::test_countdown", False)]
    runs = _tests(project)["test_step_runs"]
    assert runs["verdict"] == "confirming-only", runs
    assert runs["evidence"]["call"] == "step(n=3)", runs
    assert _tests(project)["test_countdown"]["verdict"] == "checks"


def test_past_more_hangs_than_a_run_passes_each_candidate_meets_the_mutant_alone(project: Project) -> None:
    """``step``'s extreme ``return 1`` hangs every test of ``countdown``:
    more than ``HANGS_PASSED``, so the run of every covering test gives up
    before the quiet tests.  Without a verdict on that extreme mutant they
    were not judged ("no per-test verdict").  Each candidate now meets it
    alone; one it hangs in is killed by its timeout, which is no check."""
    asserting = "\n\n".join(
        f"def test_countdown_{n}():\n    assert countdown({n}) == 0\n" for n in range(1, 6)
    )
    project.write(
        {
            "counter.py": COUNTER,
            "test_counter.py": "import time\n\nfrom counter import countdown, step\n\n\n"
            + asserting
            + """

def test_countdown_quiet():
    time.sleep(0.02)
    countdown(3)


def test_step_slow():
    time.sleep(0.05)
    step(3)
""",
        }
    )
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == 0, result.stdout.str()
    extreme = {f["name"]: f for f in project.results()["x-escape"]["functions"]}["step"]["second_extreme"]
    assert (extreme["replacement"], extreme["status"]) == ("return 1", "timeout"), extreme
    assert "test_counter.py::test_step_slow" in extreme["passed_by"], extreme
    hung = {k["test"]: k["by_check"] for k in extreme["kills"]}
    assert hung["test_counter.py::test_countdown_quiet"] is False, extreme
    tests = _tests(project)
    quiet, slow = tests["test_countdown_quiet"], tests["test_step_slow"]
    assert quiet["verdict"] == "confirming-only", quiet
    assert "timeout" in quiet["reason"], quiet
    assert slow["verdict"] == "confirming-only", slow
    assert all(tests[f"test_countdown_{n}"]["verdict"] == "checks" for n in range(1, 6))


def test_what_the_test_holds_at_its_end_is_evidence(project: Project) -> None:
    """``"color" in settings`` runs no Python of the project (a dict's own
    ``in``): the test calls nothing whose result a mutant could change, yet
    the object it holds ends otherwise under a mutant of ``update``.  Read
    when the test ends, and only for a test that asserts nothing: a test
    with a check of its own may have built the object to check something
    else (the constructor rule)."""
    project.write(
        {
            "settings.py": """
                class Settings(dict):
                    def __init__(self, **values):
                        super().__init__()
                        self.update(values)

                    def update(self, values):
                        for key, value in values.items():
                            if not key.startswith("_"):
                                self[key] = value
                """,
            "test_settings.py": """
                from settings import Settings


                def test_settings_hold_values():
                    settings = Settings(color="red")
                    "color" in settings
                    settings["color"] == "red"


                def test_settings_emptied():
                    settings = Settings(color="red")
                    settings.clear()
                    assert settings == {}


                def test_settings_are_a_dict():
                    settings = Settings(color="red")
                    assert isinstance(settings, dict)
                """,
        }
    )
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == 0, result.stdout.str()
    held = _tests(project)["test_settings_hold_values"]
    assert held["verdict"] == "confirming-only", held
    evidence = held["evidence"]
    assert (evidence["call"], evidence["original"], evidence["difference"]) == (
        "settings",
        "{'color': 'red'}",
        "state at the test's end",
    ), evidence
    assert "; it left settings as {'color': 'red'}; under mutant Settings.update #" in held["reason"], held
    emptied = _tests(project)["test_settings_emptied"]
    assert emptied["verdict"] is None and emptied["evidence"] is None, emptied
    # a check of its own: it may have built the object to check something else
    typed = _tests(project)["test_settings_are_a_dict"]
    assert typed["verdict"] is None and typed["evidence"] is None, typed


def test_an_assert_of_the_code_under_test_is_no_check_of_the_test(project: Project) -> None:
    """``assert name != "*"`` in the code, mutated to ``==``, fails a test
    that checks nothing with an AssertionError: the code's own, a crash like
    any other, not the test's check (before, such a test "checked")."""
    project.write(
        {
            "registry.py": """
                def register(name, table):
                    assert name != "*"
                    table[name] = len(table)
                    return table[name]
            """,
            "test_registry.py": """
                from registry import register

                def test_register():
                    table = {}
                    register("a", table)
            """,
        }
    )
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == 0, result.stdout.str()
    (flipped,) = [m for m in project.mutants().values() if 'name == "*"' in m["after"][0]]
    assert flipped["status"] == "killed", flipped
    (kill,) = flipped["kills"]
    assert kill["exception"] == "AssertionError in the code under test" and not kill["by_check"], kill
    test = _tests(project)["test_register"]
    assert test["killed_by_check"] == 0 and test["verdict"] != "checks", test


def test_code_that_runs_only_at_import_is_run_by_running_the_top_level_again(project: Project) -> None:
    """A table its module builds by calling its own function at import is
    read by every test, yet no test executes that function: its mutants
    run with the module's top level run again, and a test that notices
    kills them (before, each had "no test executes line ...")."""
    project.write(
        {
            "plurals.py": """
                RULES = []

                def _rule(word, plural):
                    RULES.insert(0, (word.lower(), plural))

                _rule("Person", "people")
                _rule("child", "children")

                def plural(word):
                    for known, made in RULES:
                        if known == word:
                            return made
                    return word + "s"
            """,
            "test_plurals.py": """
                from plurals import plural

                def test_irregular():
                    assert plural("person") == "people"

                def test_regular():
                    assert plural("cat") == "cats"
            """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0
    rule = [m for m in project.mutants().values() if m["function"] == "_rule"]
    assert rule and all(m["status"] in ("killed", "survived") for m in rule)
    survived = [m for m in rule if m["status"] == "survived"]
    reason = "runs only while plurals is imported: its tests passed"
    assert all(reason in m["status_reason"] for m in survived)
    # word.lower() -> word.upper(): "person" is no longer a rule, and the assert says so
    (lowered,) = [m for m in rule if "word.upper()" in m["after"][0]]
    assert lowered["status"] == "killed"
    assert lowered["killed_by"] == "test_plurals.py::test_irregular"
    assert lowered["kills"][0]["by_check"]
    # its extreme mutants ran the same way: the function is labelled by them
    functions = {f["name"]: f for f in project.results()["x-escape"]["functions"]}
    assert functions["_rule"]["label"] in ("tested", "partially tested"), functions["_rule"]
    assert functions["_rule"]["extreme"]["status"] == "killed"


def test_methods_called_at_import_are_run_by_running_the_top_level_again(project: Project) -> None:
    """``registry = Registry()`` then ``registry.add(...)`` at the top level:
    the methods run only while the module is imported, and the tests read
    what they built.  Their mutants run like an import-time function's
    (before, each had "no test executes line ...")."""
    project.write(
        {
            "registry.py": """
                class Registry:
                    def __init__(self):
                        self.table = {}

                    def add(self, key, value):
                        self.table[self._key(key)] = value

                    def _key(self, key):
                        return key.lower()

                    def lookup(self, key):
                        return self.table.get(key.lower(), key + "s")

                PLURALS = Registry()
                PLURALS.add("Person", "people")

                def plural(word):
                    return PLURALS.lookup(word)
            """,
            "test_registry.py": """
                from registry import plural

                def test_irregular():
                    assert plural("person") == "people"

                def test_regular():
                    assert plural("cat") == "cats"
            """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0, result.stdout.str()
    at_import = [m for m in project.mutants().values() if m["function"] in ("Registry.add", "Registry._key")]
    assert at_import and all(m["status"] in ("killed", "survived") for m in at_import), at_import
    (upper,) = [m for m in at_import if "key.upper()" in m["after"][0]]
    assert upper["status"] == "killed" and upper["killed_by"] == "test_registry.py::test_irregular", upper


def test_tests_that_fail_when_the_top_level_runs_again_are_left_out(project: Project) -> None:
    """A test that holds an object the top level makes anew fails when it
    runs again without any mutant: it is no evidence against one, and a
    mutant left with no other test is said to be so, not killed."""
    project.write(
        {
            "registry.py": """
                HANDLERS = {}

                def _add(name):
                    HANDLERS[name] = name.upper()

                _add("a")

                def get(name):
                    return HANDLERS[name]
            """,
            "test_registry.py": """
                import registry
                from registry import HANDLERS

                def test_same_table():
                    assert HANDLERS is registry.HANDLERS and registry.get("a") == "A"
            """,
        }
    )
    _none_run(project, "_add", "its module's tests fail when registry's top level runs again without it")


def _none_run(project: Project, function: str, reason: str) -> None:
    """The run measures nothing (exit 11): each of ``function``'s mutants
    has no coverage, with ``reason``."""
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 11  # nothing measured: no score
    mutants = [m for m in project.mutants().values() if m["function"] == function]
    assert mutants
    for mutant in mutants:
        assert (mutant["status"], mutant["status_reason"]) == ("no coverage", reason)


def test_a_top_level_that_cannot_run_twice_runs_no_mutant(project: Project) -> None:
    """A registration that refuses a second one raises when the top level
    runs again, mutant or not: no mutant is killed by that, each says why
    it was not run."""
    project.write(
        {
            "once.py": """
                import sys

                TABLE = {}

                def _register(name):
                    if hasattr(sys, "_registered_" + name):
                        raise RuntimeError("registered twice")
                    setattr(sys, "_registered_" + name, True)
                    TABLE[name] = name.upper()

                _register("a")

                def get(name):
                    return TABLE[name]
            """,
            "test_once.py": """
                from once import get

                def test_get():
                    assert get("a") == "A"
            """,
        }
    )
    _none_run(
        project,
        "_register",
        "once's top level raises RuntimeError('registered twice') when it runs again "
        "without a mutant: its mutants are not run",
    )


def test_a_change_left_in_an_argument_the_test_cannot_reach_is_no_evidence(project: Project) -> None:
    """``load(io.BytesIO(b"x")) is None`` checks the result precisely; a
    mutant that returns None without reading leaves the stream elsewhere,
    but the stream was made in the call's own expression and is gone after
    it.  A serializer's precise tests were flagged on that alone.  The same
    stream in a variable of the test is evidence: the test could look."""
    project.write(
        {
            "loader.py": """
                def load(f):
                    data = f.read()
                    if not data.isdigit():
                        return None
                    return int(data)
                """,
            "test_loader.py": """
                import io

                from loader import load


                def test_inline():
                    assert load(io.BytesIO(b"x")) is None


                def test_held():
                    f = io.BytesIO(b"x")
                    assert load(f) is None


                def test_number():
                    assert load(io.BytesIO(b"12")) == 12
                """,
        }
    )
    result = project.run("--escape-witness-budget", "0")
    assert result.ret == 0, result.stdout.str()
    tests = _tests(project)
    assert tests["test_inline"]["verdict"] is None and tests["test_inline"]["evidence"] is None, tests
    assert tests["test_held"]["verdict"] == "confirming-only", tests["test_held"]
    assert "leaves f as" in tests["test_held"]["evidence"]["original"], tests["test_held"]
