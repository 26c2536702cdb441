"""Topology: cpulists, the machine's NUMA nodes and declared layouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from probes.topology import (
    NumaNode,
    format_cpulist,
    parse_cpulist,
    read_topology,
    simulated_topology,
)


def test_parse_and_format_cpulists() -> None:
    assert parse_cpulist("0-3,8,10-11\n") == (0, 1, 2, 3, 8, 10, 11)
    assert parse_cpulist("5") == (5,)
    assert parse_cpulist("") == ()
    assert format_cpulist((0, 1, 2, 3, 8, 10, 11)) == "0-3,8,10-11"
    assert format_cpulist(()) == ""
    with pytest.raises(ValueError):
        parse_cpulist("3-1")


def test_this_machines_topology_covers_the_cpus_we_may_use() -> None:
    topology = read_topology()
    assert not topology.simulated and topology.nodes
    assert set(os.sched_getaffinity(0)) <= set(topology.cpus)
    for cpu in os.sched_getaffinity(0):
        assert topology.node_of_cpu(cpu) is not None


def test_sysfs_nodes_are_read_and_memory_only_nodes_skipped(tmp_path: Path) -> None:
    for node, cpus in (("node0", "0-1,4"), ("node1", "2-3"), ("node2", "")):
        directory = tmp_path / "devices" / "system" / "node" / node
        directory.mkdir(parents=True)
        (directory / "cpulist").write_text(cpus + "\n")
    topology = read_topology(sys_root=str(tmp_path))
    assert topology.nodes == (NumaNode(0, (0, 1, 4)), NumaNode(1, (2, 3)))
    assert topology.node_of_cpu(4) == 0 and topology.node_of_cpu(9) is None


def test_without_node_directories_one_node_holds_our_cpus(tmp_path: Path) -> None:
    topology = read_topology(sys_root=str(tmp_path))
    assert len(topology.nodes) == 1
    assert topology.nodes[0].cpus == tuple(sorted(os.sched_getaffinity(0)))


def test_a_declared_layout_is_simulated_with_its_devices() -> None:
    topology = simulated_topology(
        {"sockets": [{"cpus": [0], "devices": [0, 1]}, {"cpus": "1", "devices": [2, 3]}]}
    )
    assert topology.simulated
    assert [(n.id, n.cpus, n.devices, n.simulated) for n in topology.nodes] == [
        (0, (0,), (0, 1), True),
        (1, (1,), (2, 3), True),
    ]
    assert topology.node_of_device(3) == 1 and topology.node_of_cpu(0) == 0
    assert topology.cpus == (0, 1)


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"sockets": []},
        {"sockets": "0,1"},
        {"sockets": [{"devices": [0]}]},
        {"sockets": [{"cpus": []}]},
        {"sockets": [{"cpus": [0, 1]}, {"cpus": [1]}]},
    ],
)
def test_malformed_layouts_are_refused(spec: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        simulated_topology(spec)
