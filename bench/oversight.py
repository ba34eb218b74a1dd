"""The oversight dashboard at national scale (issue 19), under gunicorn + prod settings with wrk.

    .venv/bin/python bench/oversight.py                  # 8,300 agencies, 3 rounds
    .venv/bin/python bench/oversight.py --orgs 1000 --seconds 5 --warmup 2 --rounds 1   # a look

The requirement: the national view over 8,300 agencies, and a province of 300, each render with a
constant number of queries and p95 < 300 ms at 20 clients under gunicorn (prod settings).

Everything but the dashboard's own parts comes from bench/load_public.py, imported (not copied):
its data set, generated settings and urlconf (prod + `floor/`), gunicorn, wrk with its Lua
round robin, the CPU meter, the rounds and their medians, the machine's description.

Set-up (not timed). `load_public.build(ORGS, MEASURES, REAL)` in a fresh database
`ita_oversight_<pid>`: ORGS อบต. spread evenly over load_public's five provinces, each with
MEASURES measures of 2568 and ITA 2568 scores imported through `scores_import`, REAL of them
published through the real chain (the rest copies). Then PROVINCE agencies (300) are moved into
one province (บุรีรัมย์, three districts) and SMALL (30) into another (ลำปาง), from the copies:
the two sizes of the provincial figures. Then the AgencyStatus rows of this fiscal year and the
last (`oversight.services.status_years`): `agency_statuses_refresh` agency by agency (what the
nightly task does), in chunks of `services.CHUNK`, until every agency is done or
`--refresh-seconds` (600) have passed: reported as "nightly refresh: N agencies in S s". The
agencies left then get bulk copies of refreshed rows (round robin over the refreshed agencies:
their columns, their totals and levels), as one INSERT … SELECT.

Users: a central admin (`organisations.roles.central_admin_grant`), a provincial user with an
OversightScope for the 300-agency province and one for the 30-agency province (query counts
only). No TOTP device: oversight users may turn two-factor on but are not made to, and
`organisations.two_factor.TwoFactorMiddleware` only stops users with a confirmed device. Their
sessions are made directly (SessionStore, `_auth_user_id`, `_auth_user_backend`,
`_auth_user_hash`) with the server's SECRET_KEY (the session is signed with it and the hash is an
HMAC of it); wrk sends the cookie with every request (`-H "Cookie: sessionid=…"`, which the Lua
script's `wrk.format` adds). Each URL is checked first: HTTP 200 and the dashboard's table, not
a redirect to the login page.

Measured (wrk, closed loop, 1 thread, CLIENTS (20) connections, WARMUP then SECONDS per URL, all
URLs in ROUNDS rounds, medians; × floor is the median of each round's ratio to its floor):
  * floor: `/floor/` (HttpResponse("ok") through the full middleware stack);
  * `/oversight/` as the central admin (every agency, page 1, default sort);
  * `/oversight/` as the central admin while the rows change ("churn"): a process on the
    server's settings puts one agency's row off its data and refreshes it through
    `agency_status_refresh` every CHURN_SECONDS (1 s), a real change that bumps the country's
    version, so the cached board keeps going out of date (served for a minute after its
    rendering, then rendered again);
  * `/oversight/?sort=-total&page=50` as the central admin (a deep page, sorted by score);
  * `/oversight/` as the provincial user (300 agencies);
  * `/oversight/?q=…` as the central admin, a Thai search, round robin over ORGS / 100 name
    fragments ("ทดสอบโหลด00" … "ทดสอบโหลด82": 100 agencies each, 99 for the first);
  * `/p/จังหวัด/บุรีรัมย์/` (public, anonymous) in the steady state: cache hits (Redis);
  * the same page on a cache miss ("first visit"): every request a different address
    (`?page=3` … `?page=200002`; past the last page the paginator shows the last, 100 agencies
    like page 1, under a cache key of its own), so each is rendered; the cache is emptied first
    and each wrk run starts its round robin at a random line (`random_start`), so the measured
    run does not meet the addresses its warm-up cached.
SQL queries per request (Django test client + CaptureQueriesContext, in this process, same
database), each at two sizes: national with every agency and with all but NATIONAL_SMALL (1,000)
made inactive (in a transaction rolled back), provincial and public at 300 and at 30 agencies;
on a cache miss (the cache emptied just before) and on a hit (the second request of the URL:
the dashboard's board is cached per scope, query and day, the public page whole).
The .xlsx export of every agency: one request (wall time, size, rows read back) and the serving
worker's peak RSS (VmHWM in /proc, reset through clear_refs just before, and after).
With --explain: EXPLAIN (ANALYZE, BUFFERS) of the national page's queries, slowest first.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379 (database 9,
emptied first and last, as load_public) and wrk. Drops its database at the end (--keep-db keeps
it).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import load_public as lp

ROOT = lp.ROOT
TARGET_P95_MS = 300.0
BIG = ("บุรีรัมย์", ["เมืองบุรีรัมย์", "นางรอง", "ลำปลายมาศ"])
SMALL = ("ลำปาง", ["เกาะคา"])
BACKEND = "django.contrib.auth.backends.ModelBackend"


def province_path(province: str, query: str = "") -> str:
    return "/p/" + quote("จังหวัด") + "/" + quote(province) + "/" + query


# ---------------------------------------------------------------- set-up (not timed)


def status_signals(connect: bool) -> None:
    """Off during the build (copy_to saves a Memo per organisation, and the score import is
    done: each would refresh the agencies' rows inline under the test settings), so the refresh
    below is the only one, and timed."""
    from django.db.models.signals import post_delete, post_save

    from approvals.models import ApprovalStep, Memo
    from assessments.models import Assessment, ScoreImport
    from measures.models import Measure, ProgressEntry, ReportingRound
    from oit.models import OitEntry, OitEvidence
    from oversight import changes
    from publication.models import Publication

    if connect:
        changes.connect()
        return
    models = (Measure, ReportingRound, Publication, Memo, OitEntry, Assessment)
    for model in (*models, ProgressEntry, ApprovalStep, OitEvidence):
        for signal in (post_save, post_delete):
            signal.disconnect(sender=model, dispatch_uid=f"oversight-{model.__name__}")
    post_save.disconnect(sender=ScoreImport, dispatch_uid="oversight-import")


def place(province: tuple[str, list[str]], ids: list[int]) -> None:
    """Move the organisations `ids` into `province`, spread over its districts."""
    from organisations.models import Organisation

    name, districts = province
    for n, district in enumerate(districts):
        Organisation.objects.filter(pk__in=ids[n :: len(districts)]).update(
            province=name, district=district
        )


def statuses(refresh_seconds: float) -> dict:
    """Every active agency's rows of this fiscal year and the last: refreshed through the service
    until done or out of time, the rest bulk copies of refreshed rows."""
    from django.db import connection

    from organisations.models import Organisation
    from oversight import services
    from oversight.models import AgencyStatus

    years = services.status_years()
    ids = list(
        Organisation.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    )
    load0 = os.getloadavg()
    started = time.monotonic()
    done = 0
    while done < len(ids) and time.monotonic() - started < refresh_seconds:
        chunk = ids[done : done + services.CHUNK]
        services.agency_statuses_refresh(organisation_ids=chunk, years=years)
        done += len(chunk)
    seconds = time.monotonic() - started
    refreshed = {"agencies": done, "rows": done * len(years), "seconds": seconds}
    refreshed["loadavg_before"], refreshed["loadavg_after"] = load0, os.getloadavg()
    lp.log(f"nightly refresh: {done} agencies in {seconds:.0f} s ({len(years)} years each)")
    copied = 0
    if done < len(ids):
        fields = [
            f.column
            for f in AgencyStatus._meta.concrete_fields
            if f.name not in ("id", "organisation")
        ]
        columns = ", ".join(fields)
        table = AgencyStatus._meta.db_table
        with connection.cursor() as cursor:
            # Target i (0-based, by pk) copies source i mod done (the refreshed agencies).
            cursor.execute(
                f"""
                WITH src AS (
                    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM organisations_organisation
                    WHERE id = ANY(%s)
                ), dst AS (
                    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM organisations_organisation
                    WHERE id = ANY(%s)
                )
                INSERT INTO {table} (organisation_id, {columns})
                SELECT dst.id, {", ".join(f"s.{c}" for c in fields)}
                FROM dst JOIN src ON src.n = dst.n %% %s
                JOIN {table} s ON s.organisation_id = src.id AND s.year = ANY(%s)
                """,
                [ids[:done], ids[done:], done, years],
            )
            copied = cursor.rowcount
            cursor.execute(f"ANALYZE {table}")
        lp.log(f"copied {copied:,} rows for the {len(ids) - done:,} agencies left")
    refreshed["copied_rows"] = copied
    refreshed["copied_agencies"] = len(ids) - done
    refreshed["years"] = years
    return refreshed


def users() -> dict:
    from django.contrib.auth import get_user_model

    from organisations.models import OversightScope, ScopeLevel
    from organisations.roles import central_admin_grant

    User = get_user_model()
    central = User.objects.create_user(username="bench-central", password=None)
    central_admin_grant(central)
    made = {"central": central}
    for key, (province, _districts) in (("province", BIG), ("small", SMALL)):
        user = User.objects.create_user(username=f"bench-{key}", password=None)
        OversightScope.objects.create(user=user, level=ScopeLevel.PROVINCE, province=province)
        made[key] = user
    return made


def session_cookie(user, secret_key: str) -> str:
    """A signed-in session as the server (whose SECRET_KEY signs it) reads it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings

    with override_settings(SECRET_KEY=secret_key):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
    return f"Cookie: {settings.SESSION_COOKIE_NAME}={store.session_key}"


# ---------------------------------------------------------------- measuring


def random_start(lua: str) -> str:
    """load_public's round robin, starting at a random line: the warm-up, the measured run and
    the one-client run of the public page's first visits then use different addresses of the
    200,000 (each a miss), where every run would otherwise start at the first line."""
    anchor = "    paths[n] = line\n  end\n"
    assert anchor in lua
    return lua.replace(
        anchor,
        anchor + "  math.randomseed(os.time())\n  i = math.random(n) - 1\n",
    )


def fetch(port: int, path: str, headers=()) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    conn.request("GET", path, headers=dict(h.split(": ", 1) for h in headers))
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return response.status, body, elapsed


def check(port: int, name: str, path: str, headers, marker: str) -> int:
    status, body, _ = fetch(port, path, headers)
    text = body.decode(errors="replace")
    if status != 200 or marker not in text:
        raise RuntimeError(f"{name} {path}: HTTP {status}, {marker!r} not in the page")
    lp.log(f"{name} {path}: HTTP 200, {len(body):,} bytes")
    return len(body)


def queries(
    paths: dict[str, tuple[str, object]], users: dict, *, hit: bool = False
) -> dict[str, list[int]]:
    """SQL queries of one request of each URL at the full size and the small one: a cache miss
    (the cache emptied just before it), or with `hit` the second request of the URL (the cache
    emptied before the first, which fills it), as every dashboard URL but the first of a view
    after a status row changes. The public page's hit is the same either way."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from organisations.models import Organisation

    def count(path: str, user, *, miss: bool) -> int:
        client = Client()
        if user is not None:
            client.force_login(user)
        if not miss:
            cache.clear()  # the next request is the first, a miss that fills the cache
        client.get(path)  # templates loaded, catalogue memo filled
        if miss:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(ctx.captured_queries)

    counts: dict[str, list[int]] = {}
    for name, (path, who) in paths.items():
        user = users.get(who) if who else None
        if name == "floor":
            continue
        miss = name != "public_hit" and not hit
        if hit and name == "public_miss":
            continue  # every request a new address: never a hit
        if who == "province" or name.startswith("public"):
            small_path = path.replace(quote(BIG[0]), quote(SMALL[0]))
            small_user = users["small"] if who == "province" else None
            counts[name] = [
                count(small_path, small_user, miss=miss),
                count(path, user, miss=miss),
            ]
        else:
            big = count(path, user, miss=miss)
            with transaction.atomic():
                keep = list(
                    Organisation.objects.order_by("pk").values_list("pk", flat=True)[
                        : lp_args.national_small
                    ]
                )
                Organisation.objects.exclude(pk__in=keep).update(is_active=False)
                small = count(path, user, miss=miss)
                transaction.set_rollback(True)
            counts[name] = [small, big]
    cache.clear()
    return counts


def explain(path: str, user) -> list[tuple[float, str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each query of one request, slowest first."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    plans = []
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            ms = float(plan.rsplit("Execution Time: ", 1)[1].split()[0])
            plans.append((ms, sql, plan))
    return sorted(plans, reverse=True)


def vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def export(port: int, master: int, cookie: str) -> dict:
    from openpyxl import load_workbook

    workers = lp.worker_pids(master)
    for pid in workers:  # "5" resets the peak (VmHWM) to the current RSS (Linux ≥ 4.0)
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    before = {pid: vm_hwm_kib(pid) for pid in workers}
    load0 = os.getloadavg()[0]
    status, body, elapsed = fetch(port, "/oversight/export.xlsx", [cookie])
    after = {pid: vm_hwm_kib(pid) for pid in workers}
    if status != 200:
        raise RuntimeError(f"export: HTTP {status}")
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    grown = max(workers, key=lambda pid: after[pid] - before[pid])
    result = {
        "seconds": elapsed,
        "bytes": len(body),
        "rows": rows,
        "worker_hwm_before_mib": before[grown] / 1024,
        "worker_hwm_after_mib": after[grown] / 1024,
        "loadavg_1min_before": load0,
        "loadavg_1min_after": os.getloadavg()[0],
    }
    lp.log(f"export: {result}")
    return result


CHURN_SECONDS = 1.0
CHURN = """
import sys, time

import django

django.setup()
from django.db.models import F

from organisations.models import Organisation
from oversight.models import AgencyStatus
from oversight.services import agency_status_refresh, status_years

year = status_years()[0]
ids = list(Organisation.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
interval, n = float(sys.argv[1]), 0
while True:
    organisation = Organisation.objects.get(pk=ids[n * 17 % len(ids)])
    # Put the row off what the data says; the refresh writes it back: a real change, as a
    # clerk's new measure would make, through the service and its version bump.
    AgencyStatus.objects.filter(organisation=organisation, year=year).update(
        measures_planned=F("measures_planned") + 1000
    )
    agency_status_refresh(organisation=organisation, year=year)
    n += 1
    print(n, flush=True)
    time.sleep(interval)
"""


def start_churn(env: dict[str, str], tmp: Path) -> subprocess.Popen:
    """A process that changes one agency's row every CHURN_SECONDS, on the server's database
    and cache (its settings and Redis), until stopped."""
    script = tmp / "churn.py"
    script.write_text(CHURN)
    return subprocess.Popen(
        [sys.executable, str(script), str(CHURN_SECONDS)],
        cwd=ROOT,
        env=env,
        stdout=(tmp / "churn.log").open("w"),
        stderr=subprocess.STDOUT,
    )


def stop_churn(proc: subprocess.Popen, tmp: Path) -> int:
    """Stops it; the number of rows it changed."""
    proc.terminate()
    proc.wait(timeout=30)
    lines = (tmp / "churn.log").read_text().split()
    return int(lines[-1]) if lines and lines[-1].isdigit() else 0


LABELS = {
    "floor": "floor: `/floor/` (HttpResponse('ok'), full middleware)",
    "national": "`/oversight/`, central admin: national, page 1, default sort",
    "churn": "`/oversight/`, central admin: national, while a row changes every second",
    "deep": "`/oversight/?sort=-total&page=50`, central admin: deep page by score",
    "province": "`/oversight/`, provincial user: their province",
    "search": "`/oversight/?q=ทดสอบโหลดNN`, central admin: Thai search (100 agencies found)",
    "public_hit": "`/p/จังหวัด/บุรีรัมย์/`, anonymous: steady state (cache hit)",
    "public_miss": "`/p/จังหวัด/บุรีรัมย์/?page=N`, anonymous: first visit (cache miss)",
}


def report(results, counts, hits, sizes, refreshed, export_result, args, setup_s, machine) -> str:
    lines = [
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {machine}.",
        "",
        f"Data: {args.orgs:,} agencies × {args.measures} measures (2568), ITA 2568 scores for each, "
        f"{args.real} published through the real chain, the rest copies; {args.province} in "
        f"{BIG[0]}, {args.small} in {SMALL[0]} (set-up {setup_s:.0f} s, not timed). AgencyStatus "
        f"rows for {' and '.join(map(str, refreshed['years']))}: nightly refresh: "
        f"{refreshed['agencies']:,} agencies in {refreshed['seconds']:.0f} s (load avg "
        f"{refreshed['loadavg_before'][0]:.1f}→{refreshed['loadavg_after'][0]:.1f}); "
        + (
            f"{refreshed['copied_rows']:,} rows of the other {refreshed['copied_agencies']:,} "
            "agencies are bulk copies of refreshed rows."
            if refreshed["copied_agencies"]
            else "every agency refreshed through the service."
        ),
        f"Load: wrk, 1 thread, {args.clients} connections, {args.warmup} s warm-up then "
        f"{args.seconds} s per URL, {args.rounds} rounds: the medians. gunicorn {args.workers} sync "
        "workers, prod settings, Redis cache. SQL/req at two sizes: "
        + "; ".join(f"{name} {a}→{b}" for name, (a, b) in sizes.items())
        + ".",
        "",
        "| URL | requests | body | SQL/req, miss (small → large) | SQL/req, hit (small → large) "
        "| req/s | p50 ms | p95 ms | p99 ms "
        "| × floor | p50 ms, 1 client | app CPU ms/req | DB CPU ms/req | load avg | errors "
        "| verdict (p95 < 300 ms) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        sql = "–" if name == "floor" else " → ".join(map(str, counts[name]))
        sql_hit = " → ".join(map(str, hits[name])) if name in hits else "–"
        misses = []
        if r["p95_us"] / 1000 >= TARGET_P95_MS:
            misses.append("p95 ≥ 300 ms")
        if r["errors"]:
            misses.append(f"{r['errors']} errors")
        if name != "floor" and len(set(counts[name])) != 1:
            misses.append("queries grow")
        verdict = (
            "reference"
            if name == "floor"
            else ("**pass**" if not misses else "**miss**: " + "; ".join(misses))
        )
        body = r["body"]
        lines.append(
            f"| {LABELS[name]} | {r['requests']:,} in {r['duration_us'] / 1e6:.0f} s "
            f"| {f'{body / 1024:.0f} KiB' if body >= 1024 else f'{body} B'} | {sql} | {sql_hit} "
            f"| {r['rps']:.1f} | {r['p50_us'] / 1000:.1f} "
            f"| {r['p95_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} | {r['ratio']:.3f} "
            f"| {r['single_client']['p50_us'] / 1000:.1f} | {r['app_cpu_ms']:.1f} "
            f"| {r['db_cpu_ms']:.1f} | {r['loadavg_1min_before']:.1f}→"
            f"{r['loadavg_1min_after']:.1f} | {r['errors']} | {verdict} |"
        )
    e = export_result
    lines += [
        "",
        f"Export `/oversight/export.xlsx` as the central admin (every agency, one request, no "
        f"other request on the server): {e['rows']:,} rows, {e['bytes'] / 1024:.0f} KiB in "
        f"{e['seconds']:.2f} s; the serving worker's peak RSS (VmHWM, reset just before) "
        f"{e['worker_hwm_before_mib']:.0f} → {e['worker_hwm_after_mib']:.0f} MiB; load avg "
        f"{e['loadavg_1min_before']:.1f}→{e['loadavg_1min_after']:.1f}.",
        "",
        f"Each of the {args.rounds} rounds (req/s, p95 ms, × that round's floor):",
    ]
    if "churn" in results:
        lines[-2:-2] = [
            "While the churn URL was measured (warm-up, 20 clients and one client), a process on "
            "the server's settings changed one agency's row every "
            f"{CHURN_SECONDS:g} s through `agency_status_refresh` (its version bump included): "
            + ", ".join(map(str, results["churn"]["rows_changed"]))
            + " rows changed in the rounds.",
            "",
        ]
    for name, r in results.items():
        runs = "; ".join(
            f"{run['rps']:.1f}, {run['p95_us'] / 1000:.1f}, {run['ratio']:.3f}"
            for run in r["rounds"]
        )
        lines.append(f"- {name}: {runs}")
    return "\n".join(lines)


def build(args) -> dict:
    """The data set, its two provinces, the agencies' rows and the users (not timed)."""
    from django.db import connection

    from organisations.models import Organisation
    from oversight.models import AgencyStatus

    t = time.monotonic()
    status_signals(connect=False)
    lp.build(args.orgs, args.measures, args.real)
    status_signals(connect=True)
    lp.log(f"rows before the refresh: {AgencyStatus.objects.count()}")
    ids = list(Organisation.objects.order_by("-pk").values_list("pk", flat=True))
    place(BIG, ids[: args.province])
    place(SMALL, ids[args.province : args.province + args.small])
    built = time.monotonic() - t
    refreshed = statuses(args.refresh_seconds)
    users()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - t
    lp.log(f"set-up {seconds:.0f} s (data set {built:.0f} s)")
    connection.close()
    return {"refresh": refreshed, "seconds": seconds, "build_seconds": built}


# ---------------------------------------------------------------- main

lp_args: argparse.Namespace


def main() -> int:
    global lp_args
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=8300)
    parser.add_argument("--measures", type=int, default=50)
    parser.add_argument("--real", type=int, default=1, help="organisations published for real")
    parser.add_argument("--province", type=int, default=300, help="agencies of the big province")
    parser.add_argument("--small", type=int, default=30, help="agencies of the small province")
    parser.add_argument("--national-small", type=int, default=1000, help="for the query counts")
    parser.add_argument("--refresh-seconds", type=float, default=600)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default=lp.REDIS_URL)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the national page")
    parser.add_argument("--only", nargs="*", help="measure only these URLs (and the floor)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="set up, keep the database")
    parser.add_argument("--reuse-db", help="measure on a database kept by --build-only")
    args = lp_args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    if not args.redis_url:
        print("--redis-url is needed (the public page's first visit empties it)", file=sys.stderr)
        return 2

    db = args.reuse_db or f"ita_oversight_{os.getpid()}"
    keep = args.keep_db or args.build_only or bool(args.reuse_db)
    setup_file = Path(tempfile.gettempdir()) / f"{db}.setup.json"
    tmp = Path(tempfile.mkdtemp(prefix="ita-oversight-"))
    media, static = tmp / "media", tmp / "static"
    media.mkdir()
    server = None
    try:
        if args.reuse_db:
            lp.log(f"reusing database {db} (set-up figures from {setup_file})")
            lp.setup_django(db, media)
            setup = json.loads(setup_file.read_text())
        else:
            lp.admin_sql(f'CREATE DATABASE "{db}"')
            lp.log(f"database {db}, files in {tmp}")
            lp.setup_django(db, media)
            setup = build(args)
            setup_file.write_text(json.dumps(setup, default=str))
            if args.build_only:
                lp.log(f"built {db}; set-up figures in {setup_file}")
                return 0
        from django.contrib.auth import get_user_model

        people = {
            key: get_user_model().objects.get(username=f"bench-{key}")
            for key in ("central", "province", "small")
        }
        refreshed, setup_s = setup["refresh"], setup["seconds"]

        (tmp / "ita_load_urls.py").write_text(lp.URLCONF)
        (tmp / "ita_load_settings.py").write_text(lp.SETTINGS)
        (tmp / "rotate.lua").write_text(random_start(lp.WRK_LUA))
        env = lp.server_env(db, media, static, tmp, args.redis_url)
        cookies = {key: session_cookie(user, env["SECRET_KEY"]) for key, user in people.items()}

        plan: dict[str, tuple[list[str], str | None]] = {
            "floor": (["/floor/"], None),
            "national": (["/oversight/"], "central"),
            "churn": (["/oversight/"], "central"),
            "deep": (["/oversight/?sort=-total&page=50"], "central"),
            "province": (["/oversight/"], "province"),
            # "ทดสอบโหลดNN" finds the agencies NN00–NN99 (names end in a 4-digit number).
            "search": (
                [
                    f"/oversight/?q={quote(f'ทดสอบโหลด{n:02d}')}"
                    for n in range(max(1, args.orgs // 100))
                ],
                "central",
            ),
            "public_hit": ([province_path(BIG[0])], None),
            "public_miss": (
                [province_path(BIG[0], f"?page={n}") for n in range(3, 200_003)],
                None,
            ),
        }
        if args.only:
            plan = {k: v for k, v in plan.items() if k == "floor" or k in args.only}
        counts = queries({name: (paths[0], who) for name, (paths, who) in plan.items()}, people)
        lp.log(f"SQL queries per request (small, large): {counts}")
        hits = queries({n: (paths[0], who) for n, (paths, who) in plan.items()}, people, hit=True)
        lp.log(f"SQL queries per request, second request (hit) (small, large): {hits}")
        sizes = {
            "national": (args.national_small, args.orgs),
            "province": (args.small, args.province),
        }
        if args.explain:
            for ms, sql, text in explain("/oversight/", people["central"]):
                print(f"\n-- {ms:.1f} ms\n{sql}\n{text}")

        if args.redis_url:
            lp.redis_flush(args.redis_url)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = lp.free_port()
        server = lp.start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
        bodies = {}
        for name, (paths, who) in plan.items():
            headers = [cookies[who]] if who else []
            marker = {"floor": "ok"}.get(name, "oversight-table" if who else "จำนวนหน่วยงานตามระดับ")
            bodies[name] = check(port, name, paths[0], headers, marker)
        rounds = []
        for n in range(1, args.rounds + 1):
            lp.log(f"round {n} of {args.rounds}")
            measured = {}
            for name, (paths, who) in plan.items():
                headers = [cookies[who]] if who else []
                if name == "public_miss":
                    lp.redis_flush(args.redis_url)  # every request a new address, a miss
                churn = start_churn(env, tmp) if name == "churn" else None
                try:
                    measured[name] = lp.load_url(
                        name, port, paths, tmp, args, server.pid, db, headers=headers
                    )
                finally:
                    if churn is not None:
                        measured[name]["rows_changed"] = stop_churn(churn, tmp)
                        lp.log(f"churn: {measured[name]['rows_changed']} rows changed")
                measured[name]["body"] = bodies[name]
            rounds.append(measured)
        results = lp.combine(rounds)
        if "churn" in results:
            results["churn"]["rows_changed"] = [r["churn"]["rows_changed"] for r in rounds]
        for name in results:
            results[name]["body"] = bodies[name]
        export_result = export(port, server.pid, cookies["central"])
        text = report(
            results, counts, hits, sizes, refreshed, export_result, args, setup_s, lp.machine(db)
        )
        print(text)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "rounds": rounds,
                        "results": results,
                        "queries": counts,
                        "queries_hit": hits,
                        "refresh": refreshed,
                        "export": export_result,
                    },
                    indent=2,
                    ensure_ascii=False,
                    default=str,
                )
            )
        log_text = (tmp / "gunicorn.log").read_text()
        if log_text.strip():
            lp.log("gunicorn log (tail):\n" + log_text[-2000:])
        return 0
    finally:
        lp.stop(server)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            lp.redis_flush(args.redis_url)
        if keep:
            lp.log(f'kept database {db} (drop it: DROP DATABASE "{db}" WITH (FORCE))')
        else:
            with contextlib.suppress(Exception):
                lp.admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            setup_file.unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
