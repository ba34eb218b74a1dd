"""Load test of the public site under gunicorn + prod settings, against a minimal Django view.

    .venv/bin/python bench/load_public.py                       # full size, prints Markdown
    .venv/bin/python bench/load_public.py --orgs 50 --seconds 5 --warmup 2   # a quick look
    .venv/bin/python bench/load_public.py --profile             # + py-spy on pages that miss

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379 and `wrk`
(Debian: apt-get install wrk). No Celery: the warm-up task's service is run by hand (below).

Set-up (not timed). A fresh database `ita_load_<pid>` is created, migrated and loaded with the
catalogue; then:
  * ORGS organisations (อบต., 7-digit codes), each with one unit (สำนักปลัด) and MEASURES measures
    of 2568 with two steps each and a progress entry in รอบ 6 เดือน;
  * ITA scores of 2568 for every organisation, imported through `assessments.imports.scores_import`
    (one .xlsx of ORGS × 60 rows, the COPY path), so every organisation page draws its score
    table and chart;
  * for REAL organisations (default 3) everything goes through the services: users and
    memberships, a four-step chain, `measure_create` × MEASURES, `progress_entry_record`,
    `memo_create` / `memo_submit` / `memo_step_act` × 4. The final approval publishes through
    the real chain: measure-results + the memo, HTML and PDF rendered by WeasyPrint and stored;
  * for the other organisations the measures, steps and progress entries are bulk copies of a
    real organisation's, and the publication is COPIED: one approved Memo row per organisation
    and Publication rows (measure-results r1, memo r1) pointing at the SAME stored HTML/PDF files
    as the real organisation they copy (same checksums; the frozen text names the real
    organisation). Rendering 1,000 documents would mean 4,000 WeasyPrint renders; what is
    measured (the public pages) only reads Publication rows and the stored files.

Served by: gunicorn 2 sync workers (`--workers`), `ita_portal.wsgi:application`, bound to
127.0.0.1, with `ita_portal.settings.prod` plus one override, ROOT_URLCONF, set by a settings
module generated at run time in a temp dir (never committed): its urlconf is the project's
urls plus `floor/`, a view returning HttpResponse("ok") through the full middleware stack.
Environment: SECRET_KEY (random), DATABASE_URL, ALLOWED_HOSTS=127.0.0.1,
SECURE_SSL_REDIRECT=false (plain HTTP on loopback; HSTS and secure cookies do not apply to
http requests), DB_CONN_MAX_AGE=60, MEDIA_ROOT/STATIC_ROOT temp dirs (collectstatic first:
prod uses WhiteNoise's manifest storage), LOG_LEVEL=WARNING, no Celery variables, and
REDIS_URL (`--redis-url`, default redis://127.0.0.1:6379/9, emptied with FLUSHDB at the start and
at the end) as in production (docs/deploy.md): the shared cache of both workers. Database 9
because `make run-services` uses 0–2 and the services tests 5–6. `--redis-url ''` runs without
it (each worker then has its own local-memory cache, as before this option existed).

First visits (the warm pass). Before anything is measured with wrk, every URL of each page
(ORGS organisation pages, then ORGS documents, then ORGS PDFs) is requested exactly once, 20 at a
time, by a small asyncio client in this process; the cache is empty, so each is a miss (a first
visit) that renders the page and stores it. Reported per page: duration, req/s, p50/p95/p99 of
those requests (exact, from every request's time), and the workers' CPU per request.

Warm-up, then first visits again (what a citizen meets). After a publication, a withdrawal or an
import the queue renders the affected organisations' pages (public.tasks.warm_public_pages). The
bench has no Celery: it empties the cache again and runs `manage.py warm_public_pages --all` (the
same service, every organisation, with the server's settings and Redis) in its own process, timed
and reported as "warming: N pages in S s"; then it repeats the first-visit pass above. Those rows
("first visit after the warm-up") are what a visitor gets after a change; the cold rows (cache
emptied, no warm-up) stay, so nobody takes one for the other. `--no-warm` skips this.

Load: wrk, closed loop, 1 thread, CLIENTS connections (20), on loopback. Per URL: a WARMUP-second
run (discarded), then a SECONDS-second run; all URLs (the floor first) in ROUNDS rounds (3), and
each figure is the median over the rounds, × floor the median of each round's own ratio (the
machine's other work moves a round's floor and pages alike). A generated Lua script rotates each URL over all
organisations (round robin) and prints wrk's own latency histogram percentiles (p50, p95, p99,
exact from its per-request histogram: `latency:percentile(95)`) and counts. Latency is from
writing the request to reading the whole response, so time queued in gunicorn's accept backlog
is included. gunicorn sync workers close the connection after each response, for every URL alike.
After the warm pass these runs are the steady state of a visited site: cache hits, as long as the
entries live (PUBLIC_CACHE_SECONDS) and nothing is published, withdrawn or imported meanwhile.

Also reported, per URL: p50 with ONE client (a few seconds right after the main run: the time
a request takes with nothing queued in front of it); server CPU per request (gunicorn workers'
and PostgreSQL backends' utime+stime from /proc over the measured run, divided by requests) and
the "CPU ceiling", cores × 1000 / (app + DB CPU ms per request): the requests/s these processes
could reach if they had every core to themselves, which does not depend on what else runs on
the machine; the 1-minute load average before → after the run (other work on the machine shows
there); and the number of SQL queries one request makes on a cache miss and on a hit (Django test
client + CaptureQueriesContext, in this process, on the same database, with the catalogue memo of
this process already filled; Django's per-request connection health check, a SELECT 1 sent by
psycopg directly, is not counted). Redis's CPU is measured too (the whole redis-server process:
other users of the same Redis show up in it).
Targets: each public page ≥ 50 % of the floor's requests/s and p95 < 100 ms.
With --profile, py-spy samples one gunicorn worker during each page's first visits, then while
each URL (the floor too) is run again under load; the hottest project functions (inclusive) and
leaf functions are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/9"
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
YEAR = 2568
KIND = "measure-results"
TARGET_RATIO = 0.5
TARGET_P95_MS = 100.0
PROVINCES = [
    ("นครราชสีมา", "ขามสะแกแสง"),
    ("ขอนแก่น", "ชุมแพ"),
    ("เชียงใหม่", "แม่ริม"),
    ("สงขลา", "หาดใหญ่"),
    ("อุบลราชธานี", "วารินชำราบ"),
]

WRK_LUA = r"""
-- Generated by bench/load_public.py: round robin over the paths in args[1]; JSON summary.
local paths = {}
local n = 0
local i = 0
function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    paths[n] = line
  end
