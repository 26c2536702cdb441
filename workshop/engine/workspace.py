"""The learner's workspace: one folder per exercise holding only the editable
files, plus .pinlab/progress.json. Nothing here ever deletes learner work:
reset keeps a backup, and progress is written atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workshop.engine.catalog import Exercise

NOT_STARTED, IN_PROGRESS, SOLVED = "not started", "in progress", "solved"


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class Workspace:
    root: Path

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
        copied = []
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

    # progress

    def load_progress(self) -> dict[str, Any]:
        try:
            data = json.loads(self.progress_file.read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def status(self, ex: Exercise) -> str:
        entry = self.load_progress().get("exercises", {}).get(ex.id, {})
        status = entry.get("status")
        if status == SOLVED:
            return SOLVED
        return IN_PROGRESS if status == IN_PROGRESS or self.is_modified(ex) else NOT_STARTED

    def record(self, ex: Exercise, passed: bool) -> bool:
        """The one progress rule, after a check of the workspace: a pass
        solves the exercise (for good); a miss marks it in progress once its
        files differ from the starter. True when this pass newly solved it."""
        before = self.status(ex)
        if passed:
            self.set_status(ex, SOLVED)
        elif self.is_modified(ex):
            self.set_status(ex, IN_PROGRESS)
        return passed and before != SOLVED

    def set_status(self, ex: Exercise, status: str, **extra: Any) -> None:
        data = self.load_progress()
        entries = data.setdefault("exercises", {})
        entry = entries.setdefault(ex.id, {})
        if entry.get("status") == SOLVED and status == IN_PROGRESS:
            status = SOLVED  # a later failing edit does not take a pass away
        entry.update(status=status, updated=time.time(), **extra)
        atomic_write(self.progress_file, json.dumps(data, indent=2, sort_keys=True))
