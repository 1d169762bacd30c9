"""Where each benchmarked page spends its time, in-process, on a database ``run.py`` built.

    .venv/bin/python bench/breakdown.py --database sqlite --patients 1000 --workdir DIR

For every page of ``run.py`` it makes ``--requests`` requests through Django's test
client (the whole middleware stack, the same settings as the server) and splits the
average request into: SQL statements, commits (on SQLite with ``synchronous=FULL`` each
commit waits for the disk), template rendering, and the rest (middleware, the ORM
building its SQL, views, serialisation). The figures are absolute and only meant to be
compared with each other, to say why a page misses its target.

It works on a copy of the database (a SQLite backup or a PostgreSQL template copy), so
the database the harness measures is left as it was built. ``--pyinstrument PAGE``
prints a call tree of one page as well.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # the harness's pages, environment and build


def copy_database(database: str, patients: int, workdir: Path) -> dict[str, str]:
    env = run.build(database, patients, workdir)
    var_dir = workdir / f"var-{patients}"
    if database == "sqlite":
        import sqlite3

        source = var_dir / "bench.sqlite3"
        target = var_dir / "profile.sqlite3"
        target.unlink(missing_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        url = f"sqlite:///{target}"
    else:
        admin = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        built = env["DATABASE_URL"].rsplit("/", 1)[1]
        name = f"{built}_profile"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(
            ["psql", admin, "-qc", f"CREATE DATABASE {name} TEMPLATE {built}"], check=True
        )
        url = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    return {**env, "DATABASE_URL": url}


def profile_pages(requests: int, call_tree: str | None) -> list[dict[str, Any]]:
    """Runs inside the child process, with Django configured for the copied database."""
    import io
    from contextlib import redirect_stdout

    import django

    django.setup()
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.template.backends.django import Template
    from django.test import Client

    spent = {"sql": 0.0, "commit": 0.0, "templates": 0.0}
    depth = {"templates": 0}

    def sql_timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    original_commit = BaseDatabaseWrapper._commit
    original_render = Template.render

    def timed_commit(self: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_commit(self)
        finally:
            spent["commit"] += time.perf_counter() - started

    def timed_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth["templates"] += 1
        started = time.perf_counter()
        try:
            return original_render(self, *args, **kwargs)
        finally:
            depth["templates"] -= 1
            if depth["templates"] == 0:  # a template rendered inside another counts once
                spent["templates"] += time.perf_counter() - started

    BaseDatabaseWrapper._commit = timed_commit  # type: ignore[method-assign]
    Template.render = timed_render  # type: ignore[method-assign]

    captured = io.StringIO()
    with redirect_stdout(captured):
        exec(run.CREDENTIALS_SCRIPT, {})  # the harness's own set-up script
    credentials = json.loads(captured.getvalue().strip().splitlines()[-1])

    rows = []
    for page in run.PAGES:
        path = page.path.format(patient=credentials["patient"], session=credentials["session"])
        client = Client(HTTP_HOST="127.0.0.1")
        headers: dict[str, str] = {}
        if page.auth == "session":
            client.cookies["kapcare_session"] = credentials["cookie"]
        elif page.auth in ("token", "write_token"):
            headers["Authorization"] = f"Bearer {credentials[page.auth]}"

        one = functools.partial(request_once, client, page, path, headers)

        for number in range(3):  # warm caches, compile templates, re-save the session
            one(number)
        for key in spent:
            spent[key] = 0.0
        totals = []
        with connection.execute_wrapper(sql_timer):
            for number in range(requests):
                started = time.perf_counter()
                one(number)
                totals.append(time.perf_counter() - started)
        per = {key: value / requests * 1000 for key, value in spent.items()}
        mean = statistics.fmean(totals) * 1000
        rows.append(
            {
                "page": page.name,
                "ms": mean,
                "median_ms": statistics.median(totals) * 1000,
                **per,
                "rest": mean - per["sql"] - per["commit"] - per["templates"],
            }
        )
        if call_tree == page.name:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for number in range(requests):
                one(number)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False), file=sys.stderr)
    return rows


def request_once(
    client: Any, page: run.Page, path: str, headers: dict[str, str], number: int
) -> None:
    if page.body is None:
        response = client.get(path, headers=headers)
    else:
        response = client.post(
            path,
            data=page.body,
            content_type="application/json",
            headers={**headers, "Idempotency-Key": f"profile-{time.time_ns()}-{number}"},
        )
    if response.status_code not in (200, 201):
        raise SystemExit(f"{path} answered {response.status_code}")


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| page | ms/request | SQL | commits | templates | rest (Python) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        share = {k: row[k] / row["ms"] * 100 if row["ms"] else 0 for k in ("sql", "templates")}
        lines.append(
            f"| {row['page']} | {row['ms']:.1f} | {row['sql']:.1f} ({share['sql']:.0f} %) "
            f"| {row['commit']:.1f} | {row['templates']:.1f} ({share['templates']:.0f} %) "
            f"| {row['rest']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--workdir", type=Path, required=True, help="where run.py built it")
    parser.add_argument("--requests", type=int, default=50, help="requests per page")
    parser.add_argument("--pyinstrument", metavar="PAGE", help="also print PAGE's call tree")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.requests <= 10_000:
        raise SystemExit("--requests: must be between 1 and 10000")
    if args.child:
        print(json.dumps(profile_pages(args.requests, args.pyinstrument)))
        return
    env = copy_database(args.database, args.patients, args.workdir)
    child = subprocess.run(
        [
            run.PYTHON,
            __file__,
            "--child",
            "--workdir",
            str(args.workdir),
            "--requests",
            str(args.requests),
            *(["--pyinstrument", args.pyinstrument] if args.pyinstrument else []),
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "kapcare.settings", "KAPCARE_LOG_LEVEL": "ERROR"},
        cwd=run.ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    rows = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"### {args.database}, {args.patients} patients, {args.requests} requests a page\n")
    print(table(rows))


if __name__ == "__main__":
    main()
