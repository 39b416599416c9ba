"""JSON in Stryker's mutation-testing-report-schema (schemaVersion "2").

Our own data rides along in extra keys, which the schema allows: each mutant
gets ``x-escape`` (module, function, diff lines) and the document gets
``x-escape`` with the whole results model minus the sources (already in
``files``), so every other format can be rebuilt from this file alone.
Reading it back is ``results_io``'s job: the gate, the ratchet and shard
merging read results without depending on any report.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..model import ERROR, KILLED, NO_COVERAGE, SURVIVED, TIMEOUT, MutantResult, Results
from .describe import HIGH, LOW, witness_sentence
from .files import write_atomic

STRYKER_STATUS = {
    KILLED: "Killed",
    SURVIVED: "Survived",
    TIMEOUT: "Timeout",
    NO_COVERAGE: "NoCoverage",
    ERROR: "RuntimeError",
}
THRESHOLDS = {"high": int(HIGH), "low": int(LOW)}


def _mutant(m: MutantResult, ids: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": m.id,
        "mutatorName": m.operator,
        "replacement": m.replacement,
        "location": {
            "start": {"line": m.line, "column": m.column + 1},
            "end": {"line": m.end_line, "column": m.end_column + 1},
        },
        "status": STRYKER_STATUS[m.status],
        "coveredBy": [ids.get(t, t) for t in m.covered_by],
        "duration": round(m.duration * 1000, 1),
        "x-escape": {"module": m.module, "function": m.function, "before": m.before, "after": m.after},
    }
    if m.killed_by:
        entry["killedBy"] = [ids.get(t, t) for t in [k.test for k in m.kills] or [m.killed_by]]
    if m.status_reason:
        entry["statusReason"] = m.status_reason
    if m.witness is not None:
        entry["x-escape"]["witness"] = dataclasses.asdict(m.witness)
        if not m.status_reason:
            entry["statusReason"] = witness_sentence(m.witness)
    return entry


def to_stryker(results: Results) -> dict[str, Any]:
    """Stryker's document.  A test's ``id`` is its place in ``results.tests``
    and its ``name`` its pytest node id; ``coveredBy`` and ``killedBy`` name
    tests by ``id``, as Stryker's own reports do.  Each mutant lists every
    test that covers it, and a node id in each place made a 242 MB report
    on wcwidth (``Results.to_dict`` says more).  A test missing from
    ``results.tests`` is named by its node id."""
    files: dict[str, Any] = {
        f.path: {"language": "python", "source": f.source, "mutants": []} for f in results.files
    }
    ids = {t.id: str(i) for i, t in enumerate(results.tests)}
    for m in results.mutants:
        files[m.file]["mutants"].append(_mutant(m, ids))
    for f in results.functions:
        # each file's functions with their labels, beside its mutants
        labels = files[f.file].setdefault("x-escape", {"functions": []})["functions"]
        labels.append({"name": f.name, "line": f.line, "label": f.label, "reason": f.reason})
    test_files: dict[str, Any] = {}
    for t in results.tests:
        test_files.setdefault(t.file, {"tests": []})["tests"].append(
            {
                "id": ids[t.id],
                "name": t.id,
                "x-escape": {
                    "verdict": t.verdict,
                    "reason": t.reason,
                    "mutantsRun": t.mutants_run,
                    "mutantsKilled": t.mutants_killed,
                    "killedByCheck": t.killed_by_check,
                    "smells": [dataclasses.asdict(s) for s in t.smells],
                },
            }
        )
    model = results.to_dict()
    for f in model["files"]:
        f.pop("source")
    thresholds = dict(THRESHOLDS)
    if results.fail_under is not None:
        thresholds["low"] = int(results.fail_under)
        thresholds["high"] = max(thresholds["high"], thresholds["low"])
    return {
        "schemaVersion": "2",
        "thresholds": thresholds,
        "projectRoot": results.project_root,
        "files": files,
        "testFiles": test_files,
        "framework": {"name": "pytest-escape", "version": results.tool_version},
        "x-escape": model,
    }


def write_json(results: Results, path: Path) -> None:
    # In pieces, as the encoder makes them: with an indent, ``json.dumps``
    # keeps every piece until it joins them, which doubled the main process's
    # memory at the end of a run on wcwidth for a 35 MB report.
    write_atomic(path, json.JSONEncoder(indent=1).iterencode(to_stryker(results)))
