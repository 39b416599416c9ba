"""The ``pytest-escape`` command: work on saved results without rerunning.

``pytest-escape report RESULTS.json --format html:DIR`` rebuilds any report
from the JSON one (it carries the whole results model); ``--gate`` applies
the gate recorded in it (fail_under, thresholds, fail_on), optionally against
a baseline, and exits with the same codes as ``pytest --escape``.

``pytest-escape merge A.json B.json ... -o MERGED.json`` puts the JSON
reports of the shards of one run (``pytest --escape --escape-shard K/N``)
back together: one results file, with function labels and test verdicts
recomputed over all the shards' mutants, that ``report`` works on as on an
unsharded run's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .config import SettingsError, parse_report, parse_tolerance
from .gate import EscapeExit, Ratchet, decide, exit_line, passed_line
from .report import full_report_paths, render_terminal, write_report, wrote_line
from .results_io import NotAResultsFile, read_json
from .shards import MergeError, merge
from .wording import plural


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits with our documented code (4), not 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(int(EscapeExit.USAGE_ERROR), f"pytest-escape: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pytest-escape",
        description="Work on pytest-escape's saved results. The run itself is pytest --escape.",
    )
    parser.add_argument("--version", action="version", version=f"pytest-escape {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    report = commands.add_parser(
        "report",
        help="rebuild reports from a saved JSON report",
        description="Rebuild reports from a JSON report written by pytest --escape.",
    )
    report.add_argument("results", type=Path, metavar="RESULTS.json")
    report.add_argument(
        "--format",
        action="append",
        metavar="FORMAT[:PATH]",
        help="term (default), json, html[:DIR], sarif, md, junit, each with an optional path; repeatable",
    )
    report.add_argument(
        "--gate",
        action="store_true",
        help="exit with the gate's code for these results (as pytest --escape would)",
    )
    report.add_argument("--baseline", type=Path, metavar="FILE", help="with --gate: compare with this")
    report.add_argument("--baseline-tolerance", default="0", metavar="POINTS")
    report.add_argument("-v", "--verbose", action="count", default=0, help="more detail in the term report")
    report.add_argument("-q", "--quiet", action="count", default=0, help="less detail in the term report")
    merging = commands.add_parser(
        "merge",
        help="merge the JSON reports of the shards of one run",
        description="Merge the JSON reports of pytest --escape --escape-shard K/N runs into one.",
    )
    merging.add_argument("shards", type=Path, nargs="+", metavar="SHARD.json")
    merging.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="MERGED.json",
        help="where to write the merged JSON",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # a bare command asks what this is: the help, not an argparse error
        parser.print_help()
        return int(EscapeExit.OK)
    try:
        return _merge(args) if args.command == "merge" else _report(args)
    except (SettingsError, NotAResultsFile, MergeError) as e:
        print(f"pytest-escape: error: {e}", file=sys.stderr)
        return int(EscapeExit.USAGE_ERROR)


def _report(args: argparse.Namespace) -> int:
    requests = [parse_report(f, "--format", Path.cwd()) for f in args.format or ["term"]]
    ratchet = None
    if args.baseline is not None:
        if not args.gate:
            raise SettingsError("--baseline only means something with --gate")
        tolerance = parse_tolerance(args.baseline_tolerance, "--baseline-tolerance")
        ratchet = Ratchet(read_json(args.baseline), args.baseline, tolerance)
    results = read_json(args.results)
    full = full_report_paths((r.format, r.path) for r in requests) or [str(args.results)]
    for request in requests:
        if request.path is None:
            print("\n".join(render_terminal(results, args.verbose - args.quiet)))
            continue
        try:
            write_report(
                results, request.format, request.path, request.append, ratchet=ratchet, full_reports=full
            )
        except OSError as e:
            raise SettingsError(f"cannot write {request.path}: {e.strerror}") from None
        print(f"pytest-escape: {wrote_line(request.format, request.path, request.append)}", file=sys.stderr)
    if not args.gate:
        return int(EscapeExit.OK)
    verdict = decide(results, ratchet)
    if verdict.message:
        print(verdict.message, file=sys.stderr)
    if verdict.exit != EscapeExit.OK:
        print(exit_line(verdict.exit), file=sys.stderr)
    elif not verdict.note:
        print(passed_line(results, ratchet), file=sys.stderr)
    return int(verdict.exit)


def _merge(args: argparse.Namespace) -> int:
    parts = [read_json(path) for path in args.shards]
    results = merge(parts, [str(path) for path in args.shards])
    try:
        write_report(results, "json", args.output)
    except OSError as e:
        raise SettingsError(f"cannot write {args.output}: {e.strerror}") from None
    print(
        f"pytest-escape: merged {plural(len(parts), 'shard')} ({plural(len(results.mutants), 'mutant')}) "
        f"into {args.output}",
        file=sys.stderr,
    )
    return int(EscapeExit.OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
