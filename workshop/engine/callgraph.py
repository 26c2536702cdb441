"""The reference graph of an exercise's package (printed by exercises/tools/
pincalls) and the walk that says which outside functions a function reaches,
and by which way: the evidence behind a static target like "compute no
longer pins its thread"."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ref:
    to: str  # "helper", "Pool.worker", "var hook" (local) or "runtime.LockOSThread"
    local: bool
    file: str
    line: int


@dataclass(frozen=True)
class Node:
    name: str
    file: str
    line: int
    refs: tuple[Ref, ...]


@dataclass(frozen=True)
class Reach:
    """How a function gets to an outside function: the package's functions on
    the way (caller first) and where the last one refers to it."""

    callee: str
    via: tuple[str, ...]
    file: str
    line: int

    def __str__(self) -> str:
        return f"{' → '.join(self.via)} → {self.callee} ({self.file}:{self.line})"


@dataclass(frozen=True)
class CallGraph:
    nodes: dict[str, Node]
    imports: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file -> paths

    @classmethod
    def from_json(cls, text: str) -> CallGraph:
        data = json.loads(text)
        raw = data["nodes"]
        imports = {f: tuple(paths) for f, paths in (data.get("imports") or {}).items()}
        return cls(
            {
                name: Node(
                    name,
                    n["file"],
                    n["line"],
                    tuple(
                        Ref(r["to"], bool(r.get("local")), r["file"], r["line"])
                        for r in n.get("refs") or ()
                    ),
                )
                for name, n in raw.items()
            },
            imports,
        )

    def functions_in(self, files: set[str]) -> list[str]:
        """Functions and methods declared in these files (variables left out)."""
        return sorted(
            n.name for n in self.nodes.values() if n.file in files and not n.name.startswith("var ")
        )

    def reaches(self, start: str, stop: frozenset[str] = frozenset()) -> dict[str, Reach]:
        """Every function start reaches (outside ones, and the exercise's own
        by their node names), each by a shortest way; functions named in stop
        are neither examined nor followed."""
        out: dict[str, Reach] = {}
        seen = {start}
        todo: deque[tuple[str, tuple[str, ...]]] = deque([(start, (start,))])
        while todo:
            name, via = todo.popleft()
            node = self.nodes.get(name)
            if node is None:
                continue
            for ref in node.refs:
                if ref.to not in stop:
                    out.setdefault(ref.to, Reach(ref.to, via, ref.file, ref.line))
                if ref.local and ref.to not in seen and ref.to not in stop:
                    seen.add(ref.to)
                    todo.append((ref.to, (*via, ref.to)))
        return out
