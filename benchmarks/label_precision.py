"""Precision of a verdict against the hand labels in benchmarks/labels/.

    python benchmarks/label_precision.py benchmarks/labels/likely_equivalent.tsv
    python benchmarks/label_precision.py benchmarks/labels/likely_equivalent.tsv OUT.json [OUT.json ...]

With no report, every label counts (each was given to a verdict some run
made).  With reports, only the mutants those reports still call "likely
equivalent" count, by their label; those without one are listed, to be
labelled, and those labelled but no longer so called are counted apart
(a mutant now witnessed has left the verdict, and its label with it).
"""

from __future__ import annotations

import collections
import json
import sys


def read_labels(path: str) -> dict[str, str]:
    """Mutant id -> label (equivalent / not / unsure); the latest line wins."""
    labels: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            labels[fields[2]] = fields[3]
    return labels


def precision(counts: collections.Counter[str]) -> str:
    decided = counts["equivalent"] + counts["not"]
    share = f"{100 * counts['equivalent'] / decided:.0f} %" if decided else "n/a"
    return (
        f"{counts['equivalent']} equivalent, {counts['not']} not, {counts['unsure']} unsure: "
        f"precision {counts['equivalent']} of {decided} decided ({share})"
    )


def main(argv: list[str]) -> None:
    labels = read_labels(argv[0])
    if len(argv) == 1:
        print(f"all labels: {precision(collections.Counter(labels.values()))}")
        return
    counts: collections.Counter[str] = collections.Counter()
    unlabelled: list[str] = []
    left = 0
    for path in argv[1:]:
        with open(path, encoding="utf-8") as handle:
            mutants = json.load(handle)["x-escape"]["mutants"]
        called = {m["id"] for m in mutants if (m.get("witness") or {}).get("verdict") == "likely equivalent"}
        present = {m["id"] for m in mutants}
        for mutant in sorted(called):
            if mutant in labels:
                counts[labels[mutant]] += 1
            else:
                unlabelled.append(mutant)
        left += sum(1 for mutant in labels if mutant in present and mutant not in called)
    print(f"verdicts in these reports: {precision(counts)}")
    print(f"labelled mutants in these reports no longer called likely equivalent: {left}")
    for mutant in unlabelled:
        print(f"  not labelled yet: {mutant}")


if __name__ == "__main__":
    main(sys.argv[1:])
