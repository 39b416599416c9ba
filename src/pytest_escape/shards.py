"""Sharded runs: split the target functions over N machines, merge their results.

``pytest --escape --escape-shard K/N`` runs only the functions ``assign``
gives to shard K; ``pytest-escape merge`` puts the N results files back
together and recomputes what depends on all of them (function labels,
per-test verdicts) from the union.
"""

from __future__ import annotations

import copy
import hashlib
import heapq
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .model import LeftOut, Results, Shard, SmellInfo, TestInfo
from .oracle.verdicts import reassess, unmapped_tests_warning

#: an option one shard has and another lacks differs even when its value is None
_ABSENT = object()


def assign(costs: Mapping[str, float], count: int) -> dict[str, int]:
    """Units (function qualnames) -> shard indexes 1..count, balancing the total cost.

    Longest-processing-time greedy: the costliest unit first, each to the
    least-loaded shard; ties broken by name and by the lowest index, so the
    partition depends on nothing but ``costs``.  Every shard computes it on
    its own, so the costs must be machine-independent: the caller passes
    counts of mutant-test pairs, not measured durations, which differ from
    machine to machine and would make shards pick different partitions,
    running some functions twice and others never.
    """
    if count < 1:
        raise ValueError(f"a run splits into 1 or more shards, not {count}")
    loads = [(0.0, index) for index in range(1, count + 1)]
    shards = {}
    for unit in sorted(costs, key=lambda u: (-costs[u], u)):
        load, index = heapq.heappop(loads)
        shards[unit] = index
        heapq.heappush(loads, (load + costs[unit], index))
    return shards


def plan_hash(mutant_ids: Iterable[str]) -> str:
    """What the unsharded run would run: equal for the shards of one run."""
    text = "\n".join(sorted(mutant_ids))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def revision(files: Iterable[tuple[str, Path]]) -> str:
    """What the verdicts are about: every target and test file, by relative path and text.

    Relative paths, so shards checked out in different directories agree.
    """
    digest = hashlib.sha256()
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


class MergeError(Exception):
    """The files are not the shards of one run; the message is one line."""


def merge(parts: Sequence[Results], names: Sequence[str] | None = None) -> Results:
    """One ``Results`` from the shards of one run, as the unsharded run would give.

    ``names`` (the files, for messages) default to "part 1", "part 2"...
    The parts are not changed.
    """
    if not parts:
        raise MergeError("no results to merge; give the results files of every shard")
    names = list(names) if names is not None else [f"part {i}" for i in range(1, len(parts) + 1)]
    _check(parts, names)
    ordered = [copy.deepcopy(p) for p in sorted(parts, key=lambda p: p.shard.index if p.shard else 0)]
    first = ordered[0]
    files = {f.path: i for i, f in enumerate(first.files)}
    functions = [f for p in ordered for f in p.functions]
    # the unsharded run's order (file, then source line), whatever order the files were given in
    functions.sort(key=lambda f: (files.get(f.file, len(files)), f.line))
    rank = {(f.module, f.name): i for i, f in enumerate(functions)}
    mutants = [m for p in ordered for m in p.mutants]
    mutants.sort(key=lambda m: rank.get((m.module, m.function), len(rank)))
    # a shard checks the properties of its own functions
    properties = [r for p in ordered for r in p.properties]
    properties.sort(key=lambda r: rank.get((r.module, r.function), len(rank)))
    timings: dict[str, float] = {}
    for part in ordered:
        for key, seconds in part.timings.items():
            timings[key] = max(timings.get(key, seconds), seconds)
    excluded: dict[str, str] = {}
    for part in ordered:
        for test_id, why in part.excluded_tests.items():
            excluded.setdefault(test_id, why)
    merged = Results(
        project_root=first.project_root,
        tool_version=first.tool_version,
        mutmut_version=first.mutmut_version,
        files=first.files,
        mutants=mutants,
        tests=_tests(ordered),
        functions=functions,
        properties=properties,
        excluded_tests=excluded,
        warnings=list(dict.fromkeys(w for p in ordered for w in p.warnings)),
        # what a run leaves out does not depend on the shard: every part names the same
        left_out=list(
            {(x.kind, x.path, x.function, x.line): x for p in ordered for x in p.left_out}.values()
        ),
        fail_under=first.fail_under,
        fail_on=first.fail_on,
        matrix=first.matrix,
        thresholds=first.thresholds,
        gate_sources=first.gate_sources,
        revision=first.revision,
        options=first.options,
        shard=None,
        since=first.since,
        executed=sum(p.executed for p in ordered),
        from_cache=sum(p.from_cache for p in ordered),
        duration=max(p.duration for p in ordered),
        timings=timings,
    )
    # each shard judged its tests on its own mutants only
    reassess(merged)
    if (unmapped := unmapped_tests_warning(merged)) is not None:
        merged.warnings.append(unmapped)
    return merged


