"""CPUs and NUMA nodes: the machine's own, or a layout an exercise declares.

Most machines have one node, so an exercise (or a flag) can declare a
simulated topology, e.g. two "sockets" of one CPU each on a 2-CPU machine,
each with its devices. Affinity is still set and read for real; only the
grouping of CPUs into nodes is declared.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NumaNode:
    id: int
    cpus: tuple[int, ...]
    devices: tuple[int, ...] = ()  # simulated device indexes attached here
    simulated: bool = False  # declared by an exercise, not read from sysfs


@dataclass(frozen=True)
class Topology:
    nodes: tuple[NumaNode, ...]
    simulated: bool = False

    @property
    def cpus(self) -> tuple[int, ...]:
        return tuple(sorted(cpu for node in self.nodes for cpu in node.cpus))

    def node_of_cpu(self, cpu: int) -> int | None:
        for node in self.nodes:
            if cpu in node.cpus:
                return node.id
        return None

    def node_of_device(self, device: int) -> int | None:
        for node in self.nodes:
            if device in node.devices:
                return node.id
        return None


def parse_cpulist(text: str) -> tuple[int, ...]:
    """Parse a kernel cpulist: "0-3,8,10-11" -> (0, 1, 2, 3, 8, 10, 11); "" -> ()."""
    cpus: set[int] = set()
    for part in text.strip().split(","):
        part = part.strip()
        if not part:
            continue
        first, dash, last = part.partition("-")
        if dash:
            low, high = int(first), int(last)
            if high < low:
                raise ValueError(f"bad cpu range {part!r}")
            cpus.update(range(low, high + 1))
        else:
            cpus.add(int(first))
    return tuple(sorted(cpus))


def format_cpulist(cpus: Sequence[int]) -> str:
    """(0, 1, 2, 3, 8) -> "0-3,8": the inverse of parse_cpulist."""
    parts: list[str] = []
    ordered = sorted(set(cpus))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def read_topology(sys_root: str = "/sys") -> Topology:
    """The machine's NUMA nodes from sysfs; one node with every CPU this
    process may use when sysfs has no node directories."""
    nodes: list[NumaNode] = []
    for path in glob.glob(f"{sys_root}/devices/system/node/node*/cpulist"):
        match = re.search(r"/node(\d+)/cpulist$", path)
        if match is None:
            continue
        try:
            with open(path) as f:
                cpus = parse_cpulist(f.read())
        except (OSError, ValueError):
            continue
        if cpus:  # memory-only nodes have no CPUs
            nodes.append(NumaNode(id=int(match.group(1)), cpus=cpus))
    if not nodes:
        nodes.append(NumaNode(id=0, cpus=_usable_cpus()))
    return Topology(nodes=tuple(sorted(nodes, key=lambda n: n.id)))


def _usable_cpus() -> tuple[int, ...]:
    try:
        return tuple(sorted(os.sched_getaffinity(0)))
    except OSError:
        return tuple(range(os.cpu_count() or 1))


def simulated_topology(spec: Mapping[str, Any]) -> Topology:
    """A declared layout, e.g.
    {"sockets": [{"cpus": [0], "devices": [0, 1]}, {"cpus": [1], "devices": [2, 3]}]}.

    `cpus` may also be a cpulist string ("0-3"). Raises ValueError for a
    malformed spec (a manifest error, caught when the exercise loads).
    """
    sockets = spec.get("sockets")
    if not isinstance(sockets, Sequence) or isinstance(sockets, str) or not sockets:
        raise ValueError("topology spec needs a non-empty 'sockets' list")
    nodes: list[NumaNode] = []
    for index, socket in enumerate(sockets):
        if not isinstance(socket, Mapping):
            raise ValueError(f"socket {index} is not a mapping")
        nodes.append(
            NumaNode(
                id=index,
                cpus=_cpus_of(socket.get("cpus"), index),
                devices=tuple(sorted(int(d) for d in socket.get("devices", ()))),
                simulated=True,
            )
        )
    seen: set[int] = set()
    for node in nodes:
        if seen & set(node.cpus):
            raise ValueError(f"socket {node.id} shares CPUs with another socket")
        seen.update(node.cpus)
    return Topology(nodes=tuple(nodes), simulated=True)


def _cpus_of(value: object, index: int) -> tuple[int, ...]:
    if isinstance(value, str):
        cpus = parse_cpulist(value)
    elif isinstance(value, Sequence):
        cpus = tuple(sorted(int(c) for c in value))
    else:
        raise ValueError(f"socket {index} needs 'cpus'")
    if not cpus:
        raise ValueError(f"socket {index} has no CPUs")
    return cpus