end
function request()
  i = i % n + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "JSON:{\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"connect\":%d,\"read\":%d," ..
    "\"write\":%d,\"status\":%d,\"timeout\":%d,\"p50_us\":%d,\"p90_us\":%d,\"p95_us\":%d," ..
    "\"p99_us\":%d,\"mean_us\":%.1f,\"max_us\":%d}\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max))
end
"""

URLCONF = '''"""Generated by bench/load_public.py (temp dir, not committed): project urls + floor/."""
from django.http import HttpResponse
from django.urls import path

from ita_portal.urls import urlpatterns as project_urlpatterns


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("floor/", floor), *project_urlpatterns]
'''

SETTINGS = '''"""Generated by bench/load_public.py (temp dir, not committed): prod + the floor urlconf."""
from ita_portal.settings.prod import *  # noqa: F403

ROOT_URLCONF = "ita_load_urls"
'''


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def dsn(db: str) -> str:
    return f"host=127.0.0.1 port=5432 user=postgres dbname={db}"


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- set-up (not timed)


def setup_django(db: str, media: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings.test"
    os.environ["DATABASE_URL"] = f"{SERVER}/{db}"
    os.environ["ITA_TEST_MEDIA_ROOT"] = str(media)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def scores_workbook(codes: list[str]) -> bytes:
    from openpyxl import Workbook

    seed = json.loads((ROOT / "fixtures" / "demo-scores-2568.json").read_text(encoding="utf-8"))
    rng = random.Random(YEAR)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("คะแนน")
    ws.append(["org_code", "fiscal_year", "item_code", "score"])
    for code in codes:
        for key, value in seed["items"].items():
            ws.append([code, YEAR, key, round(min(100, max(0, value - rng.uniform(0, 15))), 2)])
        for key, value in seed["indicators"].items():
            ws.append(
                [code, YEAR, f"ind{key}", round(min(100, max(0, value - rng.uniform(0, 15))), 2)]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def real_chain(org, n: int, measures: int) -> None:
    """Users, chain, measures, progress and a memo approved in four steps: publishes for real."""
    from django.contrib.auth import get_user_model

    from approvals import selectors as approval_selectors
    from approvals import services as memos
    from approvals.models import Decision
    from assessments.selectors import framework_for_organisation
    from measures.services import measure_create, progress_entry_record, rounds_ensure_defaults
    from organisations.services import membership_set

    User = get_user_model()
    unit = org.units.get()
    people = {}
    for role, username, title in (
        ("staff", "staff", "นักวิเคราะห์นโยบายและแผน"),
        ("org_admin", "orgadmin", "หัวหน้าสำนักปลัด"),
        ("approver", "approver", "ปลัด"),
        ("approver", "mayor", "นายก"),
    ):
        user = User.objects.create_user(
            username=f"{username}{n}", first_name=title, last_name=org.code, password=None
        )
        membership_set(user=user, organisation=org, role=role, position_title=title, unit=unit)
        people[username] = user
    template = memos.chain_template_save(
        organisation=org,
        user=people["orgadmin"],
        name="เสนอรายงานผลการดำเนินการ",
        steps=[
            ("ผู้รายงาน", people["staff"]),
            ("หัวหน้าสำนักปลัด", people["orgadmin"]),
            ("ปลัด", people["approver"]),
            ("นายก", people["mayor"]),
        ],
    )
    rounds = rounds_ensure_defaults(organisation=org, year=YEAR)
    round_6 = next(r for r in rounds if r.name == "รอบ 6 เดือน")
    items = list(framework_for_organisation(org, YEAR).items.order_by("order", "code"))
    for m in range(1, measures + 1):
        measure = measure_create(
            organisation=org,
            year=YEAR,
            user=people["staff"],
            title=f"มาตรการที่ {m}: ส่งเสริมการเปิดเผยข้อมูลและการปฏิบัติงานอย่างโปร่งใส เรื่องที่ {m}",
            responsible_units=[unit],
            steps=["จัดทำแผนและคำสั่งมอบหมาย", "ดำเนินการและเผยแพร่ผลบนเว็บไซต์"],
            items=[items[(m - 1) % len(items)]],
            goal="ประชาชนเข้าถึงข้อมูลของหน่วยงานได้สะดวก",
            timeframe_kind="quarters",
            quarters=[1 + (m % 4)],
            expected_output="เผยแพร่ข้อมูลครบถ้วนตามกำหนด",
        )
        progress_entry_record(
            measure=measure,
            round=round_6,
            user=people["staff"],
            status="done" if m % 3 else "in_progress",
            output=f"ดำเนินการแล้ว {m} เรื่อง เผยแพร่บนเว็บไซต์ของหน่วยงาน",
            reported_on=date(2025, 3, 20),
        )
    texts = memos.memo_draft_texts(
        organisation=org, fiscal_year=YEAR, kind=KIND, round_name=round_6.name
    )
    memo = memos.memo_create(
        organisation=org,
        user=people["staff"],
        fiscal_year=YEAR,
        unit=unit,
        subject=texts["subject"],
        to=texts["to"],
        background=texts["background"],
        facts=texts["facts"],
        proposal=texts["proposal"],
        attachments=[
            {
                "kind": KIND,
                "fiscal_year": YEAR,
                "options": {"round_id": round_6.pk},
                "title": texts["title"],
            }
        ],
    )
    memos.memo_submit(memo=memo, user=people["staff"], template=template)
    for username in ("orgadmin", "approver", "mayor"):
        memo.refresh_from_db()
        step = approval_selectors.current_step(memo)
        memos.memo_step_act(
            memo=memo, step_id=step.pk, user=people[username], decision=Decision.APPROVED
        )


def copy_to(orgs, sources) -> None:
    """Bulk copies of a real organisation's measures, progress and publications."""
    from django.db import transaction

    from approvals.models import Memo, MemoStatus
    from measures.models import Measure, MeasureStep, ProgressEntry, ReportingRound
    from publication.models import Publication

    Through = Measure.responsible_units.through
    with transaction.atomic():
        for n, org in enumerate(orgs):
            src = sources[n % len(sources)]
            unit = org.units.get()
            rounds = ReportingRound.objects.bulk_create(
                ReportingRound(
                    organisation=org,
                    fiscal_year_id=r.fiscal_year_id,
                    name=r.name,
                    start_date=r.start_date,
                    end_date=r.end_date,
                )
                for r in src["rounds"]
            )
            round_map = {old.pk: new for old, new in zip(src["rounds"], rounds, strict=True)}
            new_measures = Measure.objects.bulk_create(
                Measure(
                    organisation=org,
                    fiscal_year_id=m.fiscal_year_id,
                    order=m.order,
                    title=m.title,
                    goal=m.goal,
                    timeframe_kind=m.timeframe_kind,
                    quarters=m.quarters,
                    expected_output=m.expected_output,
                )
                for m in src["measures"]
            )
            pairs = list(zip(src["measures"], new_measures, strict=True))
            Through.objects.bulk_create(Through(measure=new, unit=unit) for _, new in pairs)
            MeasureStep.objects.bulk_create(
                MeasureStep(measure=new, order=s.order, text=s.text)
                for old, new in pairs
                for s in src["steps"][old.pk]
            )
            ProgressEntry.objects.bulk_create(
                ProgressEntry(
                    measure=new,
                    round=round_map[e.round_id],
                    status=e.status,
                    output=e.output,
                    reported_on=e.reported_on,
                )
                for old, new in pairs
                for e in src["progress"][old.pk]
            )
            m = src["memo"]
            memo = Memo.objects.create(
                organisation=org,
                fiscal_year=m.fiscal_year,
                unit=unit,
                number=m.number,
                date=m.date,
                subject=m.subject,
                to=m.to,
                background=m.background,
                facts=m.facts,
                proposal=m.proposal,
                status=MemoStatus.APPROVED,
                publication_state=m.publication_state,
                cycle=1,
                author=m.author,
            )
            Publication.objects.bulk_create(
                Publication(
                    organisation=org,
                    fiscal_year=p.fiscal_year,
                    kind=p.kind,
                    revision=p.revision,
                    title=p.title,
                    memo=memo,
                    html=p.html.name,
                    pdf=p.pdf.name,
                    html_sha256=p.html_sha256,
                    pdf_sha256=p.pdf_sha256,
                    approval_record=p.approval_record,
                    published_at=p.published_at,
                )
                for p in src["publications"]
            )


