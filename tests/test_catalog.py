"""The catalog loads every real manifest and rejects broken ones with a clear message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_app_support import copy_exercise_01

from workshop.engine.catalog import CatalogError, Exercise, load_catalog, load_exercise, resolve


def test_every_exercise_is_well_formed(catalog: list[Exercise]) -> None:
    assert catalog, "no exercises found"
    for ex in catalog:
        assert ex.title and ex.text.strip(), ex.id
        assert ex.hints, f"{ex.id} has no hints"
        for name in ex.editable:
            assert ex.starter_file(name).read_text() != ex.solution_file(name).read_text(), (
                f"{ex.id}: starter and solution of {name} are the same"
            )


# what an author leaves while a figure is still being measured
PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}|\b(?:MEASURED|TODO|TBD|XXX)(?:_[A-Z]+)*\b")


def test_no_text_keeps_a_placeholder(catalog: list[Exercise]) -> None:
    """A figure left to fill in reads as a figure to a learner."""
    assert PLACEHOLDER.search("peaked at {{IF64}} threads") and PLACEHOLDER.search("MEASURED_TABLE")
    found = []
    for ex in catalog:
        texts = [(ex.directory / "README.md", ex.text)] + [
            (ex.directory / "hints", h) for h in ex.hints
        ]
        found += [
            f"{path}: {m.group()}" for path, text in texts for m in PLACEHOLDER.finditer(text)
        ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", ["1", "01", "01-vestigial-pin", "vestigial-pin"])
def test_ids_resolve(catalog: list[Exercise], name: str) -> None:
    assert resolve(catalog, name).id == "01-vestigial-pin"


def test_unknown_id_names_the_known_ones(catalog: list[Exercise]) -> None:
    with pytest.raises(CatalogError, match="known: 01-vestigial-pin"):
        resolve(catalog, "99")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('kind = "no-call"', 'kind = "telepathy"'), "unknown kind 'telepathy'"),
        (lambda t: t.replace('id = "01-vestigial-pin"', 'id = "01-other"'), "match the folder"),
        (lambda t: t.replace('id = "threads"', 'id = "not-inlined"'), "duplicate target ids"),
        (lambda t: t.replace('difficulty = "easy"', 'difficulty = "trivial"'), "difficulty"),
        (lambda t: t.replace('editable = ["compute.go"]', 'editable = ["gone.go"]'), "gone.go"),
        (lambda t: re.sub(r'(unit = "threads"\n)max = \d+\n', r"\1", t), "needs 'min' or 'max'"),
        (lambda t: t + "\n[[[broken", "manifest.toml"),
    ],
)
def test_broken_manifest_is_rejected(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    ex_dir = copy_exercise_01(tmp_path)
    manifest = ex_dir / "manifest.toml"
    manifest.write_text(edit(manifest.read_text()))
    with pytest.raises(CatalogError, match=message):
        load_exercise(ex_dir)


def test_missing_solution_file_is_rejected(tmp_path: Path) -> None:
    ex_dir = copy_exercise_01(tmp_path)
    (ex_dir / "_solution" / "compute.go").unlink()
    with pytest.raises(CatalogError, match="_solution/compute.go"):
        load_exercise(ex_dir)


def test_duplicate_numbers_are_rejected(tmp_path: Path) -> None:
    original = copy_exercise_01(tmp_path)
    twin = tmp_path / "01-twin"
    shutil.copytree(original, twin)
    m = twin / "manifest.toml"
    m.write_text(m.read_text().replace('id = "01-vestigial-pin"', 'id = "01-twin"'))
    with pytest.raises(CatalogError, match="used twice"):
        load_catalog(tmp_path)


def test_a_variant_may_change_an_editable_file_below_the_exercise(tmp_path: Path) -> None:
    ex_dir = copy_exercise_01(tmp_path)
    manifest = ex_dir / "manifest.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'editable = ["compute.go"]', 'editable = ["compute.go", "sub/extra.go"]'
        )
    )
    for folder, body in ((ex_dir, "// starter\n"), (ex_dir / "_solution", "// solution\n")):
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "extra.go").write_text("package sub\n" + body)
    variant = ex_dir / "_variants" / "nested"
    (variant / "sub").mkdir(parents=True)
    (variant / "variant.toml").write_text('expect = "pass"\nwhy = "changes a file below"\n')
    (variant / "sub" / "extra.go").write_text("package sub\n// variant\n")
    ex = load_exercise(ex_dir)
    assert any(v.name == "nested" for v in ex.variants)
    (variant / "sub" / "stray.go").write_text("package sub\n")
    with pytest.raises(CatalogError, match="sub/stray.go"):
        load_exercise(ex_dir)


def test_rules_name_targets_of_the_manifest(catalog: list[Exercise]) -> None:
    """rules.toml: each rule of the text names its phase and the targets judging it."""
    ex = resolve(catalog, "01")
    assert ex.rules and all(r.phase and r.targets for r in ex.rules)
    judged = {t for r in ex.rules for t in r.targets}
    assert judged == {t.id for t in ex.targets}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('targets = ["threads"]', 'targets = ["thread"]'), "no target"),
        (lambda t: t.replace('targets = ["threads"]', "targets = []"), "names no target"),
        (lambda t: t.replace('"not-inlined"]', '"threads"]'), "judge no rule"),
        (lambda t: t.replace("phase = ", "where = "), "missing 'phase'"),
    ],
)
def test_a_broken_rules_table_is_rejected(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    ex_dir = copy_exercise_01(tmp_path)
    rules = ex_dir / "rules.toml"
    rules.write_text(edit(rules.read_text()))
    with pytest.raises(CatalogError, match=message):
        load_exercise(ex_dir)


def test_every_exercise_has_its_rules_table(catalog: list[Exercise]) -> None:
    """Every rule a text states has a phase and a judge (rules.toml): a text
    rule nothing exercises can be broken and stay green."""
    missing = [ex.id for ex in catalog if not ex.rules]
    assert not missing, f"exercises without rules.toml: {missing}"


def test_no_text_names_a_syllabus(catalog: list[Exercise]) -> None:
    """Learners have no syllabus: a corrected claim is named in the text's own words."""
    found = [
        str(path)
        for ex in catalog
        for path in (ex.directory / "README.md", ex.directory / "manifest.toml")
        if "syllabus" in path.read_text().lower()
    ]
    assert not found, found
