"""The incremental cache: each mutant's outcome, stored the moment it is known,
and each function's property results, stored when its checks are done.

One SQLite database (stdlib ``sqlite3``) under pytest's cache directory, in
WAL mode and committed after every outcome, so a run killed at any moment
(SIGKILL included) loses at most the mutants that were still running.  Rows
are keyed by ``cache_keys``: a row is used only if nothing its outcome
depends on has changed, so the cache never needs invalidating by hand.

An outcome is stored in two stages.  ``verdict``: the mutant ran and its
status is known, but the run has not finished (later stages may still add
second-chance kills and the witness); a resumed run hands it to the worker
as known, which skips running it and does the rest.  ``complete``: the run
finished with it; a later run uses it as it is.

A database that is not ours, is damaged, or has another schema version is
moved aside with a warning and a new one started: a cache is never trusted
past a doubt.  Errors while writing turn the cache off for the rest of the
run, with a warning; they never cost the run its results.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .execution.protocol import MutantJob, PropertyCheck, PropertyChecked, Verdict, decode, to_json
from .model import PROVEN_EQUIVALENT, SURVIVED, WITNESSED, PropertyResult, Witness, witness_from_dict
from .nodeids import Renamer

SCHEMA_VERSION = 1
#: ``PRAGMA application_id``: "ESCP", so a foreign SQLite file is told apart
APPLICATION_ID = 0x45534350
VERDICT = "verdict"
COMPLETE = "complete"
FILENAME = "outcomes.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outcomes (
    key TEXT PRIMARY KEY,
    mutant TEXT NOT NULL,
    stage TEXT NOT NULL,
    witness_options TEXT NOT NULL,
    outcome TEXT NOT NULL,
    stored REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS excluded (key TEXT PRIMARY KEY, test TEXT NOT NULL, reason TEXT NOT NULL);
"""
#: added after version 1 without a new version (older tools leave it alone):
#: a cache made before has it only once a run stores property results
_PROPERTIES = """
CREATE TABLE IF NOT EXISTS properties (key TEXT PRIMARY KEY, results TEXT NOT NULL, stored REAL NOT NULL);
"""


