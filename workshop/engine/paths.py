"""Where pinlab's own files, the exercises and the learner's workspace live."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
STYLES = ROOT / "styles"


def cache_dir() -> Path:
    """Build products and helper binaries; safe to delete."""
    base = os.environ.get("PINLAB_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pinlab"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_workspace() -> Path:
    """The learner's workspace when none is named: ./workspace in the checkout."""
    return Path(os.environ.get("PINLAB_WORKSPACE") or ROOT / "workspace")
