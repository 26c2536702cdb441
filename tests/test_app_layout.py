"""The exercise screen in the terminal a learner has: at 80x24 the lesson text
and every target (whole, wrapped) are on screen and each panel is one key
away; larger terminals show more at once. What is "on screen" is read from
the text the app draws (no builds: check_on_open=False)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_support import make_app, wait_for
from textual.app import App
from textual.geometry import Region, Size
from textual.pilot import Pilot
from textual.widget import Widget

from widgets.target_checklist import TargetChecklist
from workshop.app.screens.compare import CompareScreen
from workshop.app.screens.exercise import ExerciseScreen
from workshop.app.screens.exercise_layout import PAGES, shown_pages
from workshop.app.screens.sizes import size_class
from workshop.engine.catalog import Exercise
from workshop.engine.kinds import kind

PAGE_TITLES = {  # a page's key -> words only that page shows (its border title)
    "2": "OS threads · churn",
    "3": "CPUs (last CPU of each thread)",
    "4": "latency of the calls",
    "5": "build & run log",
}


def screen_lines(app: App[None]) -> list[str]:
    """The terminal's lines as the app draws them now."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def lines_in(app: App[None], region: Region) -> list[str]:
    return [line[region.x : region.right] for line in screen_lines(app)[region.y : region.bottom]]


def words(text: str) -> list[str]:
    return re.findall(r"[\w'.()/:-]+", text)


def cut_word(text: str) -> str | None:
    """A word cut short to "…" (the ellipsis drawn against what precedes it)."""
    found = re.search(r"\S+…", text)
    return found.group() if found else None


def holds_in_order(haystack: list[str], needle: list[str]) -> bool:
    it = iter(haystack)
    return all(any(w == n for w in it) for n in needle)


def on_screen(app: App[None], widget: Widget) -> bool:
    """Displayed, with a region of its own inside the terminal."""
    region = widget.region
    return widget.display and region.area > 0 and app.screen.region.contains_region(region)


def first_sentence(ex: Exercise) -> str:
    """The first words of the lesson's first paragraph, as drawn (no markup)."""
    para = next(p for p in ex.text.split("\n\n")[1:] if p.strip() and not p.startswith("#"))
    return " ".join(re.sub(r"[`*]", "", para).split()[:6])


async def open_exercise(pilot: Pilot[None], ex_id: str) -> ExerciseScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ExerciseScreen), 10, "the exercise")
    screen = app.screen
    assert isinstance(screen, ExerciseScreen) and screen.ex.id == ex_id
    await pilot.pause(0.3)
    return screen


def test_size_classes() -> None:
    assert size_class(Size(80, 24)) == "-compact"
    assert size_class(Size(200, 30)) == "-medium"  # wide but short
    assert size_class(Size(120, 36)) == "-medium"
    assert size_class(Size(160, 48)) == "-large"
    assert size_class(Size(200, 60)) == "-wide"


def test_shown_pages() -> None:
    assert shown_pages("-compact", False, "lesson", "threads", "threads") == {"lesson"}
    assert shown_pages("-compact", False, "log", "log", "threads") == {"log"}
    assert shown_pages("-medium", False, "lesson", "latency", "threads") == {"lesson", "latency"}
    assert shown_pages("-wide", False, "lesson", "threads", "threads") == {p.name for p in PAGES}
    # projection: the targets, the leading panel and the one chosen
    assert shown_pages("-compact", True, "lesson", "threads", "threads") == {
        "lesson",
        "threads",
        "latency",
    }
    assert shown_pages("-wide", True, "log", "log", "placement") == {"lesson", "placement", "log"}


