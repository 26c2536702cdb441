"""The learner's workspace: one folder per exercise holding only the editable
files, plus .pinlab/ (progress and history in progress.db, reset backups).
Nothing here ever deletes learner work: reset keeps a backup, and progress is
written in transactions that any number of processes can share."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workshop.engine.catalog import Exercise
from workshop.engine.progress import (
    IN_PROGRESS,
    NOT_STARTED,
    SOLVED,
    Attempt,
    Progress,
    ProgressStore,
    ReadOnlyProgress,
    TargetResult,
)
from workshop.engine.verdict import Verdict

__all__ = ["IN_PROGRESS", "NOT_STARTED", "SOLVED", "ReadOnlyWorkspace", "Workspace"]


class ReadOnlyWorkspace(PermissionError):
    """A change to a workspace opened read-only (a room's browser view)."""


@dataclass
class Workspace:
    root: Path
    read_only: bool = False  # `pinlab serve --read-only`: nothing here may change
    # called after each record(), on the caller's thread (the classroom push)
    on_record: list[Callable[[Exercise], None]] = field(default_factory=list, repr=False)

    @property
    def state_dir(self) -> Path:
        return self.root / ".pinlab"

    @property
    def progress_file(self) -> Path:
        return self.state_dir / "progress.json"

    def exercise_dir(self, ex: Exercise) -> Path:
        return self.root / ex.id

    def file(self, ex: Exercise, name: str) -> Path:
        return self.exercise_dir(ex) / name

    def ensure(self, catalog: list[Exercise]) -> list[Path]:
        """Create the workspace and copy every starter file that is missing.
        Existing learner files are never touched. Returns the files copied."""
        copied: list[Path] = []
        if self.read_only or not self.writable():
            return copied
        for ex in catalog:
            for name in ex.editable:
                dest = self.file(ex, name)
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(ex.starter_file(name), dest)
                    copied.append(dest)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        return copied

    def reset(self, ex: Exercise) -> Path | None:
        """Restore the starter files; the learner's versions go to a backup
        folder, whose path is returned (None when nothing was changed)."""
        self._may_change()
        backup = self.state_dir / "backup" / f"{ex.id}-{time.strftime('%Y%m%d-%H%M%S')}"
        saved = False
        for name in ex.editable:
            dest = self.file(ex, name)
            starter = ex.starter_file(name)
            if dest.exists() and dest.read_bytes() != starter.read_bytes():
                backup.mkdir(parents=True, exist_ok=True)
                shutil.copy2(dest, backup / name)
                saved = True
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(starter, dest)
        self.set_status(ex, NOT_STARTED)
        return backup if saved else None

    def is_modified(self, ex: Exercise) -> bool:
        for name in ex.editable:
            dest = self.file(ex, name)
            if dest.exists() and dest.read_bytes() != ex.starter_file(name).read_bytes():
                return True
        return False

    # progress (engine/progress.py)

    @property
    def progress_store(self) -> ProgressStore:
        return ProgressStore(self.state_dir / "progress.db", legacy_json=self.progress_file)

    def load_progress(self) -> Progress:
        return self.progress_store.progress()

    def status(self, ex: Exercise) -> str:
        status = self.progress_store.status(ex.id)
        if status == SOLVED:
            return SOLVED
        return IN_PROGRESS if status == IN_PROGRESS or self.is_modified(ex) else NOT_STARTED

    def history(self, ex: Exercise) -> list[Attempt]:
        """Every check of the exercise in this workspace, oldest first."""
        return self.progress_store.history(ex.id)

    def record(
        self,
        ex: Exercise,
        passed: bool,
        verdicts: Sequence[Verdict] = (),
        when: float | None = None,
    ) -> bool:
        """After a check of the workspace: one attempt in the history, and the
        one progress rule (a pass solves the exercise for good; a miss marks
        it in progress once its files differ from the starter). True when
        this pass newly solved it. ReadOnlyWorkspace where nothing can be
        written (the verdict stands; only the record is lost)."""
        self._may_change()
        files = {
            name: hashlib.sha256(path.read_bytes()).hexdigest()
            for name in ex.editable
            if (path := self.file(ex, name)).is_file()
        }
        targets = [TargetResult(v.id, v.met, v.value) for v in verdicts]
        try:
            newly = self.progress_store.record(
                ex.id, passed, targets, files, self.is_modified(ex), when
            )
        except ReadOnlyProgress as exc:
            raise ReadOnlyWorkspace(str(exc)) from exc
        for hook in list(self.on_record):
            hook(ex)
        return newly

    def set_current(self, ex: Exercise) -> None:
        """The exercise the learner has open (sent to a classroom)."""
        if self.read_only:
            return
        with contextlib.suppress(ReadOnlyProgress):
            self.progress_store.set_current(ex.id)

    def set_status(self, ex: Exercise, status: str) -> None:
        self._may_change()
        try:
            self.progress_store.set_status(ex.id, status)
        except ReadOnlyProgress as exc:
            raise ReadOnlyWorkspace(str(exc)) from exc

    def writable(self) -> bool:
        """Whether progress and files can be written here (not a read-only
        mount); creates the state folder where it can."""
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return os.access(self.state_dir, os.W_OK) and os.access(self.root, os.W_OK)

    def _may_change(self) -> None:
        if self.read_only:
            raise ReadOnlyWorkspace(f"{self.root} is open read-only")