def build(orgs: int, measures: int, real: int) -> list[str]:
    from django.core.management import call_command
    from django.db import connection

    from approvals.models import Memo
    from assessments.imports import scores_import
    from measures.models import Measure, MeasureStep, ProgressEntry, ReportingRound
    from organisations.models import Organisation, OrganisationType, Unit
    from publication.models import Publication

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load_framework", stdout=io.StringIO())
    Organisation.objects.bulk_create(
        Organisation(
            name=f"องค์การบริหารส่วนตำบลทดสอบโหลด{n:04d}",
            type=OrganisationType.SAO,
            code=f"{30 + n % 60:02d}{n:05d}",
            province=PROVINCES[n % len(PROVINCES)][0],
            district=PROVINCES[n % len(PROVINCES)][1],
            document_prefix=f"นม {n:05d}/",
        )
        for n in range(1, orgs + 1)
    )
    all_orgs = list(Organisation.objects.order_by("pk"))
    Unit.objects.bulk_create(Unit(organisation=o, name="สำนักปลัด") for o in all_orgs)
    codes = [o.code for o in all_orgs]
    log(f"{orgs} organisations; importing {orgs * 60:,} score rows through scores_import")
    result = scores_import(content=scores_workbook(codes), file_name="คะแนน-2568.xlsx")
    log(f"scores: {result.created:,} created ({result.layout} layout)")
    real = max(1, min(real, orgs))
    sources = []
    for n, org in enumerate(all_orgs[:real], start=1):
        t = time.monotonic()
        real_chain(org, n, measures)
        log(
            f"real chain {org.code}: {measures} measures, published in {time.monotonic() - t:.1f} s"
        )
        org_measures = list(Measure.objects.filter(organisation=org).order_by("order"))
        steps: dict[int, list] = {m.pk: [] for m in org_measures}
        for s in MeasureStep.objects.filter(measure__organisation=org).order_by("order"):
            steps[s.measure_id].append(s)
        progress: dict[int, list] = {m.pk: [] for m in org_measures}
        for e in ProgressEntry.objects.filter(measure__organisation=org):
            progress[e.measure_id].append(e)
        sources.append(
            {
                "rounds": list(ReportingRound.objects.filter(organisation=org).order_by("pk")),
                "measures": org_measures,
                "steps": steps,
                "progress": progress,
                "memo": Memo.objects.get(organisation=org),
                "publications": list(Publication.objects.filter(organisation=org)),
            }
        )
    copy_to(all_orgs[real:], sources)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(
        f"set-up done in {time.monotonic() - started:.0f} s: {Organisation.objects.count()} "
        f"organisations, {Measure.objects.count():,} measures, "
        f"{Publication.objects.count():,} publications ({real * 2} rendered, the rest copies)"
    )
    connection.close()
    return codes


