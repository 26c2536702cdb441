"""Shared fixtures: the real catalog and the real Go toolchain (no stand-ins)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workshop.engine.catalog import Exercise, load_catalog
from workshop.engine.toolchain import Toolchain, find

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def toolchain() -> Toolchain:
    return find()


@pytest.fixture(scope="session")
def catalog() -> list[Exercise]:
    return load_catalog()


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # keep test builds out of the user's cache, but share them across tests
    os.environ.setdefault("PINLAB_CACHE", str(tmp_path_factory.mktemp("pinlab-cache")))
