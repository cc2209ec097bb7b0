"""A busy campaign day on a real gunicorn: partners syncing while staff import and run themes.

Used by `bench/load.py` (the figures) and by tests/test_busy_day.py (a small version that
asserts no 5xx and nothing lost, never timings). Everything talks to the app over HTTP, as
phones and staff browsers do; the database is read only to check what was kept.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STAFF_EMAIL = "load-staff@example.org"
STAFF_PASSWORD = "busy day at the centre"
IMPORT_COLUMNS = (
    "conversation_ref,date,borough,organisation,format,people_count,groups,consent_to_quote,"
    "response"
)
ANSWERS = [
    "The rent went up again and we cannot keep up with bills.",
    "My son waits months for a mental health appointment.",
    "There is mould in the flat and the landlord does nothing.",
    "Zero hours contracts mean I never know what I will earn.",
    "I feel alone since I moved here and my English is not good.",
    "The youth club closed so the kids have nowhere to go.",
    "Racism at work makes it hard to ask for help.",
    "Childcare costs more than I earn on a shift.",
    "The bus to the hospital takes an hour and costs too much.",
    "Nobody at the council answers when we report the damp.",
]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(root: Path, database_url: str, port: int) -> dict:
    """The app's environment: this database, no Redis (the embedded default), no per-address
    limit (every client here is 127.0.0.1; the per-token limit stays on)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENING_")}
    return env | {
        "LISTENING_DATABASE_URL": database_url,
        "LISTENING_SECRET_KEY": "busy-day",
        "LISTENING_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LISTENING_API_RATE_LIMIT_PER_ADDRESS": "0",
        "LISTENING_FORM_RATE_LIMIT": "0",
        "PYTHONPATH": str(root),
    }


def flask(root: Path, env: dict, *args: str) -> str:
    """Run `flask --app wsgi …` in `root`; its stdout."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return result.stdout


SETUP = """
import json
from sqlalchemy import select
from listening import create_app
from listening.accounts import operations
from listening.extensions import db
from listening.intake.models import Area, Campaign, CommunityGroup
from listening.organisations.models import Organisation
app = create_app()
with app.app_context():
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "sel-2023"))
    if campaign is None:
        from datetime import date
        campaign = Campaign(slug="sel-2023", name="SEL 2023", question="What puts pressure on you?",
                            starts_on=date(2023, 6, 1))
        for name in ("Southwark", "Lambeth", "Bexley"):
            campaign.areas.append(Area(slug=name.lower(), name=name))
        for name in ("Young people", "Carers"):
            campaign.groups.append(CommunityGroup(slug=name.lower().replace(" ", "-"), name=name))
        db.session.add(campaign)
        for i in range(4):
            db.session.add(Organisation(name=f"Load Organisation {i}", type="community"))
        db.session.flush()
    organisations = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))[:10]
    out = []
    for i in range(PARTNERS):
        org = organisations[i % len(organisations)]
        user = operations.create_user(f"load{i}@example.org", "partner",
                                      f"a partner on a phone {i}", organisation_name=org.name)
        out.append({"token": operations.issue_token(user), "organisation": org.name})
    operations.create_user("STAFF_EMAIL", "admin", "STAFF_PASSWORD")
    db.session.commit()
    print(json.dumps({
        "partners": out,
        "organisations": [o.name for o in organisations],
        "boroughs": [a.slug for a in campaign.areas],
        "groups": [g.slug for g in campaign.groups],
    }))
"""


def seed(root: Path, env: dict, partners: int) -> dict:
    """Partners (each with an API token), one admin, and a campaign if there is none."""
    script = (
        SETUP.replace("PARTNERS", str(partners))
        .replace("STAFF_EMAIL", STAFF_EMAIL)
        .replace("STAFF_PASSWORD", STAFF_PASSWORD)
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"seeding failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def spreadsheet(meta: dict, rows: int, rng: random.Random) -> tuple[bytes, int]:
    """An import file of `rows` answer rows (1 to 4 per conversation); (bytes, conversations)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(IMPORT_COLUMNS.split(","))
    written, conversations = 0, 0
    while written < rows:
        conversations += 1
        shared = [
            f"LOAD-{conversations:05d}",
            (date(2023, 6, 1) + timedelta(days=rng.randrange(100))).isoformat(),
            rng.choice(meta["boroughs"]),
            rng.choice(meta["organisations"]),
            rng.choice(["one-to-one", "small-group", "event"]),
            str(rng.randint(1, 12)),
            ";".join(rng.sample(meta["groups"], k=rng.randint(0, 1))),
            rng.choice(["yes", "no"]),
        ]
        for _ in range(min(rng.randint(1, 4), rows - written)):
            answer = f"{rng.choice(ANSWERS)} ({conversations}-{written})"
            writer.writerow([*shared, answer])
            written += 1
    return buffer.getvalue().encode(), conversations


