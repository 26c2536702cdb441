"""An SVG screenshot of the class view for the README, taken from the app
itself (App.save_screenshot) on a real room: Debian's Pushgateway and
Prometheus on loopback, 24 simulated learners pushing through pinlab's own
push code (the learners of scripts/bench_class.py, a few minutes of a
workshop compressed: their times are shifted into the past).

    .venv/bin/python scripts/screenshot_class.py      # writes docs/class-view.svg
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_class import Learner  # noqa: E402

from workshop.app.class_app import ClassApp, catalog_words  # noqa: E402
from workshop.app.screens.class_view import ClassViewScreen  # noqa: E402
from workshop.engine.catalog import load_catalog  # noqa: E402
from workshop.engine.class_local import LocalRoom  # noqa: E402
from workshop.engine.class_query import PromClient, fetch_snapshot  # noqa: E402
from workshop.engine.classroom import ClassSettings, push_progress  # noqa: E402

NAMES = [
    "Ada",
    "Byron",
    "Barbara",
    "Claude",
    "Dennis",
    "Edsger",
    "Frances",
    "Grace",
    "Hedy",
    "Ivan",
    "Joan",
    "Ken",
    "Leslie",
    "Margaret",
    "Niklaus",
    "Olga",
    "Peter",
    "Radia",
    "Sophie",
    "Tony",
    "Ursula",
    "Vint",
    "Wanda",
    "Xiao",
]


async def main() -> None:
    catalog = load_catalog()
    exercises = [(ex.id, [t.id for t in ex.targets]) for ex in catalog]
    order, labels = catalog_words()
    with LocalRoom.start() as room:
        now = time.time()
        for i, name in enumerate(NAMES):
            lr = Learner(name, exercises, random.Random(i))
            checks = random.Random(100 + i).randint(16, 40)
            for k in range(checks):  # a check a minute, ending now
                if i % 6 == 5 and k == checks - 14:
                    lr.rise = 0.0  # stuck for the last 14 minutes
                lr.check(now - (checks - k) * 60)
            assert push_progress(ClassSettings(room.gateway_url, name), lr.progress).ok
        client = PromClient(room.prometheus_url)
        while len(fetch_snapshot(client).learners) < len(NAMES):
            time.sleep(0.5)
        app = ClassApp(client, stuck_minutes=10, order=order, target_labels=labels)
        async with app.run_test(size=(160, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, ClassViewScreen)
            while screen.snapshot is None:
                await asyncio.sleep(0.1)
            await pilot.pause(0.5)
            app.save_screenshot("class-view.svg", str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