def queries_per_request(paths: dict[str, str]) -> dict[str, tuple[int, int]]:
    """SQL queries of one anonymous request, (cache miss, cache hit): Django test client, same
    database, this process's catalogue memo filled by a first request."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in paths.items():
        if name == "floor":
            counts[name] = (0, 0)
            continue
        client.get(path)  # fills the catalogue memo and loads the templates
        cache.clear()
        found = []
        for _ in ("miss", "hit"):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            assert response.status_code == 200, (path, response.status_code)
            found.append(len(ctx.captured_queries))
        counts[name] = (found[0], found[1])
    cache.clear()
    connection.close()
    return counts


# ---------------------------------------------------------------- server


def server_env(db: str, media: Path, static: Path, tmp: Path, redis_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CELERY_", "DJANGO_", "ITA_TEST_")) and k != "REDIS_URL"
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ita_load_settings",
            "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{SERVER}/{db}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DB_CONN_MAX_AGE": "60",
            "MEDIA_ROOT": str(media),
            "STATIC_ROOT": str(static),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_gunicorn(env: dict[str, str], port: int, workers: int, logfile: Path):
    cmd = [
        str(BIN / "gunicorn"),
        "ita_portal.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    log("server: " + " ".join(cmd[1:]))
    with logfile.open("w") as output:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{logfile.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r,
        ):
            if r.status == 200:
                return proc
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz:\n{logfile.read_text()[-3000:]}")


def stop(proc) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def db_backend_pids(db: str) -> list[int]:
    """PostgreSQL backends connected to `db` (their process title names the database)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if title.startswith("postgres: ") and f" {db} " in title:
                pids.append(int(entry.name))
    return pids


def redis_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "cmdline").read_bytes().startswith(b"redis-server"):
                    pids.append(int(entry.name))
    return pids


def redis_flush(url: str) -> None:
    """Empty the bench's own Redis database (never another one: the URL names it)."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


class CpuMeter:
    """CPU time of the gunicorn workers and of the database's backends over a run.

    Sampled every 0.2 s from /proc in a thread: DB_CONN_MAX_AGE=60 makes each worker reconnect
    every minute, so backends come and go during a run; a backend that appears is counted from
    zero (its start-up is part of the cost), one that exits keeps its last sample.
    """

    def __init__(self, master: int, db: str):
        import threading

        self.master, self.db = master, db
        self.redis = redis_pids()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._sample(initial=True)

    def _sample(self, initial: bool = False) -> None:
        for group, pids in (
            ("app", worker_pids(self.master)),
            ("db", db_backend_pids(self.db)),
            ("redis", self.redis),
        ):
            for pid in pids:
                value = cpu_seconds([pid])
                key = (group, pid)
                if key not in self.first:
                    self.first[key] = value if initial else 0.0
                self.last[key] = value

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    def seconds(self, group: str) -> float:
        return sum(self.last[k] - self.first[k] for k in self.last if k[0] == group)


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def wait_idle(master: int, limit: float = 60) -> None:
    """After wrk stops, gunicorn still serves what was queued: wait until the workers go idle."""
    pids = worker_pids(master)
    deadline = time.monotonic() + limit
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - before < 0.02:
            return
        before = now


def check_urls(port: int, paths: dict[str, str]) -> dict[str, dict]:
    info = {}
    for name, path in paths.items():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"{path}: HTTP {r.status}")
            info[name] = {
                "bytes": len(body),
                "headers": {
                    h: r.headers.get(h, "")
                    for h in ("Content-Type", "Cache-Control", "ETag", "Last-Modified", "Vary")
                },
            }
            log(f"{name} {path}: {len(body)} bytes, {info[name]['headers']}")
    return info


# ---------------------------------------------------------------- load


def run_wrk(port: int, paths_file: Path, lua: Path, seconds: int, clients: int, headers=()) -> dict:
    """`headers`: ("Name: value", …) sent with every request (wrk.format adds wrk's -H headers)."""
    cmd = [
        "wrk",
        "-t1",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        *(arg for header in headers for arg in ("-H", header)),
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}",
        "--",
        str(paths_file),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("JSON:"))
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


