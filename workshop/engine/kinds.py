"""The target kinds, in one table: for each, when it is judged, whether it
holds-or-not or has a value, the limit it implies, and whether its detail is
worth showing when met. Every other module asks this table; no kind string is
compared anywhere else."""

from __future__ import annotations

from dataclasses import dataclass

# when a kind is judged
STATIC = "static"  # from the source and the build, before anything runs
MEASURED = "measured"  # from the runs of the learner's program
RATIO = "ratio"  # from runs of the learner's program beside a reference's
TEST = "test"  # the exercise's own Go tests, after the runs

NO_CALL = "no-call"
NO_IMPORT = "no-import"
NOT_INLINED = "not-inlined"
GO_TEST = "go-test"
THREADS_ABOVE_BASELINE = "threads-above-baseline"
THREAD_CREATIONS = "thread-creations"
THROUGHPUT_RATIO = "throughput-ratio"
LATENCY_RATIO = "latency-ratio"
ALLOCS_PER_CALL = "allocs-per-call"
ERRORS = "errors"
INFO = "info"


@dataclass(frozen=True)
class Kind:
    name: str
    stage: str
    doc: str
    passfail: bool = False  # holds or not: no limit, no value to show when met
    implied_max: float | None = None  # the limit when a manifest writes none
    needs_graph: bool = False  # judged from the package's reference graph

    @property
    def static(self) -> bool:
        return self.stage == STATIC

    @property
    def ratio(self) -> bool:
        return self.stage == RATIO

    @property
    def measured(self) -> bool:
        """Judged from runs of the program (ratios included)."""
        return self.stage in (MEASURED, RATIO)

    @property
    def needs_limit(self) -> bool:
        return not self.passfail and self.implied_max is None

    @property
    def detail_when_met(self) -> bool:
        """A ratio's rounds are worth reading even when it is met."""
        return self.ratio


KINDS = {
    k.name: k
    for k in (
        Kind(
            NO_CALL,
            STATIC,
            "no function named reaches a call (by type)",
            implied_max=0.0,
            needs_graph=True,
        ),
        Kind(
            NO_IMPORT,
            STATIC,
            "the editable files import none of some packages",
            implied_max=0.0,
            needs_graph=True,
        ),
        Kind(NOT_INLINED, STATIC, "a named function is not inlined (-gcflags=-m)", passfail=True),
        Kind(GO_TEST, TEST, "the exercise's own Go tests pass", passfail=True),
        Kind(THREADS_ABOVE_BASELINE, MEASURED, "peak OS threads minus the idle baseline"),
        Kind(THREAD_CREATIONS, MEASURED, "threads created per second of load"),
        Kind(THROUGHPUT_RATIO, RATIO, "calls/s against a reference, side by side"),
        Kind(LATENCY_RATIO, RATIO, "a latency percentile against a reference, side by side"),
        Kind(ALLOCS_PER_CALL, MEASURED, "heap objects allocated per call"),
        Kind(ERRORS, MEASURED, "calls that returned an error"),
        Kind(INFO, MEASURED, "a value the driver reports"),
    )
}


def kind(name: str) -> Kind:
    """The kind named; a KeyError for an unknown name (the catalog rejects those)."""
    return KINDS[name]
