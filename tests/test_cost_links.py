"""Exercise texts quote the cost card by key, `[30 µs](cost:chan_roundtrip_locked)`,
and the workshop fills in this machine's figure. A key the card does not have,
or a link the workshop's pattern does not read, would leave the written figure
standing as if nothing were wrong: every README and every hint is checked
here, without calibrating (no card is needed to know its keys)."""

from __future__ import annotations

import re
from pathlib import Path

from test_app_support import EXERCISE_01, copy_exercise_01

from workshop.engine import costcard
from workshop.engine.catalog import Exercise, load_exercise

# A link target that starts with "cost:" but that costcard.COST_LINK did not
# take: a key with capitals, digits or a hyphen, a space before the ")".
_LEFT_OVER = re.compile(r"\]\(\s*cost:[^)]*\)?")


def link_problems(text: str) -> list[str]:
    problems = [f"cost:{key} is no entry of the card" for key in costcard.unknown_keys(text)]
    rest = costcard.COST_LINK.sub("", text)
    problems += [f"unreadable cost link {m.group(0)!r}" for m in _LEFT_OVER.finditer(rest)]
    return problems


def text_problems(ex: Exercise) -> list[str]:
    out = [f"{ex.id} README.md: {p}" for p in link_problems(ex.text)]
    for i, hint in enumerate(ex.hints, 1):
        out += [f"{ex.id} hint {i}: {p}" for p in link_problems(hint)]
    return out


def test_every_cost_link_in_the_exercise_texts_names_an_entry_of_the_card(
    catalog: list[Exercise],
) -> None:
    problems = [p for ex in catalog for p in text_problems(ex)]
    assert not problems, "\n".join(problems)
    # the pattern reads the links the texts hold (a pattern that matched
    # nothing would pass the check above without checking anything)
    links = [k for ex in catalog for _, k in costcard.COST_LINK.findall(ex.text)]
    assert links and set(links) <= set(costcard.BY_KEY)


def test_a_text_that_names_no_entry_of_the_card_is_caught(tmp_path: Path) -> None:
    folder = copy_exercise_01(tmp_path)
    (folder / "README.md").write_text(
        "Fine: [30 µs](cost:chan_roundtrip_locked). "
        "A slip: [38 µs](cost:exit_while_locked). "
        "Unreadable: [23 ns](cost:cgo-call)."
    )
    manifest = folder / "manifest.toml"
    text = manifest.read_text()
    assert "hints = [\n" in text
    manifest.write_text(
        text.replace("hints = [\n", 'hints = [\n  "Costs [1 thread](cost:template ).",\n', 1)
    )
    problems = text_problems(load_exercise(folder))
    assert problems == [
        f"{EXERCISE_01} README.md: cost:exit_while_locked is no entry of the card",
        f"{EXERCISE_01} README.md: unreadable cost link '](cost:cgo-call)'",
        f"{EXERCISE_01} hint 1: unreadable cost link '](cost:template )'",
    ]
