"""Load on a real gunicorn: a busy campaign day (default), or a burst of syncs (`burst`).

Busy day (`bench/busy_day.py`): PARTNERS partners syncing (one PUT every 2 s each) while staff
import a ROWS-row spreadsheet through the upload page and start a theme run, against gunicorn
started the way `make run` starts it. Prints requests, 5xx, acknowledged-and-lost, sync PUT
p50/p95/max, import time and run time. `--root DIR` runs another copy of the code (e.g. main's,
for the "before" figures).

    nice -n 5 .venv/bin/python bench/load.py
    nice -n 5 .venv/bin/python bench/load.py --postgres postgresql://postgres@127.0.0.1:54339/load

Burst (the older scenario) — many partners syncing at once, then the public tracker vs a
trivial route:

Starts gunicorn on a free 127.0.0.1 port against a fresh database (a temporary SQLite file,
or the PostgreSQL database given with --postgres, which must be empty), upgraded with
`flask db upgrade` and seeded with `flask demo seed` plus one partner and API token per client.
Then:

1. intake: CLIENTS threads with keep-alive connections PUT conversations with bearer tokens;
   REPLAY of the requests repeat an earlier conversation (same UUID and body) and some pairs
   are sent at the same moment by two clients. Prints throughput, latency percentiles,
   statuses, and rows lost or doubled (database rows vs the UUIDs sent: both must be 0).
2. tracker: requests/s of /pledges as a ratio of /healthz, with the page cache off ("cold":
   every request renders) and on ("cached"), each on its own gunicorn; cold is measured again
   while TRACKER_WRITERS partners keep syncing (readers must not queue behind writers).

Figures are printed, never asserted. Loopback only; everything stops by itself.

    nice -n 5 .venv/bin/python bench/load.py burst
    nice -n 5 .venv/bin/python bench/load.py burst --postgres postgresql://…/load
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
ANSWERS = [
    "The rent went up again and we cannot keep up with bills.",
    "My son waits months for a mental health appointment.",
    "There is mould in the flat and the landlord does nothing.",
    "Zero hours contracts mean I never know what I will earn.",
    "I feel alone since I moved here and my English is not good.",
    "The youth club closed so the kids have nowhere to go.",
    "Racism at work makes it hard to ask for help.",
    "Childcare costs more than I earn on a shift.",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.stdout


def seed_partners(env: dict, count: int) -> list[dict]:
    """One partner user and token per client, spread over the demo's organisations."""
    script = f"""
import json, sys
from listening import create_app
from listening.accounts import operations
from listening.extensions import db
from listening.intake.models import Campaign, Organisation
from sqlalchemy import select
app = create_app()
with app.app_context():
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "sel-2023"))
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))[:10]
    out = []
    for i in range({count}):
        org = organisations[i % len(organisations)]
        user = operations.create_user(f"load{{i}}@example.org", "partner",
                                      "load-test-password-{{i}}", organisation_name=org.name)
        out.append({{"token": operations.issue_token(user), "organisation": org.name}})
    db.session.commit()
    boroughs = [a.slug for a in campaign.areas]
    groups = [g.slug for g in campaign.groups]
    print(json.dumps({{"partners": out, "boroughs": boroughs, "groups": groups}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextmanager
def gunicorn(env: dict, workers: int, threads: int, log: Path):
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "wsgi:app",
    ]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=False,
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                status, _ = request("127.0.0.1", port, "GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {log}")
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer /healthz within 90 s")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(host, port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def make_jobs(meta: dict, total: int, replay: float, pairs: int, rng: random.Random):
    """(client index, uuid, body) jobs: new conversations, later replays of some of them,
    and new conversations sent twice back to back (a double tap: two clients at once)."""
    partners = meta["partners"]
    n_replay = int(total * replay)
    n_pairs = pairs // 2
    n_unique = total - n_replay - 2 * n_pairs

    def new_job():
        client = rng.randrange(len(partners))
        body = {
            "campaign": "sel-2023",
            "borough": rng.choice(meta["boroughs"]),
            "organisation": partners[client]["organisation"],
            "date": (date(2023, 6, 1) + timedelta(days=rng.randrange(100))).isoformat(),
            "format": rng.choice(["one-to-one", "small-group", "event", "online"]),
            "people_count": rng.randint(1, 12),
            "groups": rng.sample(meta["groups"], k=rng.randint(0, 2)),
            "consent_to_quote": rng.random() < 0.7,
            "responses": rng.sample(ANSWERS, k=rng.randint(1, 3)),
        }
        return client, str(uuid.uuid4()), json.dumps(body)

    jobs = [new_job() for _ in range(n_unique)]
    for _ in range(n_replay):  # a retry after a lost reply: same UUID, same body, later on
        position = rng.randrange(len(jobs) // 2, len(jobs) + 1)
        jobs.insert(position, rng.choice(jobs[: max(1, position // 2)]))
    for _ in range(n_pairs):
        job = new_job()
        position = rng.randrange(len(jobs))
        jobs[position:position] = [job, job]
    return jobs


def run_intake(port: int, meta: dict, jobs: list, clients: int):
    tokens = [p["token"] for p in meta["partners"]]
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    results, lock = [], threading.Lock()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        while True:
            try:
                client, reference, body = work.get_nowait()
            except queue.Empty:
                break
            headers = {
                "Authorization": f"Bearer {tokens[client]}",
                "Content-Type": "application/json",
            }
            started = time.perf_counter()
            try:
                connection.request(
                    "PUT", f"/api/v1/conversations/{reference}", body=body, headers=headers
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status = f"connection: {type(error).__name__}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            mine.append((reference, status, time.perf_counter() - started))
        connection.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def rate(port: int, path: str, seconds: float, clients: int) -> tuple[float, Counter]:
    """Requests/s for `path` with `clients` keep-alive connections for `seconds`."""
    stop = time.monotonic() + seconds
    counts, statuses, lock = [0] * clients, Counter(), threading.Lock()

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local = Counter()
        while time.monotonic() < stop:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                local[response.status] += 1
                counts[index] += 1
            except (OSError, http.client.HTTPException) as error:
                local[type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.close()
        with lock:
            statuses.update(local)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - began), statuses


def verify(database_url: str, jobs: list, results: list) -> dict:
    """Compare database rows with what was sent: lost and doubled must both be 0."""
    from sqlalchemy import create_engine, text

    from listening.config import database_url as normalise

    sent = {reference: json.loads(body) for _client, reference, body in jobs}
    acknowledged = {ref for ref, status, _ in results if isinstance(status, int) and status < 300}
    engine = create_engine(normalise(database_url))
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.uuid, count(r.id) FROM intake_conversation c "
                "LEFT JOIN intake_response r ON r.conversation_id = c.id GROUP BY c.uuid"
            )
        ).all()
        creates = connection.execute(
            text(
                "SELECT entity_id, count(*) FROM accounts_audit_event "
                "WHERE entity = 'conversation' AND action = 'create' GROUP BY entity_id"
            )
        ).all()
        total = connection.execute(text("SELECT count(*) FROM intake_conversation")).scalar()
        distinct = connection.execute(
            text("SELECT count(DISTINCT uuid) FROM intake_conversation")
        ).scalar()
    engine.dispose()
    stored = {uuid_: responses for uuid_, responses in rows if uuid_ in sent}
    create_count = {entity_id: n for entity_id, n in creates if entity_id in sent}
    wrong_answers = [u for u, n in stored.items() if n != len(sent[u]["responses"])]
    return {
        "unique_sent": len(sent),
        "rows_for_sent": len(stored),
        "lost": len(acknowledged - set(stored)),
        "never_acknowledged": len(set(sent) - acknowledged),
        "doubled": (total - distinct) + sum(1 for n in create_count.values() if n > 1),
        "answers_doubled_or_missing": len(wrong_answers),
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def burst(argv: list[str]) -> None:
    """The older scenario: CLIENTS partners syncing as fast as they can, then the tracker."""
    parser = argparse.ArgumentParser(description="load.py burst: " + __doc__.split("\n")[0])
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database URL (default: SQLite)")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--replay", type=float, default=0.10)
    parser.add_argument("--pairs", type=int, default=100, help="requests sent as double taps")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--tracker-seconds", type=float, default=8)
    parser.add_argument("--tracker-clients", type=int, default=10)
    parser.add_argument(
        "--tracker-writers",
        type=int,
        default=5,
        help="partners syncing while the tracker is measured a second time",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the work directory and log")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="listening-load-"))
    database_url = args.postgres or f"sqlite:///{workdir / 'load.sqlite3'}"
    env = os.environ | {
        "LISTENING_DATABASE_URL": database_url,
        "LISTENING_SECRET_KEY": "load-test",
        # every client is on 127.0.0.1: the per-address limit would refuse them all. The
        # per-token limit stays on, so its counter (a database write per PUT) is part of what
        # is measured, but high enough that a fast run is not refused: 50 simulated phones
        # sending 100 conversations a minute each is not the traffic the default guards.
        "LISTENING_API_RATE_LIMIT_PER_ADDRESS": "0",
        "LISTENING_API_RATE_LIMIT": "100000/minute",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LISTENING_REDIS_URL", None)
    log = workdir / "gunicorn.log"
    try:
        began = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "demo", "seed")
        meta = seed_partners(env, args.clients)
        setup = time.perf_counter() - began
        print(f"database: {database_url.split('@')[-1]}  (setup {setup:.0f} s)")
        rng = random.Random(args.seed)
        jobs = make_jobs(meta, args.requests, args.replay, args.pairs, rng)

        with gunicorn(
            env | {"LISTENING_ASSEMBLY_CACHE_SECONDS": "60"}, args.workers, args.threads, log
        ) as port:
            # each worker loads the redaction model on its first answer: not part of the figure
            warm = make_jobs(meta, args.workers * args.threads * 2, 0, 0, rng)
            run_intake(port, meta, warm, args.workers * args.threads)
            results, elapsed = run_intake(port, meta, jobs, args.clients)
            latencies = [seconds for _ref, _status, seconds in results]
            statuses = Counter(status for _ref, status, _ in results)
            report = verify(database_url, jobs, results)
            print(
                f"\nintake: {len(results)} PUTs by {args.clients} clients, gunicorn "
                f"{args.workers} workers x {args.threads} threads"
            )
            print(f"  throughput   {len(results) / elapsed:8.1f} req/s  ({elapsed:.1f} s)")
            print(
                f"  latency ms   p50 {percentile(latencies, 0.5) * 1000:7.0f}   "
                f"p95 {percentile(latencies, 0.95) * 1000:7.0f}   "
                f"p99 {percentile(latencies, 0.99) * 1000:7.0f}   "
                f"mean {statistics.mean(latencies) * 1000:7.0f}"
            )
            print(f"  statuses     {dict(sorted(statuses.items(), key=str))}")
            print(f"  rows         {json.dumps(report)}")
            time.sleep(1)
            cached = tracker(port, args)
        with gunicorn(
            env | {"LISTENING_ASSEMBLY_CACHE_SECONDS": "0"}, args.workers, args.threads, log
        ) as port:
            warm = make_jobs(meta, args.workers * args.threads * 2, 0, 0, rng)
            run_intake(port, meta, warm, args.workers * args.threads)
            cold = tracker(port, args)
            with background_writes(port, meta, args.tracker_writers, rng) as writes:
                busy = tracker(port, args)
        print(
            f"\ntracker vs /healthz ({args.tracker_clients} clients, "
            f"{args.tracker_seconds:.0f} s each):"
        )
        for label, (health, pledges, health_status, pledge_status) in (
            ("cold (cache off)", cold),
            (f"cold + {args.tracker_writers} writers", busy),
            ("cached", cached),
        ):
            print(
                f"  {label:19} /healthz {health:7.1f} req/s   /pledges {pledges:7.1f} req/s"
                f"   ratio {pledges / health:5.2f}   statuses {dict(health_status)} "
                f"{dict(pledge_status)}"
            )
        print(
            f"  the writers meanwhile: {writes['rate']:.1f} PUT/s, statuses "
            f"{dict(writes['statuses'])}"
        )
        server_errors(log)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def server_errors(log: Path) -> None:
    """What went wrong on the server side: tracebacks and their last lines, counted."""
    lines = log.read_text(errors="replace").splitlines()
    locked = sum("database is locked" in line for line in lines)
    print(
        f"\nserver log: {sum('Traceback' in line for line in lines)} tracebacks, "
        f"'database is locked' {locked} times"
    )
    deferred = sum("writes in a read-only SQLite transaction" in line for line in lines)
    if deferred:
        print(f"  writes in a read-only SQLite transaction: {deferred}")
    causes = Counter()
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = next(
                (later for later in lines[index + 1 :] if later and not later[0].isspace()), "?"
            )
            # the line before a traceback says where it came from (a job, a request)
            where = lines[index - 1].strip() if index else ""
            causes[f"{tail[:120]}  <- {where[-90:]}" if where else tail[:160]] += 1
    for cause, count in causes.most_common(5):
        print(f"  {count:5d}  {cause}")


@contextmanager
def background_writes(port: int, meta: dict, clients: int, rng: random.Random):
    """`clients` partners PUT new conversations without a pause until the block ends."""
    stop, lock = threading.Event(), threading.Lock()
    stats = {"statuses": Counter(), "rate": 0.0}
    seeds = [rng.randrange(2**32) for _ in range(clients)]

    def worker(seed):
        local = random.Random(seed)
        results = []
        while not stop.is_set():
            job = make_jobs(meta, 1, 0, 0, local)
            results += [status for _ref, status, _s in run_intake(port, meta, job, 1)[0]]
        with lock:
            stats["statuses"].update(results)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in seeds]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        yield stats
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        stats["rate"] = sum(stats["statuses"].values()) / (time.perf_counter() - began)


def tracker(port: int, args) -> tuple[float, float, Counter, Counter]:
    request("127.0.0.1", port, "GET", "/pledges")  # warm the templates
    health, health_status = rate(port, "/healthz", args.tracker_seconds, args.tracker_clients)
    pledges, pledge_status = rate(port, "/pledges", args.tracker_seconds, args.tracker_clients)
    return health, pledges, health_status, pledge_status


def main() -> None:
    """`load.py [busy-day options]` (the default) or `load.py burst [options]`."""
    if sys.argv[1:2] == ["burst"]:
        burst(sys.argv[2:])
    else:
        from bench import busy_day

        busy_day.main(sys.argv[1:])


if __name__ == "__main__":
    main()
