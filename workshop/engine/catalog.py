"""The exercise catalog: one folder per exercise under exercises/, each with a
manifest.toml. Loading validates every manifest and says exactly what is wrong."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.engine import paths
from workshop.engine.kinds import KINDS, kind

DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_MEMORY_MB = 4096
_ID = re.compile(r"^(\d\d)-[a-z0-9-]+$")


class CatalogError(ValueError):
    """A manifest is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Target:
    id: str
    kind: str
    label: str
    unit: str
    max: float | None = None
    min: float | None = None
    band: float = 0.1  # relative dead band for ratio targets
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def limit(self) -> float | None:
        return self.max if self.max is not None else self.min


@dataclass(frozen=True)
class Scenario:
    seconds: float = 1.0
    timeout: float = 30.0
    rounds: int = 3  # first rounds of a side-by-side comparison
    max_rounds: int = 7  # more rounds while a ratio is inconclusive
    env: dict[str, str] = field(default_factory=dict)
    topology: dict[str, Any] | None = None
    # the program's memory cap (RLIMIT_DATA: heap, thread stacks, other
    # private writable memory); measured, every answer kept stays far below
    memory_mb: int = DEFAULT_MEMORY_MB


@dataclass(frozen=True)
class Variant:
    """A learner's answer kept beside the solution (`_variants/NAME/`): a wrong
    one names the targets that must catch it, a right one must pass. Files it
    does not hold are the reference solution's."""

    name: str
    expect: str  # "miss" or "pass"
    why: str  # the mistake it embodies, or how it differs from the reference
    # for "miss": target ids that must each be missed; "a|b": one of them at
    # least (a mistake whose symptom lands on one of two targets, by timing)
    catches: tuple[str, ...]
    directory: Path
    error: str = ""  # for "miss": words the check's one-line error must contain
    # who wrote it: "author" (who also wrote the solution) or "independent" (a
    # learner's eyes only: the text, the starter, the driver, never the solution)
    by: str = "author"

    @property
    def wrong(self) -> bool:
        return self.expect == "miss"


@dataclass(frozen=True)
class Rule:
    """A rule the exercise text asks the learner to keep (`rules.toml`): the
    scenario phase that makes it matter and the targets that judge it."""

    rule: str
    phase: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Exercise:
    id: str
    number: int
    title: str
    difficulty: str
    directory: Path
    editable: tuple[str, ...]
    targets: tuple[Target, ...]
    scenario: Scenario
    hints: tuple[str, ...]
    summary: str
    variants: tuple[Variant, ...] = ()
    rules: tuple[Rule, ...] = ()

    @property
    def slug(self) -> str:
        return self.id[3:]

    @property
    def solution_dir(self) -> Path:
        return self.directory / "_solution"

    @property
    def text(self) -> str:
        return (self.directory / "README.md").read_text()

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        known = ", ".join(v.name for v in self.variants) or "none"
        raise CatalogError(f"{self.id} has no variant '{name}' (known: {known})")

    def starter_file(self, name: str) -> Path:
        return self.directory / name

    def solution_file(self, name: str) -> Path:
        return self.solution_dir / name


def _require(data: dict[str, Any], key: str, typ: type, where: str) -> Any:
    if key not in data:
        raise CatalogError(f"{where}: missing '{key}'")
    value = data[key]
    if not isinstance(value, typ):
        raise CatalogError(f"{where}: '{key}' must be a {typ.__name__}")
    return value


def _target(raw: dict[str, Any], where: str) -> Target:
    tid = _require(raw, "id", str, where)
    where = f"{where} target '{tid}'"
    name = _require(raw, "kind", str, where)
    if name not in KINDS:
        raise CatalogError(f"{where}: unknown kind '{name}' (known: {', '.join(sorted(KINDS))})")
    known = {"id", "kind", "label", "unit", "max", "min", "band"}
    lo, hi = raw.get("min"), raw.get("max")
    k = kind(name)
    if lo is None and hi is None:
        if k.needs_limit:
            raise CatalogError(f"{where}: needs 'min' or 'max'")
        hi = k.implied_max  # no-call and no-import: none at all
    return Target(
        id=tid,
        kind=name,
        label=str(raw.get("label", tid)),
        unit=str(raw.get("unit", "")),
        max=None if hi is None else float(hi),
        min=None if lo is None else float(lo),
        band=float(raw.get("band", 0.1)),
        params={k: v for k, v in raw.items() if k not in known},
    )


