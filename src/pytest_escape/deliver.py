"""The run's last stage: regression-test files, report files, the baseline, the gate.

Reads a finished ``Results`` and writes files; it changes no result.  The
gate's wording is ``gate.decide``, which ``pytest-escape report --gate``
calls too, so both say the same about the same results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Settings
from .gate import EscapeExit, Ratchet, decide
from .model import Results
from .report import full_report_paths, shown_path, write_regression_tests, write_report, wrote_line
from .wording import plural


@dataclass
class Delivery:
    exit: EscapeExit = EscapeExit.OK
    #: why the run failed, shown in red after the report
    messages: list[str] = field(default_factory=list)
    #: shown after the report, not as errors
    notes: list[str] = field(default_factory=list)


def deliver(
    results: Results,
    settings: Settings,
    ratchet: Ratchet | None,
    *,
    skipped_tests: int = 0,
    cached: bool = False,
) -> Delivery:
    """Write what ``settings`` asks for, then gate.

    ``ratchet``: the saved baseline read at the start (None without one);
    ``skipped_tests``: every test of the run was skipped, this many;
    ``cached``: the verdicts are in the cache, so a rerun after a failed write is quick.
    """
    done = Delivery()
    if settings.write_tests is not None:
        try:
            count, unformatted = write_regression_tests(results, settings.write_tests)
        except OSError as e:
            done.messages.append(f"escape: cannot write {settings.write_tests}: {e.strerror}")
            done.exit = EscapeExit.USAGE_ERROR
            return done
        done.notes.append(
            f"escape: wrote {plural(count, 'verified regression test')} to {shown_path(settings.write_tests)}"
            + (f"; its long lines are as written, not wrapped: {unformatted}" if unformatted else "")
        )
    files = [(r.format, r.path, r.append) for r in settings.reports if r.path is not None]
    if settings.baseline_update and settings.baseline is not None:
        # the run is the new baseline, so it is judged against itself: only new-code rules can fail
        ratchet = Ratchet(results, settings.baseline, settings.baseline_tolerance)
        if results.tally().score is None:
            done.notes.append(f"escape: {settings.baseline} not written: no mutant was measured")
        else:
            files.append(("json", settings.baseline, False))
    unwritten = []
    full = full_report_paths((fmt, path) for fmt, path, _ in files)
    for fmt, path, append in files:
        try:
            write_report(results, fmt, path, append, ratchet=ratchet, full_reports=full)
        except OSError as e:
            # the other files are still written: one full disk or bad path loses one report
            unwritten.append(f"escape: cannot write {path}: {e.strerror or e}")
            continue
        if path == settings.baseline and settings.baseline_update:
            done.notes.append(f"escape: wrote the new baseline to {shown_path(path)}")
        else:
            done.notes.append(f"escape: {wrote_line(fmt, path, append)}")
    if unwritten:
        quick = ", and the cached verdicts make the rerun quick" if cached else ""
        done.messages.extend(unwritten)
        done.messages.append(
            "escape: free the space or fix the path and run again "
            f"(the terminal report above is complete{quick})"
        )
        done.exit = EscapeExit.USAGE_ERROR
        return done
    verdict = decide(results, ratchet, skipped_tests)
    if verdict.message:
        (done.notes if verdict.note else done.messages).append(verdict.message)
    done.exit = verdict.exit
    return done
