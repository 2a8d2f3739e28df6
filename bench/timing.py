"""Timing helpers shared by the benchmarks."""

import statistics
import time
from collections.abc import Callable


def median_seconds(
    func: Callable[[], object], *, repeat: int = 50, warmup: int = 5
) -> float:
    """Median wall time of ``func()`` over ``repeat`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def interleaved_medians(
    funcs: dict[str, Callable[[], object]], *, repeat: int = 50, warmup: int = 5
) -> dict[str, float]:
    """Median time of each function, measured in alternation so noise hits all alike."""
    for func in funcs.values():
        for _ in range(warmup):
            func()
    samples: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            started = time.perf_counter()
            func()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in samples.items()}