def _variants(
    directory: Path, editable: tuple[str, ...], targets: tuple[Target, ...]
) -> tuple[Variant, ...]:
    out = []
    ids = {t.id for t in targets}
    for d in sorted((directory / "_variants").glob("*/")):
        where = str(d / "variant.toml")
        try:
            data = tomllib.loads((d / "variant.toml").read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CatalogError(f"{where}: {exc}") from exc
        expect = _require(data, "expect", str, where)
        if expect not in ("miss", "pass"):
            raise CatalogError(f"{where}: expect must be 'miss' or 'pass'")
        catches = tuple(data.get("catches", []))
        error = str(data.get("error", ""))
        if expect == "miss" and not catches and not error:
            raise CatalogError(f"{where}: a wrong variant names what catches it (catches, error)")
        if unknown := [i for c in catches for i in c.split("|") if i not in ids]:
            raise CatalogError(f"{where}: no target {unknown} in the manifest")
        # editable files may sit in packages below the exercise ("store/store.go")
        files = {
            f.relative_to(d).as_posix()
            for f in d.rglob("*")
            if f.is_file() and f.name != "variant.toml"
        }
        if stray := sorted(files - set(editable)):
            raise CatalogError(f"{where}: {stray} are not editable files of the exercise")
        if not files:
            raise CatalogError(f"{where}: the variant changes no file")
        why = _require(data, "why", str, where)
        by = str(data.get("by", "author"))
        if by not in ("author", "independent"):
            raise CatalogError(f"{where}: by must be 'author' or 'independent'")
        out.append(Variant(d.name, expect, why, catches, d, error, by))
    return tuple(out)


def _rules(directory: Path, targets: tuple[Target, ...]) -> tuple[Rule, ...]:
    """rules.toml: every rule of the text, each with its phase and the targets
    that judge it; every target judges at least one rule."""
    path = directory / "rules.toml"
    if not path.is_file():
        return ()
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text()).get("rule", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{where}: {exc}") from exc
    ids = {t.id for t in targets}
    rules = []
    for i, r in enumerate(raw, 1):
        at = f"{where} rule {i}"
        named = tuple(_require(r, "targets", list, at))
        if not named:
            raise CatalogError(f"{at}: names no target")
        if unknown := [t for t in named if t not in ids]:
            raise CatalogError(f"{at}: no target {unknown} in the manifest")
        rules.append(Rule(_require(r, "rule", str, at), _require(r, "phase", str, at), named))
    if not rules:
        raise CatalogError(f"{where}: no [[rule]]")
    if unjudging := sorted(ids - {t for r in rules for t in r.targets}):
        raise CatalogError(f"{where}: targets {unjudging} judge no rule")
    return tuple(rules)


def load_exercise(directory: Path) -> Exercise:
    manifest = directory / "manifest.toml"
    where = str(manifest)
    try:
        data = tomllib.loads(manifest.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{where}: {exc}") from exc
    ex_id = _require(data, "id", str, where)
    m = _ID.match(ex_id)
    if not m or ex_id != directory.name:
        raise CatalogError(f"{where}: id '{ex_id}' must be NN-slug and match the folder name")
    difficulty = _require(data, "difficulty", str, where)
    if difficulty not in DIFFICULTIES:
        raise CatalogError(f"{where}: difficulty must be one of {DIFFICULTIES}")
    editable = tuple(_require(data, "editable", list, where))
    if not editable:
        raise CatalogError(f"{where}: 'editable' names no file")
    for name in editable:
        for path in (directory / name, directory / "_solution" / name):
            if not path.is_file():
                raise CatalogError(f"{where}: editable file missing: {path}")
    if not (directory / "README.md").is_file():
        raise CatalogError(f"{where}: README.md missing")
    raw_targets = data.get("target", [])
    if not raw_targets:
        raise CatalogError(f"{where}: no [[target]]")
    targets = tuple(_target(t, where) for t in raw_targets)
    ids = [t.id for t in targets]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"{where}: duplicate target ids")
    sc = data.get("scenario", {})
    scenario = Scenario(
        seconds=float(sc.get("seconds", 1.0)),
        timeout=float(sc.get("timeout", 30.0)),
        rounds=int(sc.get("rounds", 3)),
        max_rounds=int(sc.get("max_rounds", 7)),
        env={str(k): str(v) for k, v in sc.get("env", {}).items()},
        topology=sc.get("topology"),
        memory_mb=int(sc.get("memory_mb", DEFAULT_MEMORY_MB)),
    )
    variants = _variants(directory, editable, targets)
    names = {"starter", "solution", *(v.name for v in variants)}
    for t in targets:
        against = t.params.get("against", "starter")
        if kind(t.kind).ratio and against not in names:
            raise CatalogError(f"{where} target '{t.id}': 'against' names no source: {against}")
    return Exercise(
        id=ex_id,
        number=int(m.group(1)),
        title=_require(data, "title", str, where),
        difficulty=difficulty,
        directory=directory,
        editable=editable,
        targets=targets,
        scenario=scenario,
        hints=tuple(data.get("hints", [])),
        summary=str(data.get("summary", "")),
        variants=variants,
        rules=_rules(directory, targets),
    )


def load_catalog(root: Path | None = None) -> list[Exercise]:
    root = root or paths.EXERCISES
    exercises = [
        load_exercise(d)
        for d in sorted(root.iterdir())
        if d.is_dir() and (d / "manifest.toml").exists()
    ]
    numbers = [e.number for e in exercises]
    dup = {n for n in numbers if numbers.count(n) > 1}
    if dup:
        raise CatalogError(f"{root}: exercise number used twice: {sorted(dup)}")
    return exercises


def resolve(catalog: list[Exercise], name: str) -> Exercise:
    """'1', '01' and '01-slug' all name exercise 01."""
    for ex in catalog:
        if name in (ex.id, ex.slug) or (name.isdigit() and int(name) == ex.number):
            return ex
    known = ", ".join(e.id for e in catalog)
    raise CatalogError(f"no exercise '{name}' (known: {known})")
