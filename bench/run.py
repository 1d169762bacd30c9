"""Benchmark harness: production server, real load generator, ratios to a same-run baseline.

    .venv/bin/python bench/run.py --database sqlite --patients 1000 --scale 10 --seconds 5

For each data size (N patients, then N x scale) it builds a fresh database with
``kapcare seed``, starts ``kapcare serve`` (gunicorn, 2 workers) on a loopback port
with the bench baselines mounted, and drives every page with ``wrk``: 8 connections
for throughput and 1 connection for latency. It prints a table and writes JSON.
Absolute figures are logged; only ratios to ``hello`` of the same run are compared
with the targets, so results travel between machines.

Building the databases takes longer than measuring them and needs no quiet machine:
``--workdir DIR --build-only`` builds both sizes into DIR and stops; a later run with
the same ``--workdir`` measures the databases already built there instead of building
them again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SECRET = "bench-only-secret-key-" + "x" * 40


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may contain {patient}
    auth: str  # "session", "token" or "none"
    target_throughput: float | None = None  # minimum ratio to hello requests/s
    target_p99: float | None = None  # maximum ratio to hello p99 at c=1
    method: str = "GET"
    body: str | None = None  # JSON for a POST; each request gets its own Idempotency-Key


VITALS = (
    '{"phase": "recovery", "systolic": 128, "diastolic": 82, "heart_rate": 76, '
    '"spo2": 98, "respiratory_rate": 14, "moaas": 5}'
)


PAGES = (
    Page("hello", "/bench/hello", "none"),
    Page("row", "/bench/row/{patient}", "none"),
    Page("patient chart", "/patients/{patient}/", "session", 0.15, 10.0),
    Page("measures tab", "/patients/{patient}/measures/", "session", 0.15, 10.0),
    Page("clinic worklist", "/measures/needs-attention/", "session"),
    Page("alerts inbox", "/measures/alerts/", "session"),
    Page("patient list", "/patients/", "session"),
    Page("API patient read", "/api/v1/patients/{patient}", "token", 0.3),
    Page("API patients list", "/api/v1/patients?limit=25", "token", 0.3),
    Page("API scores list", "/api/v1/patients/{patient}/scores", "token", 0.3),
    Page("dosing console", "/patients/{patient}/sessions/{session}/", "session"),
    Page("clinic board", "/board/", "session"),
    Page(
        "vitals POST",
        "/api/v1/patients/{patient}/sessions/{session}/vitals",
        "write_token",
        0.25,
        method="POST",
        body=VITALS,
    ),
)


@dataclass
class Measure:
    page: str
    patients: int
    queries: int
    rps: float
    p50_ms: float
    p99_ms: float
    rps_ratio: float = 0.0
    p99_ratio: float = 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KAPCARE_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "KAPCARE_SECRET_KEY": SECRET,
            "KAPCARE_VAR_DIR": str(var_dir),
            "KAPCARE_BENCH": "true",
            "KAPCARE_SECURE_COOKIES": "false",
            "KAPCARE_SSL_REDIRECT": "false",
            "KAPCARE_LOG_LEVEL": "WARNING",
            "KAPCARE_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    return env


def kapcare(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "kapcare", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"kapcare {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


CREDENTIALS_SCRIPT = """
import json, time
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Membership
from kapcare.accounts.services import api_token_create
from kapcare.patients.models import Patient
m = (Membership.objects.select_related("user", "clinic")
     .filter(role="prescriber", clinic__slug="synthetic-1").first())
device, _ = TOTPDevice.objects.get_or_create(
    user=m.user, name="bench", defaults={"confirmed": True})