@contextmanager
def gunicorn(root: Path, env: dict, port: int, log: Path, workers: int = 2, threads: int = 4):
    """gunicorn as `make run` starts it (gunicorn.conf.py, WORKERS x 4 threads); stops after."""
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers)]
    command += ["--threads", str(threads), "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", "-", "wsgi:app"]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {log}")
            content = log.read_text(errors="replace")
            warm = (
                env.get("LISTENING_WARM_MODELS") == "false"
                or content.count("models loaded") >= workers
            )
            if warm and _answers(port):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not start within 300 s: see {log}")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@dataclass
class Outcome:
    """What one run of the scenario saw."""

    puts: list[tuple[str, int | str, float]] = field(default_factory=list)  # uuid, status, s
    statuses: Counter = field(default_factory=Counter)  # every request, by status
    import_seconds: float | None = None
    import_status: str = "not run"
    run_seconds: float | None = None
    run_status: str = "not run"
    sent: dict[str, int] = field(default_factory=dict)  # uuid → answers sent
    busy_from: float = float("inf")  # when staff began (PUTs sent before it: the quiet phase)
    quiet: set[str] = field(default_factory=set)  # PUTs sent before staff began
    warm_until: float = 0.0  # PUTs sent before this warm the workers up: not in the times
    warming: set[str] = field(default_factory=set)
    lock = threading.Lock()

    def count(self, status) -> None:
        with self.lock:
            self.statuses[status] += 1


def partner(base: str, meta: dict, index: int, stop: threading.Event, out: Outcome, seed_: int):
    """One phone: a new conversation every 2 s (sooner never), with its token."""
    rng = random.Random(seed_)
    session = requests.Session()
    # a new connection per sync, as a phone on a poor signal makes (a kept-alive one would
    # race gunicorn's 2 s keep-alive timeout, the partners' own period)
    headers = {
        "Authorization": f"Bearer {meta['partners'][index]['token']}",
        "Connection": "close",
    }
    next_at = time.monotonic()
    while not stop.is_set():
        reference = str(uuid.uuid4())
        body = {
            "campaign": "sel-2023",
            "borough": rng.choice(meta["boroughs"]),
            "organisation": meta["partners"][index]["organisation"],
            "date": (date(2023, 6, 1) + timedelta(days=rng.randrange(100))).isoformat(),
            "format": rng.choice(["one-to-one", "small-group", "event", "online"]),
            "people_count": rng.randint(1, 12),
            "groups": rng.sample(meta["groups"], k=rng.randint(0, 1)),
            "consent_to_quote": rng.random() < 0.7,
            "responses": rng.sample(ANSWERS, k=rng.randint(1, 3)),
        }
        started = time.perf_counter()
        if started < out.busy_from:
            with out.lock:
                (out.warming if started < out.warm_until else out.quiet).add(reference)
        try:
            response = session.put(
                f"{base}/api/v1/conversations/{reference}", json=body, headers=headers, timeout=120
            )
            status: int | str = response.status_code
        except requests.RequestException as error:
            status = f"connection: {type(error).__name__}"
            session = requests.Session()
        elapsed = time.perf_counter() - started
        out.count(status)
        with out.lock:
            out.puts.append((reference, status, elapsed))
            out.sent[reference] = len(body["responses"])
        next_at += 2.0
        stop.wait(max(0.0, next_at - time.monotonic()))


def staff_session(base: str, out: Outcome) -> requests.Session:
    """An admin signed in through the login form (CSRF token and all). A new connection per
    request, as for the partners: a kept-alive one races gunicorn's 2 s keep-alive timeout (the
    server closes it just as the next poll is sent: "connection reset by peer")."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    page = session.get(f"{base}/login", timeout=120)
    out.count(page.status_code)
    token = CSRF.search(page.text).group(1)
    response = session.post(
        f"{base}/login",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=120,
    )
    out.count(response.status_code)
    if response.status_code != 303:
        raise RuntimeError(f"staff sign-in answered {response.status_code}")
    return session


def _token(session: requests.Session, url: str, out: Outcome) -> str | None:
    """The form's CSRF token; None when the page did not come (a 5xx under load)."""
    page = session.get(url, timeout=300)
    out.count(page.status_code)
    found = CSRF.search(page.text)
    return found.group(1) if found else None