async def _visit(port: int, queue: list[str], times: list[float], statuses: Counter) -> None:
    """One client: GET the next path until none is left (gunicorn closes after each response)."""
    while queue:
        path = queue.pop()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.perf_counter()  # like wrk: from writing the request, after the connect
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        data = await reader.read()  # to the end: the server closes the connection
        times.append(time.perf_counter() - started)
        writer.close()
        statuses[int(data[9:12]) if data[:5] == b"HTTP/" else 0] += 1


def first_visits(name, port, paths, args, master, db, profile: bool = True) -> dict:
    """Every path once, CLIENTS at a time: each request is a first visit (on an empty cache, a
    miss; after the warm-up, what a citizen gets)."""
    queue = list(reversed(paths))
    times: list[float] = []
    statuses: Counter[int] = Counter()

    async def run() -> None:
        await asyncio.gather(*(_visit(port, queue, times, statuses) for _ in range(args.clients)))

    load0 = os.getloadavg()[0]
    log(f"{name}: first visits, {len(paths)} URL(s) once each, {args.clients} at a time")
    raw = Path(tempfile.gettempdir()) / f"ita-load-pyspy-first-{name}-{os.getpid()}.txt"
    spy = spy_start(worker_pids(master)[0], raw) if args.profile and profile else None
    started = time.perf_counter()
    with CpuMeter(master, db) as meter:
        asyncio.run(run())
    duration = time.perf_counter() - started
    profile = spy_stop(spy, raw) if spy else None
    raw.unlink(missing_ok=True)
    wait_idle(master)
    times.sort()

    def pct(q: float) -> float:
        return times[min(len(times) - 1, round(q * (len(times) - 1)))] * 1e6

    result = {
        "requests": len(times),
        "duration_s": duration,
        "rps": len(times) / duration,
        "p50_us": pct(0.50),
        "p95_us": pct(0.95),
        "p99_us": pct(0.99),
        "max_us": times[-1] * 1e6,
        "statuses": dict(statuses),
        "errors": sum(n for status, n in statuses.items() if status != 200),
        "app_cpu_ms": meter.seconds("app") * 1000 / len(times),
        "db_cpu_ms": meter.seconds("db") * 1000 / len(times),
        "redis_cpu_ms": meter.seconds("redis") * 1000 / len(times),
        "loadavg_1min_before": load0,
        "loadavg_1min_after": os.getloadavg()[0],
        "profile": profile,
    }
    log(
        f"{name}: first visits {result['rps']:.0f} req/s over {duration:.1f} s, p50 "
        f"{result['p50_us'] / 1000:.1f} ms, p95 {result['p95_us'] / 1000:.1f} ms, "
        f"statuses {dict(statuses)}"
    )
    return result


def warm_up(env: dict[str, str]) -> dict:
    """What the queue does after a publication or an import (public.tasks.warm_public_pages), for
    every organisation at once: `manage.py warm_public_pages --all`, with the server's settings
    and cache, in its own process (timed by the command itself, and as a whole process)."""
    load0 = os.getloadavg()[0]
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "manage.py", "warm_public_pages", "--all"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    process_s = time.perf_counter() - started
    log(f"warming: {out} ({process_s:.1f} s as a process)")
    words = out.split()  # "warmed N pages of M organisations in S s (F failed)"
    return {
        "pages": int(words[1]),
        "organisations": int(words[4]),
        "seconds": float(words[7]),
        "failed": int(words[9].lstrip("(")),
        "process_s": process_s,
        "loadavg_1min_before": load0,
        "loadavg_1min_after": os.getloadavg()[0],
    }