#: the same for the proof that a test only confirms: a call it made whose
#: result one of its mutants changed, valid while the test and that mutant are
_EVIDENCE = """
CREATE TABLE IF NOT EXISTS evidence (key TEXT PRIMARY KEY, mutant_key TEXT NOT NULL, evidence TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Stored:
    stage: str
    #: the options of the witness search that produced ``outcome["witness"]``
    witness_options: str
    outcome: dict[str, Any]


class CacheError(Exception):
    """The database cannot be used; the message says why, in one line."""


class OutcomeStore:
    """The cache of one project; ``warnings`` collects what the user should hear."""

    def __init__(self, directory: Path, clear: bool = False) -> None:
        self.path = directory / FILENAME
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None
        directory.mkdir(parents=True, exist_ok=True)
        if clear:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        try:
            self._db = self._open()
        except CacheError as e:
            aside = self._move_aside()
            self.warnings.append(
                f"escape: the cache {self.path} {e}; moved it to {aside.name} and started anew"
            )
            try:
                self._db = self._open()
            except CacheError as again:
                self.warnings.append(f"escape: cache turned off for this run: {self.path} {again}")

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def _open(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = None
        try:
            # a second run at once waits for the other's write rather than failing
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            # look before writing anything: a file that is not ours is left as it was
            application_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables or application_id != 0:
                if application_id != APPLICATION_ID:
                    raise CacheError("is not a pytest-escape cache")
                row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                if row is None or row[0] != str(SCHEMA_VERSION):
                    raise CacheError(f"has schema version {row[0] if row else None}, not {SCHEMA_VERSION}")
                if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise CacheError("is damaged (quick_check failed)")
            db.execute("PRAGMA journal_mode=WAL")
            # durable across a process kill; only a power cut may lose the last rows
            db.execute("PRAGMA synchronous=NORMAL")
            if not tables:
                # one transaction, idempotent: another run creating it at the same moment is fine
                db.executescript(
                    f"BEGIN IMMEDIATE; {_SCHEMA} {_PROPERTIES} PRAGMA application_id={APPLICATION_ID}; "
                    f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;"
                )
            return db
        except sqlite3.Error as e:
            if db is not None:
                db.close()
            raise CacheError(f"cannot be read ({e})") from None
        except CacheError:
            if db is not None:
                db.close()
            raise

    def _move_aside(self) -> Path:
        aside = self.path.with_name(f"{FILENAME}.broken-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            try:
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            except FileNotFoundError:
                continue
        return aside

    def _write(self, sql: str, rows: Iterable[tuple[Any, ...]], before: str = "") -> None:
        if self._db is None:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            if before:
                self._db.execute(before)
            self._db.executemany(sql, rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as e:
            self.warnings.append(
                f"escape: cache turned off for the rest of this run: cannot write {self.path} ({e})"
            )
            self.close()

    def _select(self, columns: str, table: str, keys: Iterable[str]) -> list[tuple[Any, ...]]:
        if self._db is None:
            return []
        wanted = list(keys)
        rows: list[tuple[Any, ...]] = []
        try:
            for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(f"SELECT {columns} FROM {table} WHERE key IN ({marks})", chunk)
        except sqlite3.Error as e:
            self.warnings.append(f"escape: cache not used: cannot read {self.path} ({e})")
            self.close()
            return []
        return rows

    def get(self, keys: Iterable[str]) -> dict[str, Stored]:
        found: dict[str, Stored] = {}
        for key, stage, options, outcome in self._select(
            "key, stage, witness_options, outcome", "outcomes", keys
        ):
            try:
                found[key] = Stored(stage, options, json.loads(outcome))
            except ValueError:
                continue  # a row we cannot read is a row we do not have
        return found

    def put(self, items: Iterable[tuple[str, str, str, str, dict[str, Any]]]) -> None:
        """Store (key, mutant id, stage, witness options, outcome) rows, replacing older ones."""
        now = time.time()
        self._write(
            "INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?)",
            (
                (key, mutant, stage, options, json.dumps(outcome), now)
                for key, mutant, stage, options, outcome in items
            ),
        )

    def excluded(self, keys: Iterable[str]) -> dict[str, str]:
        """Test key -> reason, for the tests a finished run excluded (it failed alone)."""
        return {key: reason for key, reason in self._select("key, reason", "excluded", keys)}

    def forget(self, keys: Iterable[str]) -> None:
        self._write("DELETE FROM outcomes WHERE key = ?", ((key,) for key in keys))

    def put_excluded(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self._write("INSERT OR REPLACE INTO excluded VALUES (?, ?, ?)", rows)

    def property_results(self, keys: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Key -> one function's property results, stored by a run that checked it."""
        found: dict[str, list[dict[str, Any]]] = {}
        if not self._has_table("properties"):
            return found
        for key, results in self._select("key, results", "properties", keys):
            try:
                found[key] = json.loads(results)
            except ValueError:
                continue
        return found

    def put_property_results(self, rows: Iterable[tuple[str, list[dict[str, Any]]]]) -> None:
        now = time.time()
        self._write(
            "INSERT OR REPLACE INTO properties VALUES (?, ?, ?)",
            ((key, json.dumps(results), now) for key, results in rows),
            before=_PROPERTIES,
        )

    def evidence(self, keys: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Test key -> (the mutant's key, the evidence), stored by a run that found it."""
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        if not self._has_table("evidence"):
            return found
        for key, mutant_key, evidence in self._select("key, mutant_key, evidence", "evidence", keys):
            try:
                found[key] = (mutant_key, json.loads(evidence))
            except ValueError:
                continue
        return found

    def put_evidence(self, rows: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """(test key, the key of the mutant the evidence is about, the evidence)."""
        self._write(
            "INSERT OR REPLACE INTO evidence VALUES (?, ?, ?)",
            ((key, mutant_key, json.dumps(found)) for key, mutant_key, found in rows),
            before=_EVIDENCE,
        )

    def _has_table(self, name: str) -> bool:
        if self._db is None:
            return False
        try:
            query = "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?"
            return self._db.execute(query, (name,)).fetchone() is not None
        except sqlite3.Error:
            return False

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None


class RunCache:
    """One run's use of the store: which jobs the cache spares, and every outcome
    stored as it lands.  Without a store it only keeps the run's outcomes.

    ``keys`` maps each mutant id that runs against tests to its cache key;
    ``witness_options`` names the witness search's settings; ``searching``
    says whether this run searches witnesses at all.

    A stored outcome is a ``Verdict`` as JSON, with the survivor's witness and
    the identity of every test it names (rows keep this layout across versions
    of the protocol, so a cache outlives an upgrade that did not change it).
    """

    def __init__(
        self,
        store: OutcomeStore | None,
        keys: dict[str, str],
        witness_options: str,
        searching: bool,
        identities: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self.keys = keys
        self.witness_options = witness_options
        self.searching = searching
        #: this run's nodeid -> the test's identity in any run (``nodeids.identity``)
        self.identities = identities or {}
        self._rename = Renamer(self.identities)
        #: mutant id -> its latest verdict, and the witness search's finding on it
        self.outcomes: dict[str, Verdict] = {}
        self.witnesses: dict[str, Witness] = {}

    def reuse(self, jobs: list[MutantJob]) -> list[MutantJob]:
        """The jobs the worker must run.  Cached outcomes go into ``outcomes``; a
        verdict from an unfinished run goes to the worker as ``known`` (it skips
        the mutant's own run and does the rest)."""
        if self.store is None:
            return jobs
        stored = self.store.get(self.keys[job.id] for job in jobs)
        to_run = []
        for job in jobs:
            hit = stored.get(self.keys[job.id])
            found = self._in_this_run(hit.outcome) if hit is not None else None
            if hit is None or found is None:
                to_run.append(job)
                continue
            verdict, witness = found
            self.outcomes[job.id] = verdict
            if witness is not None:
                self.witnesses[job.id] = witness
            if hit.stage == COMPLETE and not self._search_again(job, verdict, witness, hit.witness_options):
                continue
            to_run.append(dataclasses.replace(job, known=verdict))
        return to_run

    def _in_this_run(self, outcome: dict[str, Any]) -> tuple[Verdict, Witness | None] | None:
        """A stored outcome with its tests named by this run's nodeids, or None
        if one of them is not found: the ids of parametrized cases can differ
        from run to run, and a stale one would name another case, or none."""
        # rows written before identities were stored have none: a miss, run again
        stored = outcome.get("identities", {})
        try:
            verdict = decode(Verdict, {k: v for k, v in outcome.items() if k not in _BESIDE_THE_VERDICT})
            witness = witness_from_dict(outcome["witness"]) if outcome.get("witness") else None
        except (ValueError, TypeError, KeyError):
            return None  # a row this version cannot read: run the mutant again
        names: dict[str, str] = {}
        for test in _tests_named(verdict):
            ours = self._rename(test, stored[test]) if test in stored else None
            if ours is None:
                return None
            names[test] = ours
        renamed = dataclasses.replace(
            verdict,
            passed=tuple(names[t] for t in verdict.passed),
            kills=tuple(dataclasses.replace(k, test=names[k.test]) for k in verdict.kills),
            killed_by=names[verdict.killed_by] if verdict.killed_by else None,
        )
        return renamed, witness

    def _stored(self, mutant_id: str) -> dict[str, Any]:
        """The outcome as stored: with the identity of every test it names."""
        verdict = self.outcomes[mutant_id]
        row: dict[str, Any] = to_json(verdict)
        row["killers"] = list(verdict.killers)  # read by versions before the typed protocol
        if mutant_id in self.witnesses:
            row["witness"] = to_json(self.witnesses[mutant_id])
        row["identities"] = {t: self.identities.get(t, t) for t in _tests_named(verdict)}
        return row

    def _search_again(self, job: MutantJob, verdict: Verdict, witness: Witness | None, options: str) -> bool:
        """A finished survivor is searched again only if its search found nothing
        and the search's options changed (a bigger budget may find a witness)."""
        if job.extreme or verdict.status != SURVIVED or not self.searching:
            return False
        found = witness.verdict if witness is not None else None
        return found not in (WITNESSED, PROVEN_EQUIVALENT) and options != self.witness_options

    def verdict(self, verdict: Verdict) -> None:
        """A mutant's verdict, new or revised, from the worker."""
        self.outcomes[verdict.id] = verdict
        if self.store is not None:
            self.store.put([(self.keys[verdict.id], verdict.id, VERDICT, "", self._stored(verdict.id))])

    def witness(self, mutant_id: str, finding: Witness) -> None:
        """The search comes last: with its finding, a survivor's outcome is final."""
        if mutant_id not in self.outcomes:
            return
        self.witnesses[mutant_id] = finding
        if self.store is not None:
            self.store.put(
                [(self.keys[mutant_id], mutant_id, COMPLETE, self.witness_options, self._stored(mutant_id))]
            )

    def finish(self, mutant_ids: Iterable[str]) -> None:
        """The run finished: these mutants' outcomes are final."""
        if self.store is not None:
            self.store.put(
                (self.keys[i], i, COMPLETE, self.witness_options, self._stored(i))
                for i in mutant_ids
                if i in self.outcomes
            )

    def forget(self, mutant_ids: Iterable[str]) -> None:
        if self.store is not None:
            self.store.forget(self.keys[i] for i in mutant_ids)


#: what a stored outcome holds besides the fields of its ``Verdict``
_BESIDE_THE_VERDICT = ("killers", "witness", "identities")


def _tests_named(verdict: Verdict) -> set[str]:
    """Every test an outcome names."""
    named = set(verdict.passed) | set(verdict.killers)
    if verdict.killed_by:
        named.add(verdict.killed_by)
    return named


class PropertyCache:
    """One run's use of the store for property checks: which functions the
    cache spares, and each function's results stored once they are final.

    ``keys`` maps (module, function) to its ``property_key``.  A function's
    results are stored only if none of them says ``retry`` (time or chance
    decided it: a spent budget, a hang, a violation that did not repeat).
    """

    def __init__(self, store: OutcomeStore | None, keys: dict[tuple[str, str], str]) -> None:
        self.store = store
        self.keys = keys

    def reuse(self, checks: list[PropertyCheck]) -> tuple[list[PropertyCheck], list[PropertyResult]]:
        """(the checks still to run, the stored results of the others)."""
        if self.store is None:
            return checks, []
        stored = self.store.property_results(self.keys[c.module, c.function] for c in checks)
        to_run: list[PropertyCheck] = []
        results: list[PropertyResult] = []
        for check in checks:
            hit = stored.get(self.keys[check.module, check.function])
            try:
                found = [decode(PropertyResult, r) for r in hit] if hit is not None else None
            except (ValueError, TypeError, KeyError):
                found = None  # a row this version cannot read: check again
            if found is None:
                to_run.append(check)
            else:
                results.extend(found)
        return to_run, results

    def finish(self, checked: Iterable[PropertyCheck], results: Iterable[PropertyChecked]) -> None:
        """A finished run's fresh results: store each checked function's final
        ones (none at all, for a function with nothing to check, is final too)."""
        if self.store is None:
            return
        by_function: dict[tuple[str, str], list[PropertyChecked]] = {
            (c.module, c.function): [] for c in checked
        }
        for found in results:
            by_function.setdefault((found.result.module, found.result.function), []).append(found)
        self.store.put_property_results(
            (self.keys[where], [to_json(f.result) for f in found])
            for where, found in by_function.items()
            if where in self.keys and not any(f.retry for f in found)
        )