s = SessionStore()
s["_auth_user_id"] = str(m.user.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = m.user.get_session_auth_hash()
s["otp_device_id"] = device.persistent_id
s["kapcare_login_at"] = s["kapcare_last_seen"] = time.time()
s.create()
token = api_token_create(actor=Actor(user=m.user, clinic=m.clinic, role=m.role, membership=m),
                         name="bench", scope="read", days=1).raw
writer = api_token_create(actor=Actor(user=m.user, clinic=m.clinic, role=m.role, membership=m),
                          name="bench-write", scope="write", days=1).raw
# The measured patient has the median history of the clinic's active patients, so both
# sizes measure a patient with as much to show, not whoever sits in the middle by id.
from django.db.models import Count
histories = sorted(
    Patient.objects.filter(clinic=m.clinic, status="active")
    .annotate(n=Count("responses")).values_list("n", "pk"))
median = histories[len(histories) // 2][0]
patient = Patient.objects.get(pk=min(histories, key=lambda h: (abs(h[0] - median), h[1]))[1])
# The bench prescriber is on this patient's care team at every size, as in real use: what
# the care team may see (shared journal entries, notes) then costs the same at both sizes.
from kapcare.patients.models import CareTeamMember, TeamRole
if not CareTeamMember.objects.filter(patient=patient, membership=m).exists():
    CareTeamMember.objects.create(patient=patient, membership=m, team_role=TeamRole.PRESCRIBER)
# One session in recovery now, so the console, the board and the vitals POST have a live target.
import datetime as dt
from django.utils import timezone
from kapcare.dosing.models import DosingSession, VitalsReading
from kapcare.treatment.models import Appointment
now = timezone.now()
# A database measured again keeps one live session: the earlier runs' are closed, as an
# aborted session would be, so the board and the console show what they showed the first time.
DosingSession.objects.filter(
    clinic=m.clinic, appointment__dose_number=99, state="recovery"
).update(state="aborted", aborted_at=now, abort_reason="Benchmark session of an earlier run.")
appointment = Appointment.objects.create(
    clinic=m.clinic, patient=patient, kind="dosing", dose_number=99,
    start=now - dt.timedelta(minutes=50), end=now + dt.timedelta(minutes=70), created_by=m.user)
live = DosingSession.objects.create(
    clinic=m.clinic, patient=patient, appointment=appointment, route="iv_racemic",
    state="recovery", weight_kg=80, weight_recorded_at=now - dt.timedelta(minutes=55),
    checked_in_at=now - dt.timedelta(minutes=55), ready_at=now - dt.timedelta(minutes=50),
    dose_started_at=now - dt.timedelta(minutes=45), recovery_at=now - dt.timedelta(minutes=5))
for minutes, phase in ((55, "pre_dose"), (30, "dosing"), (15, "dosing"), (0, "recovery")):
    VitalsReading.objects.create(
        session=live, phase=phase, taken_at=now - dt.timedelta(minutes=minutes), systolic=126,
        diastolic=80, heart_rate=74, spo2=98, respiratory_rate=14, moaas=5, recorded_by=m.user)
print(json.dumps({"cookie": s.session_key, "token": token, "write_token": writer,
                  "patient": patient.pk, "session": live.pk}))
"""


BUILT = "built.json"  # written once a size's database is complete


def database_url(database: str, patients: int, var_dir: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{var_dir / 'bench.sqlite3'}"
    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return base.rsplit("/", 1)[0] + f"/kapcare_bench_{patients}"


def build(database: str, patients: int, workdir: Path) -> dict[str, str]:
    """A database of ``patients`` synthetic patients, or the one already built in workdir."""
    var_dir = workdir / f"var-{patients}"
    var_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(database, patients, var_dir)
    env = environment(url, var_dir)
    marker = var_dir / BUILT
    if marker.exists() and json.loads(marker.read_text()).get("url") == url:
        print(f"  reusing the {patients}-patient {database} database built before", flush=True)
        kapcare(env, "migrate", "-v0")  # a change since the build may bring a migration
        kapcare(env, "collectstatic", "--noinput", "-v0")
        return env
    marker.unlink(missing_ok=True)
    if database == "postgres":
        admin = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        name = url.rsplit("/", 1)[1]
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    else:
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
    kapcare(env, "migrate", "-v0")
    kapcare(env, "collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    kapcare(env, "seed", "--patients", str(patients), "--clinics", "2", "--seed", "1")
    elapsed = time.monotonic() - started
    print(f"  seeded {patients} patients on {database} in {elapsed:.1f} s", flush=True)
    if database == "postgres":
        kapcare(env, "dbshell", "--", "-qc", "VACUUM ANALYZE")
    marker.write_text(json.dumps({"url": url, "patients": patients, "seed_seconds": elapsed}))
    return env


def prepare(database: str, patients: int, workdir: Path) -> tuple[dict[str, str], dict[str, Any]]:
    env = build(database, patients, workdir)
    credentials = json.loads(
        kapcare(env, "shell", "-c", CREDENTIALS_SCRIPT).strip().splitlines()[-1]
    )
    return env, credentials


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [PYTHON, "-m", "kapcare", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env={**env, "KAPCARE_LOG_LEVEL": "ERROR"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/hello", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def headers_for(page: Page, credentials: dict[str, Any]) -> list[str]:
    if page.auth == "session":
        return [f"Cookie: kapcare_session={credentials['cookie']}"]
    if page.auth in ("token", "write_token"):
        return [f"Authorization: Bearer {credentials[page.auth]}"]
    return []


def query_count(page: Page, url: str, headers: list[str]) -> int:
    """Queries of one request, asked twice and the second kept: a signed-in session is
    re-saved at most every 30 s, and that write must not land in one size's count only."""
    query_count_once(page, url, headers)
    return query_count_once(page, url, headers)


def query_count_once(page: Page, url: str, headers: list[str]) -> int:
    data = None if page.body is None else page.body.encode()
    request = urllib.request.Request(url, data=data, method=page.method)
    for header in headers:
        key, value = header.split(": ", 1)
        request.add_header(key, value)
    if page.body is not None:
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", f"bench-count-{time.time_ns()}")
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status not in (200, 201):
            raise SystemExit(f"{url} answered {response.status}")
        return int(response.headers["X-Query-Count"])


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, headers: list[str], connections: int, seconds: int, body: str | None = None
) -> dict[str, float]:
    env = None
    args = [
        "wrk",
        "-t",
        str(min(connections, 2)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
    ]
    for header in headers:
        args += ["-H", header]
    if body is not None:
        args += ["-s", str(ROOT / "bench" / "unique_post.lua")]
        env = {**os.environ, "BENCH_BODY": body}
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True, env=env).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    percentiles = {
        int(p): float(v) * UNITS[u]
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return {"rps": rps, "p50": percentiles[50], "p99": percentiles[99]}


def repeated(
    url: str, headers: list[str], connections: int, seconds: int, body: str | None, runs: int
) -> dict[str, float]:
    """The median of each figure over ``runs`` wrk runs: one short run at c=1 moves its
    p50 by a fifth or more from one run to the next."""
    figures = [wrk(url, headers, connections, seconds, body) for _ in range(runs)]
    return {key: statistics.median(f[key] for f in figures) for key in figures[0]}


def measure(
    database: str, patients: int, seconds: int, workdir: Path, runs: int = 1
) -> list[Measure]:
    env, credentials = prepare(database, patients, workdir)
    port = free_port()
    log = workdir / f"server-{patients}.log"
    server = start_server(env, port, log)
    results = []
    try:
        for page in PAGES:
            path = page.path.format(patient=credentials["patient"], session=credentials["session"])
            url = f"http://127.0.0.1:{port}{path}"
            headers = headers_for(page, credentials)
            try:
                queries = query_count(page, url, headers)
            except urllib.error.HTTPError as error:
                tail = log.read_text(errors="replace")[-3000:]
                raise SystemExit(f"{url} answered {error.code}; server log:\n{tail}") from None
            loaded = repeated(url, headers, 8, seconds, page.body, runs)
            single = repeated(url, headers, 1, seconds, page.body, runs)
            results.append(
                Measure(page.name, patients, queries, loaded["rps"], single["p50"], single["p99"])
            )
            print(
                f"  {page.name:<20} {queries:>3} q  {loaded['rps']:>8.0f} req/s  "
                f"p50 {single['p50']:6.2f} ms  p99 {single['p99']:6.2f} ms",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    hello = next(r for r in results if r.page == "hello")
    for r in results:
        r.rps_ratio = r.rps / hello.rps
        r.p99_ratio = r.p99_ms / hello.p99_ms
    return results


def verdicts(small: list[Measure], large: list[Measure], scale: int) -> list[str]:
    lines = []
    by_name = {m.page: m for m in small}
    for page in PAGES:
        s, big = by_name[page.name], next(m for m in large if m.page == page.name)
        checks = []
        if page.target_throughput is not None:
            checks.append(
                (
                    "throughput",
                    s.rps_ratio >= page.target_throughput,
                    f"{s.rps_ratio:.2f}x hello (target >= {page.target_throughput}x)",
                )
            )
        if page.target_p99 is not None:
            checks.append(
                (
                    "p99 c=1",
                    s.p99_ratio <= page.target_p99,
                    f"{s.p99_ratio:.1f}x hello (target <= {page.target_p99}x)",
                )
            )
        if page.auth != "none":
            checks.append(
                (
                    "queries",
                    s.queries == big.queries,
                    f"{s.queries} at 1x, {big.queries} at {scale}x",
                )
            )
            if s.p50_ms > 0:
                growth = big.p50_ms / s.p50_ms
                checks.append(
                    (
                        "p50 growth",
                        growth <= 1.3,
                        f"{growth:.2f}x at {scale}x data (target <= 1.3x)",
                    )
                )
            else:  # wrk finished no request at c=1 in the time given: nothing to compare
                checks.append(("p50 growth", False, "no request completed at c=1 at 1x"))
        for label, ok, text in checks:
            lines.append(f"| {page.name} | {label} | {text} | {'met' if ok else 'MISSED'} |")
    return lines


def table(results: list[Measure]) -> list[str]:
    lines = [
        "| page | patients | queries | req/s (c=8) | ratio to hello "
        "| p50 ms (c=1) | p99 ms (c=1) | p99 ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.page} | {r.patients} | {r.queries} | {r.rps:.0f} | {r.rps_ratio:.2f} | "
            f"{r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.p99_ratio:.1f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--patients", type=int, default=1000, help="patients at 1x (default 1000)")
    parser.add_argument(
        "--scale", type=int, default=10, help="multiplier for the large data set (default 10)"
    )
    parser.add_argument("--seconds", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--runs", type=int, default=1, help="wrk runs per figure; the median is kept (default 1)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep the databases here; reuse the ones already built"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build both sizes' databases, then stop"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not 1 <= args.seconds <= 60:
        raise SystemExit("--seconds: must be between 1 and 60")
    if not 1 <= args.runs <= 15:
        raise SystemExit("--runs: must be between 1 and 15")
    if args.build_only and args.workdir is None:
        raise SystemExit("--build-only: needs --workdir, where the databases are kept")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kapcare-bench-"))
    print(f"{args.database}: {args.patients} and {args.patients * args.scale} patients", flush=True)
    if args.build_only:
        for patients in (args.patients, args.patients * args.scale):
            build(args.database, patients, workdir)
        return
    small = measure(args.database, args.patients, args.seconds, workdir, args.runs)
    large = measure(args.database, args.patients * args.scale, args.seconds, workdir, args.runs)
    report = [
        f"### {args.database}",
        "",
        *table(small + large),
        "",
        "| page | check | figure | verdict |",
        "|---|---|---|---|",
        *verdicts(small, large, args.scale),
    ]
    print("\n".join(report))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"database": args.database, "results": [asdict(r) for r in small + large]}, indent=2
            )
        )
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