def import_file(base: str, staff: requests.Session, data: bytes, out: Outcome) -> None:
    """Upload the spreadsheet as staff do; wait until the import says it is done."""
    token = _token(staff, f"{base}/intake/imports/new", out)
    if token is None:
        out.import_status = "upload page failed"
        return
    started = time.perf_counter()
    try:
        response = staff.post(
            f"{base}/intake/imports/new",
            data={"campaign": "sel-2023", "csrf_token": token},
            files={"file": ("busy-day.csv", data, "text/csv")},
            allow_redirects=False,
            timeout=1800,
        )
    except requests.RequestException as error:
        out.import_status = f"upload failed: {type(error).__name__}"
        out.count(out.import_status)
        return
    out.count(response.status_code)
    if response.status_code == 303:  # a progress page: poll it until the import has finished
        page_url = base + response.headers["Location"]
        while True:
            page = staff.get(page_url, timeout=120)
            out.count(page.status_code)
            state = re.search(r'data-import-status="(\w+)"', page.text)
            if state and state.group(1) in ("succeeded", "failed"):
                out.import_status = state.group(1)
                break
            time.sleep(1)
    else:
        out.import_status = f"answered {response.status_code}"
    out.import_seconds = time.perf_counter() - started


def theme_run(base: str, staff: requests.Session, database_url: str, out: Outcome) -> None:
    """Start a theme run from the themes page; wait for its row to finish."""
    started = time.perf_counter()
    token = _token(staff, f"{base}/themes/?campaign=sel-2023", out)
    while token is None and time.perf_counter() - started < 600:  # staff would reload
        time.sleep(5)
        token = _token(staff, f"{base}/themes/?campaign=sel-2023", out)
    if token is None:
        out.run_status = "themes page failed for 10 minutes"
        return
    response = staff.post(
        f"{base}/themes/runs",
        data={"campaign": "sel-2023", "csrf_token": token},
        allow_redirects=False,
        timeout=300,
    )
    out.count(response.status_code)
    found = re.search(r"/themes/runs/(\d+)", response.headers.get("Location", ""))
    if response.status_code != 303 or not found:
        out.run_status = f"answered {response.status_code}"
        return
    run_id = int(found.group(1))
    while True:
        status = scalar(database_url, "SELECT status FROM themes_run WHERE id = :id", id=run_id)
        if status in ("succeeded", "failed", "cancelled"):
            out.run_status = status
            break
        time.sleep(1)
    out.run_seconds = time.perf_counter() - started


