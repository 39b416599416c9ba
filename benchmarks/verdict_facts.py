"""What one JSON report says about issue 20's second part.

    python benchmarks/verdict_facts.py OUT.json

Functions with a second extreme mutant, and those pseudo-tested under the
first alone; idempotence checked by behaviour, and its violations;
witnesses, those with a regression test, and those outside the tests'
domain; searches that failed.
"""

from __future__ import annotations

import collections
import json
import sys
from typing import Any


def facts(report: dict[str, Any]) -> list[str]:
    model = report["x-escape"]
    functions = model["functions"]
    two = [f for f in functions if f.get("second_extreme")]
    one_only = [
        f["name"]
        for f in two
        if f["extreme"] and f["extreme"]["status"] == "survived" and f["second_extreme"]["status"] == "killed"
    ]
    behaviour = [
        p
        for p in model["properties"]
        if p["property"] == "idempotence" and "by what it does" in (p["reason"] or "")
    ]
    found = [m["witness"] for m in model["mutants"] if m.get("witness")]
    witnessed = [w for w in found if w["verdict"] == "witnessed"]
    failed = [w for w in found if "the search itself failed" in (w["reason"] or "")]
    lines = [
        f"functions {len(functions)}; with a second extreme {len(two)}; "
        f"pseudo-tested {sum(f['label'] == 'pseudo-tested' for f in functions)}; "
        f"pseudo-tested under the first extreme alone {len(one_only)} {one_only[:8]}",
        f"idempotence by behaviour: {len(behaviour)} checked, "
        f"{dict(collections.Counter(p['outcome'] for p in behaviour))}",
        f"survivors searched {len(found)}: {dict(collections.Counter(w['verdict'] for w in found))}",
        f"witnessed {len(witnessed)}: {sum(1 for w in witnessed if w.get('test'))} with a verified test, "
        f"{sum(1 for w in witnessed if w.get('outside'))} outside the tests' domain; "
        f"search failed {len(failed)}",
    ]
    dropped = collections.Counter((w.get("test_dropped") or "")[:90] for w in witnessed if not w.get("test"))
    lines += [f"  no test x{count}: {why}" for why, count in dropped.most_common(6)]
    return lines


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print("\n".join(facts(json.load(handle))))
