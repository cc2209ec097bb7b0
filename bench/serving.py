"""Benchmark redaction (and the encoder) as gunicorn serves it: several worker processes at once,
each with a given number of compute threads.

Usage: python bench/serving.py [--workers 2] [--threads 1 0] [--n 300] [--encoder]

For each thread setting (0 = the libraries' default: every core), starts --workers processes
that each warm the model (timed) and then redact --n answers (bench/redaction.py's speed set),
all at once; prints the model load time, the answers/s of all workers together, and the
latency per answer (p50/p95 over every worker's answers). --encoder also times embedding each
answer with the ONNX encoder (what in-process jobs do after a save).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from redaction import speed_answers  # noqa: E402  (bench/redaction.py)

_barrier = None


def _init(barrier) -> None:
    global _barrier
    _barrier = barrier


def _work(args) -> tuple[float, list[float], list[float]]:
    answers, threads, encoder = args
    from listening.intake import redaction
    from listening.themes.pipeline.embed import load_model

    started = time.perf_counter()
    redaction.find_pii("Warm-up: call Ada on 07700 900123.")
    model = load_model(num_threads=threads or None) if encoder else None
    load = time.perf_counter() - started
    _barrier.wait()  # every worker starts redacting at the same moment
    redact, embed = [], []
    for answer in answers:
        began = time.perf_counter()
        redacted = redaction.redact(answer)
        redact.append(time.perf_counter() - began)
        if model is not None:
            began = time.perf_counter()
            model.encode([redacted])
            embed.append(time.perf_counter() - began)
    return load, redact, embed


def run(workers: int, threads: int, n: int, encoder: bool, data: Path) -> None:
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)  # inherited by the spawned workers
    else:
        os.environ.pop("OMP_NUM_THREADS", None)
    answers = speed_answers(data, n)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    with context.Pool(workers, initializer=_init, initargs=(barrier,)) as pool:
        results = pool.map(_work, [(answers, threads, encoder)] * workers, chunksize=1)
    loads = [r[0] for r in results]
    label = f"{threads} thread" if threads else "default threads"
    print(f"{workers} workers, {label}: load {max(loads):.1f} s (slowest worker)")
    _latency("  redaction", [r[1] for r in results])
    if encoder:
        _latency("  encoder", [r[2] for r in results])


def _latency(name: str, per_worker: list[list[float]]) -> None:
    """Answers/s of all workers together (each worker's busy time; they run at once)."""
    latencies = [x for worker in per_worker for x in worker]
    cuts = statistics.quantiles(latencies, n=20)
    rate = sum(len(w) / sum(w) for w in per_worker)
    print(
        f"{name}: {rate:,.1f} answers/s all workers, "
        f"p50 {1000 * cuts[9]:.1f} ms, p95 {1000 * cuts[18]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--encoder", action="store_true")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/realdata/polis"))
    args = parser.parse_args()
    for threads in args.threads:
        run(args.workers, threads, args.n, args.encoder, args.data)


if __name__ == "__main__":
    main()