async def test_at_80x24_the_lesson_and_every_target_are_readable(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    ex = next(e for e in catalog if e.id.startswith("02"))
    app, _, _ = make_app(tmp_path, open_exercise=ex.id, check_on_open=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exercise(pilot, ex.id)
        shown = " ".join(" ".join(screen_lines(app)).split())
        # the lesson: its first sentence is on screen, with room to read on
        assert first_sentence(ex) in shown
        text_box = screen.query_one("#text-box")
        assert on_screen(app, text_box) and text_box.size.height >= 8
        # every target: its label whole (words in order, none cut to "…")
        box = screen.query_one("#targets-box")
        assert on_screen(app, box)
        text = " ".join(lines_in(app, box.region))
        drawn = words(text)
        for target in ex.targets:
            assert holds_in_order(drawn, words(target.label)), f"{target.label!r} not whole"
        assert not cut_word(text.replace("measuring…", ""))


async def test_every_target_label_wraps_whole_at_80x24(tmp_path: Path) -> None:
    """Every exercise: each label is drawn whole in the checklist (scrolled
    into view where an exercise has more targets than half the screen)."""
    app, _, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for ex in catalog:
            app.open_exercise(ex)
            screen = await open_exercise(pilot, ex.id)
            checklist = screen.query_one(TargetChecklist)
            size = checklist.outer_size  # as drawn: padding included, nothing cropped
            text = " ".join(s.text for s in checklist.render_lines(Region(0, 0, *size)))
            drawn = words(text)
            for target in ex.targets:
                assert holds_in_order(drawn, words(target.label)), f"{ex.id}: {target.label!r}"
            assert not cut_word(text), f"{ex.id}: a word cut to '…'"
            for v in checklist.verdicts:  # limits drawn whole, units included
                assert kind(v.kind).passfail or v.limit_text() in text, f"{ex.id}: {v.limit_text()}"
            app.pop_screen()
            await pilot.pause()


async def test_at_80x24_each_panel_is_one_key_away(tmp_path: Path, catalog: list[Exercise]) -> None:
    ex = catalog[1]
    app, _, _ = make_app(tmp_path, open_exercise=ex.id, check_on_open=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exercise(pilot, ex.id)
        for key, title in PAGE_TITLES.items():
            await pilot.press(key)
            await pilot.pause()
            shown = "\n".join(screen_lines(app))
            assert title in shown, f"{key} did not show {title!r}"
            page = next(p for p in PAGES if p.key == key)
            assert on_screen(app, screen.page_widget(page.name))
            assert not screen.query_one("#lesson").display  # one page at a time
            others = [t for k, t in PAGE_TITLES.items() if k != key]
            assert not any(t in shown for t in others)
        await pilot.press("1")
        await pilot.pause()
        assert first_sentence(ex) in " ".join(" ".join(screen_lines(app)).split())
        assert app.focused is screen.query_one("#text-box")  # arrows scroll the lesson
        await pilot.press("tab")
        assert app.focused is screen.query_one("#targets-box")  # and the targets
        await pilot.press("tab")
        assert app.focused is screen.query_one("#text-box")


async def test_at_80x24_the_footer_shows_every_key(tmp_path: Path, catalog: list[Exercise]) -> None:
    app, _, _ = make_app(tmp_path, open_exercise=catalog[0].id, check_on_open=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_exercise(pilot, catalog[0].id)
        footer = " ".join(screen_lines(app)[-2:])
        for key, what in [
            ("n", "next"),
            ("h", "hint"),
            ("l", "list"),
            ("c", "check all"),
            ("x", "reset"),
            ("r", "rerun"),
            ("s", "solution"),
            ("m", "compare"),
            ("q", "quit"),
            ("p", "projection"),
        ]:
            assert re.search(rf"\b{key} {what}\b", footer), f"{key} {what} not in the footer"
        assert "1 2 3 4 5" in footer and "panels" in footer


async def test_a_click_on_a_tab_shows_its_page(tmp_path: Path, catalog: list[Exercise]) -> None:
    app, _, _ = make_app(tmp_path, open_exercise=catalog[0].id, check_on_open=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exercise(pilot, catalog[0].id)
        await pilot.click("#tab-latency")
        await pilot.pause()
        assert on_screen(app, screen.query_one("#latency"))
        assert not screen.query_one("#lesson").display


async def test_at_120x36_the_lesson_sits_beside_the_chosen_panel(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    ex = catalog[0]
    app, _, _ = make_app(tmp_path, open_exercise=ex.id, check_on_open=False, watch=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_exercise(pilot, ex.id)
        text_box, threads = screen.query_one("#text-box"), screen.query_one("#threads-box")
        assert on_screen(app, text_box) and on_screen(app, threads)
        assert text_box.size.height >= 12
        assert text_box.region.right <= threads.region.x  # side by side
        await pilot.press("4")
        await pilot.pause()
        assert on_screen(app, screen.query_one("#latency")) and not threads.display
        assert on_screen(app, text_box)  # the lesson stays


@pytest.mark.parametrize("size", [(160, 48), (200, 60)])
async def test_large_terminals_show_everything_at_once(
    tmp_path: Path, size: tuple[int, int], catalog: list[Exercise]
) -> None:
    ex = catalog[0]
    app, _, _ = make_app(tmp_path, open_exercise=ex.id, check_on_open=False, watch=False)
    async with app.run_test(size=size) as pilot:
        screen = await open_exercise(pilot, ex.id)
        boxes = [screen.query_one("#targets-box"), screen.query_one("#text-box")]
        boxes += [screen.page_widget(p.name) for p in PAGES[1:]]
        for box in boxes:
            assert on_screen(app, box), box
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.region.overlaps(b.region), (a, b)
        assert screen.query_one("#text-box").size.height >= 20
        shown = "\n".join(screen_lines(app))
        assert all(title in shown for title in PAGE_TITLES.values())


async def test_resizing_moves_between_layouts(tmp_path: Path, catalog: list[Exercise]) -> None:
    app, _, _ = make_app(tmp_path, open_exercise=catalog[0].id, check_on_open=False, watch=False)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await open_exercise(pilot, catalog[0].id)
        assert screen.has_class("-wide") and on_screen(app, screen.query_one("#log"))
        await pilot.press("3")
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert screen.has_class("-compact")
        # the page last chosen is the one shown
        assert on_screen(app, screen.query_one("#placement-box"))
        assert not screen.query_one("#log").display


async def test_projection_at_80x24_shows_the_targets_and_two_panels(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    ex = catalog[0]
    app, _, _ = make_app(
        tmp_path, open_exercise=ex.id, check_on_open=False, watch=False, projection=True
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_exercise(pilot, ex.id)
        for widget in ("#big-figures", "#targets-box", "#threads-box", "#latency"):
            assert on_screen(app, screen.query_one(widget)), widget
        assert not screen.query_one("#text-box").display
        await pilot.press("5")  # the chosen panel takes the second place
        await pilot.pause()
        assert on_screen(app, screen.query_one("#log"))
        assert on_screen(app, screen.query_one("#threads-box"))
        assert not screen.query_one("#latency").display


async def test_compare_at_80x24_shows_one_panel_a_side(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    app, _, _ = make_app(
        tmp_path, open_exercise=catalog[0].id, check_on_open=False, watch=False, seconds=0.2
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_exercise(pilot, catalog[0].id)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), 5, "compare")
        screen = app.screen
        await pilot.pause(0.3)
        graphs = [screen.query_one(f"#threads-{s}") for s in ("yours", "other")]
        latency = [screen.query_one(f"#latency-{s}") for s in ("yours", "other")]
        assert all(on_screen(app, w) for w in graphs) and not any(w.display for w in latency)
        assert all(g.size.width >= 30 for g in graphs)  # the churn sits under the graph
        footer = " ".join(screen_lines(app)[-2:])
        assert "2 4 panels" in footer
        await pilot.press("4")
        await pilot.pause()
        assert all(on_screen(app, w) for w in latency)
        assert not any(on_screen(app, g) for g in graphs)
        await pilot.resize_terminal(200, 60)
        await pilot.pause(0.3)
        assert all(on_screen(app, w) for w in graphs + latency)  # room for both
        assert "panels" not in " ".join(screen_lines(app)[-1:])  # and no page keys
