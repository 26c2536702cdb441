"""Samplers of a running process: OS threads, churn, CPU/NUMA placement,
locked threads, GPUs (NVML and simulated) and latency. No Textual here:
samples are frozen dataclasses that the TUI, `pinlab check` and
`pinlab probe` all consume."""

from probes.churn import Churn, NsinitReport, TidChurn
from probes.devices import DeviceStats, device_utilisation, devices_as_gpus, read_devices
from probes.gpu import GpuInfo, GpuReading, NvmlReader, read_gpus
from probes.harness import GoRuntime, HarnessView
from probes.latency import (
    Distribution,
    LatencySample,
    LatencyTracker,
    Percentiles,
    decode_histogram,
    interval_distribution,
    percentiles,
    throughput,
)
from probes.procfs import child_pids
from probes.report import LatestDetail, format_text, sample_record
from probes.sampler import ProcessSample, Sampler, SamplerRates
from probes.threads import ThreadInfo, ThreadReader, read_threads, thread_count
from probes.topology import (
    NumaNode,
    Topology,
    parse_cpulist,
    read_topology,
    simulated_topology,
)

__all__ = [
    "Churn",
    "DeviceStats",
    "Distribution",
    "GoRuntime",
    "GpuInfo",
    "GpuReading",
    "HarnessView",
    "LatestDetail",
    "LatencySample",
    "LatencyTracker",
    "NsinitReport",
    "NumaNode",
    "NvmlReader",
    "Percentiles",
    "ProcessSample",
    "Sampler",
    "SamplerRates",
    "ThreadInfo",
    "ThreadReader",
    "TidChurn",
    "Topology",
    "child_pids",
    "decode_histogram",
    "device_utilisation",
    "devices_as_gpus",
    "format_text",
    "interval_distribution",
    "parse_cpulist",
    "percentiles",
    "read_devices",
    "read_gpus",
    "read_threads",
    "read_topology",
    "sample_record",
    "simulated_topology",
    "thread_count",
    "throughput",
]
