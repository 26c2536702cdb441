"""The learner's progress and history, in SQLite (`.pinlab/progress.db`).

Every check of the workspace is an attempt: when, which files changed since
the attempt before, and each target's verdict and value. An exercise's
progress (its status, checks, when the targets met last rose, the first
pass) is kept beside the attempts and updated in the same transaction, so
any number of pinlab processes (the workshop, `pinlab check` in another
terminal, a grader checking in parallel) can write at once and lose nothing:
WAL mode, a busy timeout, and `BEGIN IMMEDIATE` for every change.

The typed records here are what the workspace, `pinlab history` and the
classroom push share; the three statuses are the one vocabulary.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOT_STARTED, IN_PROGRESS, SOLVED = "not started", "in progress", "solved"
BUSY_TIMEOUT_S = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS exercise (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    updated REAL NOT NULL,
    checks INTEGER NOT NULL DEFAULT 0,
    first_check REAL,
    last_check REAL,
    best_met INTEGER,
    progress_at REAL,
    first_pass REAL
);
CREATE TABLE IF NOT EXISTS attempt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,
    at REAL NOT NULL,
    passed INTEGER NOT NULL,
    files TEXT NOT NULL,  -- {name: sha256} of the editable files checked
    changed TEXT NOT NULL  -- [names] that differ from the attempt before
);
CREATE INDEX IF NOT EXISTS attempt_by_exercise ON attempt (exercise, at);
CREATE TABLE IF NOT EXISTS attempt_target (
    attempt INTEGER NOT NULL REFERENCES attempt (id),
    target TEXT NOT NULL,
    met INTEGER NOT NULL,
    value REAL,
    PRIMARY KEY (attempt, target)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class TargetResult:
    id: str
    met: bool
    value: float | None


@dataclass(frozen=True)
class Attempt:
    """One check of one exercise in the workspace."""

    exercise: str
    when: float
    passed: bool
    targets: tuple[TargetResult, ...]
    changed: tuple[str, ...] = ()  # editable files changed since the attempt before

    @property
    def met(self) -> int:
        return sum(t.met for t in self.targets)

    def to_json(self) -> dict[str, Any]:
        return {
            "when": self.when,
            "passed": self.passed,
            "met": self.met,
            "total": len(self.targets),
            "changed": list(self.changed),
            "targets": {t.id: t.met for t in self.targets},
            "values": {t.id: t.value for t in self.targets},
        }


@dataclass(frozen=True)
class ExerciseProgress:
    id: str
    status: str
    checks: int = 0
    first_check: float | None = None
    last_check: float | None = None
    progress_at: float | None = None  # when the targets met last rose
    first_pass: float | None = None
    last: Attempt | None = None  # the latest check, with its verdicts


@dataclass(frozen=True)
class Progress:
    exercises: Mapping[str, ExerciseProgress]
    current: str | None = None  # the exercise open or last checked


class ReadOnlyProgress(PermissionError):
    """The progress cannot be written here (a read-only workspace)."""


class ProgressStore:
    def __init__(self, path: Path, legacy_json: Path | None = None) -> None:
        self.path = path
        self.legacy_json = legacy_json  # progress.json of earlier pinlab versions

    # --- reading -----------------------------------------------------------

    def progress(self) -> Progress:
        if not self.path.exists():
            return self._legacy_progress()
        try:
            return self._progress()
        except sqlite3.OperationalError:  # created, but no table yet
            return self._legacy_progress()

    def _progress(self) -> Progress:
        with self._read() as db:
            last = self._latest_attempts(db)
            exercises = {
                row["id"]: ExerciseProgress(
                    id=row["id"],
                    status=row["status"],
                    checks=row["checks"],
                    first_check=row["first_check"],
                    last_check=row["last_check"],
                    progress_at=row["progress_at"],
                    first_pass=row["first_pass"],
                    last=last.get(row["id"]),
                )
                for row in db.execute("SELECT * FROM exercise ORDER BY id")
            }
            current = db.execute("SELECT value FROM meta WHERE key = 'current'").fetchone()
        return Progress(exercises, current[0] if current else None)

    def status(self, exercise: str) -> str | None:
        """One exercise's status (one row read; the list asks for each)."""
        if self.path.exists():
            try:
                with self._read() as db:
                    row = db.execute(
                        "SELECT status FROM exercise WHERE id = ?", (exercise,)
                    ).fetchone()
                return row[0] if row else None
            except sqlite3.OperationalError:  # created, but no table yet
                pass
        entry = self._legacy_progress().exercises.get(exercise)
        return entry.status if entry else None

    def history(self, exercise: str) -> list[Attempt]:
        """Every attempt of the exercise, oldest first."""
        if not self.path.exists():
            return []
        with self._read() as db:
            rows = db.execute(
                "SELECT * FROM attempt WHERE exercise = ? ORDER BY at, id", (exercise,)
            ).fetchall()
            return [self._attempt(db, row) for row in rows]

    # --- writing -----------------------------------------------------------

    def record(
        self,
        exercise: str,
        passed: bool,
        targets: Sequence[TargetResult],
        files: Mapping[str, str],
        modified: bool,
        when: float | None = None,
    ) -> bool:
        """One check: an attempt, and the exercise's progress after it (a pass
        solves it for good; a miss marks it in progress once its files differ
        from the starter's). True when this pass newly solved it."""
        now = time.time() if when is None else when
        with self._write() as db:
            row = db.execute("SELECT * FROM exercise WHERE id = ?", (exercise,)).fetchone()
            before = row["status"] if row else NOT_STARTED
            prev = db.execute(
                "SELECT files FROM attempt WHERE exercise = ? ORDER BY at DESC, id DESC LIMIT 1",
                (exercise,),
            ).fetchone()
            old_files = json.loads(prev["files"]) if prev else {}
            changed = sorted(n for n, h in files.items() if old_files.get(n) != h) if prev else []
            cur = db.execute(
                "INSERT INTO attempt (exercise, at, passed, files, changed) VALUES (?, ?, ?, ?, ?)",
                (exercise, now, int(passed), json.dumps(dict(files)), json.dumps(changed)),
            )
            db.executemany(
                "INSERT INTO attempt_target (attempt, target, met, value) VALUES (?, ?, ?, ?)",
                [(cur.lastrowid, t.id, int(t.met), t.value) for t in targets],
            )
            status = before
            if passed:
                status = SOLVED
            elif before != SOLVED and modified:
                status = IN_PROGRESS
            met = sum(t.met for t in targets)
            best = row["best_met"] if row and row["best_met"] is not None else -1
            rose = bool(targets) and met > best
            db.execute(
                """INSERT INTO exercise (id, status, updated, checks, first_check, last_check,
                       best_met, progress_at, first_pass)
                   VALUES (:id, :status, :now, 1, :now, :now, :best, :rose_at, :pass_at)
                   ON CONFLICT (id) DO UPDATE SET
                       status = :status, updated = :now, checks = checks + 1,
                       first_check = coalesce(first_check, :now), last_check = :now,
                       best_met = coalesce(:best, best_met),
                       progress_at = coalesce(:rose_at, progress_at),
                       first_pass = coalesce(first_pass, :pass_at)""",
                {
                    "id": exercise,
                    "status": status,
                    "now": now,
                    "best": met if rose else None,
                    "rose_at": now if rose else None,
                    "pass_at": now if passed else None,
                },
            )
            self._set_current(db, exercise)
        return passed and before != SOLVED

    def set_status(self, exercise: str, status: str) -> None:
        """Set by hand (reset: not started); a pass is never taken back by a
        later 'in progress'."""
        with self._write() as db:
            row = db.execute("SELECT status FROM exercise WHERE id = ?", (exercise,)).fetchone()
            if row and row["status"] == SOLVED and status == IN_PROGRESS:
                status = SOLVED
            db.execute(
                """INSERT INTO exercise (id, status, updated) VALUES (?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                       updated = excluded.updated""",
                (exercise, status, time.time()),
            )

    def set_current(self, exercise: str) -> None:
        with self._write() as db:
            self._set_current(db, exercise)

    # --- the database --------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            db.execute("SELECT 1 FROM exercise LIMIT 1")
        except sqlite3.OperationalError:
            # a read-only mount (a WAL reader would need to write the -shm
            # file), or a file another process is just creating
            db.close()
            db = sqlite3.connect(f"file:{self.path}?immutable=1", uri=True)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)  # idempotent; before the transaction (it would commit one)
            db.execute("BEGIN IMMEDIATE")
        except (OSError, sqlite3.OperationalError) as exc:
            raise ReadOnlyProgress(f"progress not saved: {self.path.parent} is not writable") from (
                exc
            )
        try:
            self._import_legacy(db)
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    @staticmethod
    def _set_current(db: sqlite3.Connection, exercise: str) -> None:
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('current', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (exercise,),
        )

    def _latest_attempts(self, db: sqlite3.Connection) -> dict[str, Attempt]:
        rows = db.execute(
            """SELECT a.* FROM attempt a
               WHERE a.id = (SELECT b.id FROM attempt b WHERE b.exercise = a.exercise
                             ORDER BY b.at DESC, b.id DESC LIMIT 1)"""
        ).fetchall()
        return {row["exercise"]: self._attempt(db, row) for row in rows}

    @staticmethod
    def _attempt(db: sqlite3.Connection, row: sqlite3.Row) -> Attempt:
        targets = tuple(
            TargetResult(t["target"], bool(t["met"]), t["value"])
            for t in db.execute(
                "SELECT * FROM attempt_target WHERE attempt = ? ORDER BY rowid", (row["id"],)
            )
        )
        return Attempt(
            row["exercise"],
            row["at"],
            bool(row["passed"]),
            targets,
            tuple(json.loads(row["changed"])),
        )

    # --- progress.json of earlier versions ---------------------------------------

    def _legacy_entries(self) -> tuple[dict[str, Any], str | None]:
        if self.legacy_json is None:
            return {}, None
        try:
            data = json.loads(self.legacy_json.read_text())
        except (OSError, ValueError):
            return {}, None
        if not isinstance(data, dict):
            return {}, None
        entries = {k: v for k, v in (data.get("exercises") or {}).items() if isinstance(v, dict)}
        current = data.get("current")
        return entries, current if isinstance(current, str) else None

    def _legacy_progress(self) -> Progress:
        """A workspace never written by this version (or read-only): its
        progress.json as it stands."""
        entries, current = self._legacy_entries()
        return Progress({k: _from_legacy(k, e) for k, e in entries.items()}, current)

    def _import_legacy(self, db: sqlite3.Connection) -> None:
        """progress.json, once, on the first write; the file is kept beside as
        a backup (progress.json.imported)."""
        done = db.execute("SELECT 1 FROM meta WHERE key = 'imported'").fetchone()
        if done:
            return
        entries, current = self._legacy_entries()
        for ex_id, e in entries.items():
            p = _from_legacy(ex_id, e)
            db.execute(
                """INSERT OR IGNORE INTO exercise (id, status, updated, checks, first_check,
                       last_check, best_met, progress_at, first_pass)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    ex_id,
                    p.status,
                    float(e.get("updated") or 0.0),
                    p.checks,
                    p.first_check,
                    p.last_check,
                    e.get("best_met"),
                    p.progress_at,
                    p.first_pass,
                ),
            )
            if p.last is not None:  # the last check's verdicts, as one attempt
                cur = db.execute(
                    "INSERT INTO attempt (exercise, at, passed, files, changed) "
                    "VALUES (?, ?, ?, '{}', '[]')",
                    (ex_id, p.last.when, int(p.last.passed)),
                )
                db.executemany(
                    "INSERT INTO attempt_target (attempt, target, met, value) VALUES (?, ?, ?, ?)",
                    [(cur.lastrowid, t.id, int(t.met), t.value) for t in p.last.targets],
                )
        if current:
            self._set_current(db, current)
        db.execute("INSERT INTO meta (key, value) VALUES ('imported', ?)", (str(time.time()),))
        if entries and self.legacy_json is not None:
            self.legacy_json.rename(self.legacy_json.with_name(self.legacy_json.name + ".imported"))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _from_legacy(ex_id: str, e: Mapping[str, Any]) -> ExerciseProgress:
    status = e.get("status")
    if status not in (NOT_STARTED, IN_PROGRESS, SOLVED):
        status = NOT_STARTED
    met_targets = e.get("met_targets") or {}
    values = e.get("values") or {}
    last = None
    if isinstance(met_targets, dict) and met_targets and _number(e.get("last_check")) is not None:
        targets = tuple(
            TargetResult(
                str(t), bool(ok), _number(values.get(t)) if isinstance(values, dict) else None
            )
            for t, ok in met_targets.items()
        )
        passed = bool(targets) and all(t.met for t in targets)
        last = Attempt(ex_id, float(e["last_check"]), passed, targets)
    return ExerciseProgress(
        id=ex_id,
        status=str(status),
        checks=int(e.get("checks") or 0),
        first_check=_number(e.get("first_check")),
        last_check=_number(e.get("last_check")),
        progress_at=_number(e.get("progress_at")),
        first_pass=_number(e.get("first_pass")),
        last=last,
    )