def load_url(name, port, paths, tmp, args, master, db, headers=()) -> dict:
    paths_file = tmp / f"paths-{name}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    lua = tmp / "rotate.lua"
    log(f"{name}: warm-up {args.warmup} s")
    run_wrk(port, paths_file, lua, args.warmup, args.clients, headers)
    wait_idle(master)
    load0 = os.getloadavg()[0]
    log(f"{name}: measuring {args.seconds} s, {args.clients} clients, {len(paths)} URL(s)")
    with CpuMeter(master, db) as meter:
        result = run_wrk(port, paths_file, lua, args.seconds, args.clients, headers)
    result["loadavg_1min_after"] = os.getloadavg()[0]
    wait_idle(master)  # requests still queued when wrk stopped: served, not counted
    requests = max(result["requests"], 1)
    result["app_cpu_ms"] = meter.seconds("app") * 1000 / requests
    result["db_cpu_ms"] = meter.seconds("db") * 1000 / requests
    result["redis_cpu_ms"] = meter.seconds("redis") * 1000 / requests
    result["loadavg_1min_before"] = load0
    errors = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["errors"] = errors
    # One client: the time a request takes when nothing is queued in front of it.
    single = run_wrk(port, paths_file, lua, max(2, min(5, args.seconds)), 1, headers)
    result["single_client"] = single
    wait_idle(master)
    log(
        f"{name}: {result['rps']:.0f} req/s, p50 {result['p50_us'] / 1000:.1f} ms, "
        f"p95 {result['p95_us'] / 1000:.1f} ms, errors {errors}; 1 client: "
        f"p50 {single['p50_us'] / 1000:.1f} ms"
    )
    return result