def _left_out(parts: Sequence[Results]) -> list[LeftOut]:
    """What the run left out, once (every shard names the same)."""
    return list({(x.kind, x.path, x.function, x.line): x for p in parts for x in p.left_out}.values())


def _check(parts: Sequence[Results], names: Sequence[str]) -> None:
    shards: list[Shard] = []
    for name, part in zip(names, parts, strict=True):
        if part.shard is None:
            raise MergeError(f"{name} is not a shard (not run with --escape-shard); merge only shard files")
        shards.append(part.shard)
    base, base_name, first = parts[0], names[0], shards[0]
    for name, part, shard in zip(names[1:], parts[1:], shards[1:], strict=True):
        pair = f"{base_name} and {name}"
        if part.tool_version != base.tool_version:
            raise MergeError(
                f"{pair} were written by pytest-escape {base.tool_version} and {part.tool_version}; "
                "rerun all shards with one version"
            )
        if part.revision != base.revision:
            raise MergeError(
                f"{pair} are shards of different source revisions ({base.revision or '?'} and "
                f"{part.revision or '?'}); rerun all shards on one commit"
            )
        if part.options != base.options:
            keys = sorted(
                k
                for k in base.options.keys() | part.options.keys()
                if base.options.get(k, _ABSENT) != part.options.get(k, _ABSENT)
            )
            raise MergeError(
                f"{pair} were run with different options ({', '.join(keys)}); "
                "rerun all shards with the same options"
            )
        if shard.count != first.count:
            raise MergeError(
                f"{pair} split the run differently ({first.count} and {shard.count} shards); "
                "rerun all shards with one N in --escape-shard K/N"
            )
        if shard.plan != first.plan:
            raise MergeError(
                f"{pair} planned different mutants (other targets or settings); "
                "rerun all shards with the same command"
            )
    seen: dict[int, str] = {}
    owner: dict[str, str] = {}
    for name, part, shard in zip(names, parts, shards, strict=True):
        if shard.index in seen:
            raise MergeError(
                f"{seen[shard.index]} and {name} are both shard {shard.index}/{shard.count}; "
                "give each shard once"
            )
        seen[shard.index] = name
        for function in part.functions:
            other = owner.setdefault(function.qualname, name)
            if other != name:
                raise MergeError(
                    f"{other} and {name} both ran {function.qualname}; the shards were planned differently"
                )
    count = first.count
    missing = [str(i) for i in range(1, count + 1) if i not in seen]
    if missing:
        raise MergeError(
            f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} of {count} "
            f"{'are' if len(missing) > 1 else 'is'} missing; merge the results of all {count} shards"
        )
    ran = [m.id for part in parts for m in part.all_mutants()]
    if plan_hash(ran) != first.plan:
        # each shard splits the run from its own coverage: flaky coverage can split it differently
        raise MergeError(
            f"the {count} shards together do not hold the mutants they planned ({len(ran)} found): "
            "they split the run differently (different coverage?); rerun all shards on one machine image"
        )


def _tests(parts: Sequence[Results]) -> list[TestInfo]:
    """Every part's tests, once each; smells found in any part are kept, and
    the evidence that a test only confirms from whichever part found it (each
    shard replays a test's calls on its own mutants only)."""
    tests: dict[str, TestInfo] = {}
    for part in parts:
        for test in part.tests:
            kept = tests.setdefault(test.id, test)
            if kept is not test:
                known = {(s.tag, s.line) for s in kept.smells}
                kept.smells.extend(_new(test.smells, known))
                kept.evidence = kept.evidence or test.evidence
    return list(tests.values())


def _new(smells: Iterable[SmellInfo], known: set[tuple[str, int]]) -> Iterable[SmellInfo]:
    for smell in smells:
        if (smell.tag, smell.line) not in known:
            known.add((smell.tag, smell.line))
            yield smell