def scalar(database_url: str, sql: str, **params):
    """One value from the database (a short read of its own)."""
    from sqlalchemy import create_engine, text

    from listening.config import database_url as normalise

    engine = create_engine(normalise(database_url))
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def lost(database_url: str, out: Outcome) -> dict:
    """Acknowledged (2xx) syncs missing from the database, or stored with the wrong answers."""
    from sqlalchemy import create_engine, text

    from listening.config import database_url as normalise

    acknowledged = {ref for ref, status, _ in out.puts if isinstance(status, int) and status < 300}
    engine = create_engine(normalise(database_url))
    try:
        with engine.connect() as connection:
            rows = dict(
                connection.execute(
                    text(
                        "SELECT c.uuid, count(r.id) FROM intake_conversation c "
                        "LEFT JOIN intake_response r ON r.conversation_id = c.id "
                        "WHERE c.source = 'api' GROUP BY c.uuid"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    missing = [ref for ref in acknowledged if ref not in rows]
    wrong = [ref for ref in acknowledged if ref in rows and rows[ref] != out.sent[ref]]
    return {"acknowledged": len(acknowledged), "lost": len(missing) + len(wrong)}


def scenario(
    base: str,
    database_url: str,
    meta: dict,
    data: bytes,
    partners: int,
    with_run: bool,
    warm_seconds: float = 4.0,
    max_seconds: float = 1800.0,
) -> Outcome:
    """Partners sync throughout; after `warm_seconds`, staff import `data` (and start a theme
    run); partners stop once both are done, and the outcome is checked against the database."""
    out = Outcome(warm_until=time.perf_counter() + min(5.0, warm_seconds / 2))
    stop = threading.Event()
    phones = [
        threading.Thread(target=partner, args=(base, meta, i, stop, out, 1000 + i), daemon=True)
        for i in range(partners)
    ]
    for phone in phones:
        phone.start()
    stop.wait(warm_seconds)
    out.busy_from = time.perf_counter()
    staff = staff_session(base, out)
    work = [threading.Thread(target=import_file, args=(base, staff, data, out))]
    if with_run:
        runner = staff_session(base, out)
        work.append(threading.Thread(target=theme_run, args=(base, runner, database_url, out)))
    for thread in work:
        thread.start()
    deadline = time.monotonic() + max_seconds
    for thread in work:
        thread.join(max(1.0, deadline - time.monotonic()))
    stop.set()
    for phone in phones:
        phone.join(180)
    return out


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def table(label: str, out: Outcome, check: dict, imported: tuple[int, int]) -> str:
    """One block of figures for the report."""
    timed = [(ref, s) for ref, status, s in out.puts if isinstance(status, int)]
    seconds = [s for ref, s in timed if ref not in out.quiet and ref not in out.warming]
    quiet = [s for ref, s in timed if ref in out.quiet]
    fivexx = sum(
        n for status, n in out.statuses.items() if isinstance(status, int) and status >= 500
    )
    failed = sum(n for status, n in out.statuses.items() if not isinstance(status, int))
    put_statuses = Counter(status for _ref, status, _s in out.puts)

    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} s"

    lines = [
        f"{label}",
        f"  requests            {sum(out.statuses.values())}"
        f"  (sync PUTs {len(out.puts)}: {dict(sorted(put_statuses.items(), key=str))})",
        f"  5xx                 {fivexx}" + (f"  (+{failed} connection errors)" if failed else ""),
        f"  acknowledged, lost  {check['lost']} of {check['acknowledged']}",
        f"  sync PUT p50/p95/max {percentile(seconds, 0.5):.2f} / "
        f"{percentile(seconds, 0.95):.2f} / {max(seconds):.2f} s  (during the import and run)"
        if seconds
        else "  sync PUT            no answers",
        f"  the same, before     {percentile(quiet, 0.5):.2f} / "
        f"{percentile(quiet, 0.95):.2f} / {max(quiet):.2f} s  ({len(quiet)} PUTs with "
        "nothing else going on)"
        if quiet
        else "",
        f"  import              {fmt(out.import_seconds)} ({out.import_status}; "
        f"{imported[0]} of {imported[1]} conversations stored)",
        f"  theme run           {fmt(out.run_seconds)} ({out.run_status})",
    ]
    return "\n".join(lines)


def server_log_summary(log: Path) -> str:
    """Tracebacks and "database is locked" in the server's log."""
    text = log.read_text(errors="replace")
    return (
        f"  server log          {text.count('Traceback')} tracebacks, "
        f"'database is locked' {text.count('database is locked')} times"
    )


def main(argv: list[str]) -> None:
    """The busy-day figures (see bench/load.py)."""
    parser = argparse.ArgumentParser(description="A busy campaign day on a real gunicorn.")
    parser.add_argument("--postgres", help="an EMPTY PostgreSQL database URL (default: SQLite)")
    parser.add_argument("--root", default=str(ROOT), help="the code to run (default: this tree)")
    parser.add_argument("--partners", type=int, default=20)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--no-run", action="store_true", help="no theme run meanwhile")
    parser.add_argument("--no-demo", action="store_true", help="skip `demo seed` (faster)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quiet-seconds", type=float, default=30, help="syncing alone first")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    workdir = Path(tempfile.mkdtemp(prefix="listening-busy-"))
    database_url = args.postgres or f"sqlite:///{workdir / 'busy.sqlite3'}"
    port = free_port()
    env = environment(root, database_url, port)
    log = workdir / "gunicorn.log"
    try:
        began = time.perf_counter()
        flask(root, env, "db", "upgrade")
        if not args.no_demo:
            flask(root, env, "demo", "seed", "--if-empty")
        meta = seed(root, env, args.partners)
        data, conversations = spreadsheet(meta, args.rows, random.Random(7))
        print(
            f"setup {time.perf_counter() - began:.0f} s; code {root}; "
            f"database {database_url.split('@')[-1]}",
            flush=True,
        )
        with gunicorn(root, env, port, log, workers=args.workers):
            out = scenario(
                f"http://127.0.0.1:{port}",
                database_url,
                meta,
                data,
                args.partners,
                with_run=not args.no_run,
                warm_seconds=args.quiet_seconds,
            )
        stored = scalar(
            database_url,
            "SELECT count(*) FROM intake_conversation WHERE reference LIKE 'LOAD-%'",
        )
        label = (
            f"{'PostgreSQL' if args.postgres else 'SQLite'}: {args.partners} partners "
            f"(a PUT every 2 s each), a {args.rows}-row import ({conversations} conversations)"
            + ("" if args.no_run else " and a theme run")
            + f", gunicorn {args.workers} workers x 4 threads"
        )
        print(table(label, out, lost(database_url, out), (stored, conversations)))
        print(server_log_summary(log))
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