def spy_start(pid: int, raw: Path, seconds: int = 600) -> subprocess.Popen:
    """py-spy sampling one worker until spy_stop() (or `seconds`)."""
    spy = subprocess.Popen(
        [
            str(BIN / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--nonblocking",
            "--full-filenames",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    return spy


def spy_stop(spy: subprocess.Popen, raw: Path) -> dict:
    """Stop py-spy (it writes its file on SIGINT); top project and leaf functions."""
    if spy.poll() is None:
        spy.send_signal(signal.SIGINT)
    _, err = spy.communicate(timeout=60)
    if not raw.exists():
        return {"error": err.strip()[-500:]}
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        leaf[_frame(frames[-1])] += n
        seen = set()
        for frame in frames:
            label = _frame(frame)
            if _is_project(frame) and label not in seen:
                seen.add(label)
                inclusive[label] += n
    pct = lambda c: round(100 * c / total, 1) if total else 0  # noqa: E731
    return {
        "samples": total,
        "project_inclusive": [(f, pct(c)) for f, c in inclusive.most_common(12)],
        "leaf": [(f, pct(c)) for f, c in leaf.most_common(12)],
    }


def profile_url(name, port, paths, tmp, args, master) -> dict:
    """py-spy samples one worker while wrk loads the page."""
    paths_file = tmp / f"paths-{name}.txt"
    raw = tmp / f"pyspy-{name}.txt"
    spy = spy_start(worker_pids(master)[0], raw)
    run_wrk(port, paths_file, tmp / "rotate.lua", max(5, min(args.seconds, 15)), args.clients)
    result = spy_stop(spy, raw)
    wait_idle(master)
    return result


def _frame(frame: str) -> str:
    # py-spy raw frames look like "function (path/to/file.py:123)"
    func, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path, _, lineno = where.rpartition(":")
    with contextlib.suppress(ValueError):
        path = str(Path(path).relative_to(ROOT))
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    return f"{func} ({path}:{lineno})"


def _is_project(frame: str) -> bool:
    return str(ROOT) in frame and "/.venv/" not in frame and "load_public" not in frame


# ---------------------------------------------------------------- report


def machine(db: str) -> str:
    import psycopg

    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with psycopg.connect(ADMIN_DSN) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()
    debian = (
        Path("/etc/debian_version").read_text().strip()
        if Path("/etc/debian_version").exists()
        else ""
    )
    return (
        f"{os.cpu_count()} vCPU {cpu}, {mem_gib:.0f} GiB, Debian {debian}, "
        f"Python {platform.python_version()}, PostgreSQL {pg}, Django {version('django')}, "
        f"gunicorn {version('gunicorn')}, psycopg {version('psycopg')}, "
        f"wrk {wrk[1] if len(wrk) > 1 else '?'}"
    )


LABELS = {
    "floor": "floor: `/floor/` (HttpResponse('ok'), full middleware)",
    "organisation": "public organisation page `/p/<code>/`",
    "document": "public document `/p/<code>/2568/measure-results/`",
    "pdf": "public PDF `/p/<code>/2568/measure-results.pdf`",
}


def combine(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Per URL, the median of each figure over the rounds; × floor is the median of each round's
    ratio to that round's floor (the machine's load moves both alike within a round)."""
    from statistics import median

    combined = {}
    for name in rounds[0]:
        runs = [r[name] for r in rounds]
        c = {
            key: median(run[key] for run in runs)
            for key in (
                "rps",
                "p50_us",
                "p95_us",
                "p99_us",
                "app_cpu_ms",
                "db_cpu_ms",
                "redis_cpu_ms",
            )
        }
        c["ratio"] = median(r[name]["rps"] / r["floor"]["rps"] for r in rounds)
        c["requests"] = sum(run["requests"] for run in runs)
        c["duration_us"] = sum(run["duration_us"] for run in runs)
        c["errors"] = sum(run["errors"] for run in runs)
        c["single_client"] = {"p50_us": median(run["single_client"]["p50_us"] for run in runs)}
        c["loadavg_1min_before"] = min(run["loadavg_1min_before"] for run in runs)
        c["loadavg_1min_after"] = max(run["loadavg_1min_after"] for run in runs)
        c["rounds"] = [
            {
                "rps": run["rps"],
                "p95_us": run["p95_us"],
                "ratio": r[name]["rps"] / r["floor"]["rps"],
            }
            for run, r in zip(runs, rounds, strict=True)
        ]
        combined[name] = c
    return combined


def _verdict(ratio: float, r: dict) -> str:
    misses = []
    if ratio < TARGET_RATIO:
        misses.append(f"throughput {ratio:.0%} < 50 %")
    if r["p95_us"] / 1000 >= TARGET_P95_MS:
        misses.append(f"p95 ≥ {TARGET_P95_MS:.0f} ms")
    if r["errors"]:
        misses.append(f"{r['errors']} errors")
    return "**pass**" if not misses else "**miss**: " + "; ".join(misses)


def report(
    results, cold, queries, info, args, setup_s, machine_text, *, warming=None, warmed=None
) -> str:
    floor = results["floor"]["rps"]
    cache_text = (
        f"REDIS_URL={args.redis_url} (shared by the workers, emptied first)"
        if args.redis_url
        else "no REDIS_URL (a local-memory cache per worker)"
    )
    lines = [
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {machine_text}.",
        "",
        f"Data: {args.orgs:,} organisations × {args.measures} measures, ITA scores 2568 for each, "
        f"{args.real} published through the real chain, the rest copies (set-up {setup_s:.0f} s, "
        f"not timed). Cache: {cache_text}. First visits: every URL once, {args.clients} at a "
        f"time, on the empty cache. Then load: wrk, 1 thread, {args.clients} connections, "
        f"{args.warmup} s warm-up then {args.seconds} s per URL, in {args.rounds} rounds (floor, "
        "organisation, document, PDF, again and again): the medians. gunicorn "
        f"{args.workers} sync workers, prod settings. SQL/req: on a cache miss (first visits) and "
        "on a hit (steady state).",
        "",
        "| URL | requests | body | SQL/req | req/s | p50 ms | p95 ms | p99 ms | × floor "
        "| p50 ms, 1 client | app CPU ms/req | DB CPU ms/req | Redis CPU ms/req "
        "| CPU ceiling req/s | load avg | errors | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def row(label, what, name, r, sql, single, verdict):
        ratio = r.get("ratio", r["rps"] / floor if floor else 0)
        # What the cores could serve if these processes had them to themselves (no wrk, no others).
        cpu = r["app_cpu_ms"] + r["db_cpu_ms"] + r.get("redis_cpu_ms", 0)
        ceiling = (os.cpu_count() or 1) * 1000 / max(cpu, 1e-3)
        size = info[name]["bytes"]
        body = f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} B"
        lines.append(
            f"| {label} | {what} | {body} | {sql} | {r['rps']:.0f} "
            f"| {r['p50_us'] / 1000:.1f} | {r['p95_us'] / 1000:.1f} | {r['p99_us'] / 1000:.1f} "
            f"| {ratio:.2f} | {single} "
            f"| {r['app_cpu_ms']:.2f} | {r['db_cpu_ms']:.2f} | {r.get('redis_cpu_ms', 0):.2f} "
            f"| {ceiling:.0f} | {r['loadavg_1min_before']:.1f}→{r['loadavg_1min_after']:.1f} "
            f"| {r['errors']} | {verdict} |"
        )

    for name, r in cold.items():
        row(
            f"{LABELS[name]}, **first visit (cache miss)**",
            f"{r['requests']:,} in {r['duration_s']:.1f} s",
            name,
            r,
            queries[name][0],
            "–",
            _verdict(r["rps"] / floor if floor else 0, r),
        )
    for name, r in (warmed or {}).items():
        row(
            f"{LABELS[name]}, **first visit after the warm-up**",
            f"{r['requests']:,} in {r['duration_s']:.1f} s",
            name,
            r,
            queries[name][1],
            "–",
            _verdict(r["rps"] / floor if floor else 0, r),
        )
    for name, r in results.items():
        verdict = "reference" if name == "floor" else _verdict(r["ratio"], r)
        steady = ", steady state (cache hit)" if args.redis_url else ", steady state"
        row(
            LABELS[name] + ("" if name == "floor" else steady),
            f"{r['requests']:,} in {r['duration_us'] / 1e6:.0f} s",
            name,
            r,
            queries[name][1],
            f"{r['single_client']['p50_us'] / 1000:.1f}",
            verdict,
        )
    if warming:
        lines += [
            "",
            f"Warming (`manage.py warm_public_pages --all`, what public.tasks.warm_public_pages does "
            f"on the queue after a publication or an import, on the emptied cache): "
            f"{warming['pages']:,} pages of {warming['organisations']:,} organisations in "
            f"{warming['seconds']:.1f} s ({warming['process_s']:.1f} s as a process, "
            f"{warming['failed']} failed; load avg {warming['loadavg_1min_before']:.1f}→"
            f"{warming['loadavg_1min_after']:.1f}). The first visits after it are the rows "
            "'first visit after the warm-up'; the cold misses (cache emptied, no warm-up) are the "
            "rows 'first visit (cache miss)'.",
        ]
    if not args.redis_url:
        lines += [
            "",
            "Without REDIS_URL each worker has its own local-memory cache (Django's default: 300 "
            "entries, culled beyond): a page is a hit only in the worker that rendered it, while it "
            "is still among its 300. The CPU per request shows how many requests were misses.",
        ]
    lines += [
        "",
        f"Steady state, each of the {args.rounds} rounds (req/s, p95 ms, × that round's floor):",
    ]
    for name, r in results.items():
        runs = "; ".join(
            f"{run['rps']:.0f}, {run['p95_us'] / 1000:.1f}, {run['ratio']:.2f}"
            for run in r["rounds"]
        )
        lines.append(f"- {LABELS[name]}: {runs}")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--measures", type=int, default=50)
    parser.add_argument("--real", type=int, default=3, help="organisations published for real")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--rounds", type=int, default=3, help="steady-state rounds over all URLs (medians)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy one worker during the first visits, then under load on every URL",
    )
    parser.add_argument(
        "--redis-url",
        default=REDIS_URL,
        help=f"the workers' shared cache, emptied first (default {REDIS_URL}; '' for none)",
    )
    parser.add_argument(
        "--no-warm",
        action="store_true",
        help="skip the warm-up and the first visits after it (cold misses only)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2

    db = f"ita_load_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="ita-load-"))
    media, static = tmp / "media", tmp / "static"
    media.mkdir()
    server = None
    try:
        admin_sql(f'CREATE DATABASE "{db}"')
        log(f"database {db}, files in {tmp}")
        setup_django(db, media)
        t = time.monotonic()
        codes = build(args.orgs, args.measures, args.real)
        setup_s = time.monotonic() - t
        rng = random.Random(1)
        rotation = codes[:]
        rng.shuffle(rotation)
        url_sets = {
            "floor": ["/floor/"],
            "organisation": [f"/p/{c}/" for c in rotation],
            "document": [f"/p/{c}/{YEAR}/{KIND}/" for c in rotation],
            "pdf": [f"/p/{c}/{YEAR}/{KIND}.pdf" for c in rotation],
        }
        sample = {name: urls[0] for name, urls in url_sets.items()}
        queries = queries_per_request(sample)
        log(f"SQL queries per request: {queries}")

        (tmp / "ita_load_urls.py").write_text(URLCONF)
        (tmp / "ita_load_settings.py").write_text(SETTINGS)
        (tmp / "rotate.lua").write_text(WRK_LUA)
        env = server_env(db, media, static, tmp, args.redis_url)
        if args.redis_url:
            redis_flush(args.redis_url)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        server = start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
        cold = {
            name: first_visits(name, port, urls, args, server.pid, db)
            for name, urls in url_sets.items()
            if name != "floor"
        }
        warming, warmed = None, {}
        if args.redis_url and not args.no_warm:
            # What a citizen meets after a publication or an import: the queue has rendered the
            # affected pages (here every organisation's) before anyone visits.
            redis_flush(args.redis_url)
            warming = warm_up(env)
            warmed = {
                name: first_visits(name, port, urls, args, server.pid, db, profile=False)
                for name, urls in url_sets.items()
                if name != "floor"
            }
        info = check_urls(port, sample)
        rounds = []
        for n in range(1, args.rounds + 1):
            log(f"steady state, round {n} of {args.rounds}")
            rounds.append(
                {
                    name: load_url(name, port, urls, tmp, args, server.pid, db)
                    for name, urls in url_sets.items()
                }
            )
        results = combine(rounds)
        text = report(
            results, cold, queries, info, args, setup_s, machine(db), warming=warming, warmed=warmed
        )
        profiles = {}
        if args.profile:
            for name in results:  # the floor too: what every request pays
                log(f"{name}: profiling with py-spy")
                profiles[name] = profile_url(name, port, url_sets[name], tmp, args, server.pid)
        print(text)
        runs = [(f"{LABELS[name]}, first visits", r["profile"]) for name, r in cold.items()]
        runs += [(f"{LABELS[name]}, under load", prof) for name, prof in profiles.items()]
        for label, prof in runs:
            if prof is None:
                continue
            print(f"\npy-spy, {label} ({prof.get('samples', 0)} samples of one worker):")
            if "error" in prof:
                print("  " + prof["error"])
                continue
            print("  project functions (inclusive %):")
            for frame, pct in prof["project_inclusive"]:
                print(f"    {pct:5.1f}  {frame}")
            print("  leaf functions (self %):")
            for frame, pct in prof["leaf"]:
                print(f"    {pct:5.1f}  {frame}")
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "first_visits": cold,
                        "warming": warming,
                        "first_visits_warmed": warmed,
                        "rounds": rounds,
                        "results": results,
                        "queries": queries,
                        "info": info,
                        "profiles": profiles,
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        gunicorn_log = (tmp / "gunicorn.log").read_text()
        if gunicorn_log.strip():
            log("gunicorn log (tail):\n" + gunicorn_log[-2000:])
        return 0
    finally:
        stop(server)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.redis_url:
            with contextlib.suppress(Exception):
                redis_flush(args.redis_url)
        if args.keep_db:
            log(f"kept database {db} and its files in {media}")
        else:
            with contextlib.suppress(Exception):
                admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(Exception):
            from django.conf import settings

            for path in (settings.STATIC_ROOT,):
                shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
