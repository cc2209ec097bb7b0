"""gunicorn.conf.py: workers load the models as they start, with one compute thread each."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(tmp_path, **env):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("LISTENING_", "OMP_"))}
    environ |= {
        "LISTENING_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LISTENING_SECRET_KEY": "gunicorn-test",
        "LISTENING_REDIS_URL": "redis://127.0.0.1:9/0",  # never used: only the redaction model
        "LISTENING_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", str(log), "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=environ)
    return process, port, log


def _wait_for(log: Path, text: str, process, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        content = log.read_text() if log.exists() else ""
        if text in content:
            return content
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not logged: {log.read_text() if log.exists() else ''}")


def test_a_worker_loads_the_redaction_model_before_its_first_request(tmp_path):
    process, port, log = _serve(tmp_path)
    try:
        content = _wait_for(log, "models loaded", process)
        assert "models loaded (redaction) in" in content  # Redis set: no encoder in the web
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
            assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_warming_can_be_turned_off(tmp_path):
    process, port, log = _serve(tmp_path, LISTENING_WARM_MODELS="false")
    try:
        _wait_for(log, "Booting worker", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
            assert answer.status == 200
        assert "models loaded" not in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_without_redis_each_worker_queues_the_sweep_as_it_starts(tmp_path):
    """In-process jobs: work a stopped process left is swept once per worker start (the sweep
    itself: tests/themes/test_sweep.py), without holding up requests."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LISTENING_")}
    environ["LISTENING_DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=environ, check=True, capture_output=True)
    process, port, log = _serve(tmp_path, LISTENING_REDIS_URL="", LISTENING_WARM_MODELS="false")
    try:
        _wait_for(log, "sweep queued (in-process jobs)", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as answer:
            assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
