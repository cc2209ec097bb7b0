"""gunicorn settings read by `make run` and "Running at scale" (`gunicorn -c gunicorn.conf.py`).

Command-line flags (--workers, --threads, --bind) still win over anything here.

- One compute thread per worker: several workers (and their request threads) already keep the
  cores busy, and spaCy's BLAS or ONNX Runtime spreading one small answer over every core only
  adds contention (bench/README.md, "Redaction under several workers"). Set OMP_NUM_THREADS
  yourself to change it.
- Each worker loads the redaction model (and, with in-process jobs, the encoder) as it starts,
  so no visitor waits ~7 s for the first save. LISTENING_WARM_MODELS=false turns that off.
- A worker that is stopping lets its in-process jobs (and the follow-ups they start) finish,
  for up to the graceful timeout, before it exits; what is left then is left for a re-run.
"""

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # read by numpy's BLAS and our ONNX session
os.environ.setdefault("LISTENING_WARM_MODELS", "true")
timeout = 120  # a worker warming its models is not stuck


def post_worker_init(worker):
    """In each worker, after it has loaded the app and before it takes requests."""
    app = worker.wsgi
    from listening import start_background_work, warm_models

    if app.config.get("WARM_MODELS"):
        started = time.perf_counter()
        loaded = warm_models(app)
        worker.log.info(
            "worker %s: models loaded (%s) in %.1f s",
            worker.pid,
            ", ".join(loaded),
            time.perf_counter() - started,
        )
    if start_background_work(app):  # after the models load: the sweep uses them
        worker.log.info("worker %s: sweep queued (in-process jobs)", worker.pid)


def worker_exit(_server, worker):
    """In a stopping worker: finish the in-process jobs it started, within the graceful time."""
    from listening import jobs

    finished = jobs.drain(timeout=max(1, worker.cfg.graceful_timeout - 5))
    if finished:
        worker.log.info("worker %s: %d background jobs finished before exit", worker.pid, finished)
