"""Benchmark: the national score import against the bare floor and django-import-export.

A national-scale long-layout .xlsx (org_code, fiscal_year, item_code, score): ORGS อบต.
organisations × the given fiscal years × every item of the 2568 local-government framework
(8,300 × 2 × 50 = 830,000 rows by default). Each measured variant runs in its own fresh process;
peak memory is that process's own peak resident set size, VmHWM (calamine and psycopg allocate
outside Python, so tracemalloc would under-count; ru_maxrss is not used because Linux carries the
parent's high-water mark into a child across fork + exec).

    .venv/bin/pip install -r bench/requirements.txt          # the peer (django-import-export)
    .venv/bin/python bench/import_scores.py                  # full scale, prints Markdown
    .venv/bin/python bench/import_scores.py --orgs 500 --peer-seconds 20   # a quick look
    .venv/bin/python bench/import_scores.py --peer-modes bulk bulk-upsert default

Options:
    --orgs N             organisations (default 8300)
    --years Y [Y ...]    fiscal years (default 2568 2569); the 2568 "อปท." framework is copied
                         to any year that has none
    --peer-seconds S     cut each django-import-export run after the chunk that passes S seconds
                         (default 120)
    --peer-chunk N       rows per django-import-export chunk (default 20000)
    --peer-modes M ...   bulk: use_bulk, batch_size 1000, skip_diff; import_id_fields left at
                           its default ("id", absent from the file), so every row is new and
                           no instance is looked up: insert-only, the peer's fastest path and
                           the one the ≥ 30× target is judged against;
                         bulk-upsert: the same plus import_id_fields = (assessment, code), the
                           portal's semantics (a re-import updates instead of failing);
                         default: row by row, instance.save() (its default mode)
                         (default: bulk bulk-upsert)
    --xlsx PATH          reuse this file if it exists (else write it there and keep it)
    --portal-module M    time M.scores_import instead of assessments.imports (to try a
                         candidate change; put its folder on PYTHONPATH)
    --json PATH          also write the raw figures (phases, loads, counts) as JSON
    --keep-db            keep the bench database (its name is printed)

Variants:
    portal    `assessments.imports.scores_import(content=Path(f).read_bytes(), file_name=...)`
              timed end to end: read, validate, one transaction committed. Run 1 on empty score
              and assessment tables, then a re-import of the same file (every score unchanged),
              then both tables are truncated and run 2 repeats run 1.
    floor     calamine read of the same bytes (iterate rows; int() on the year) + one psycopg
              COPY straight into assessments_score, committed. Its assessments are created by
              plain SQL beforehand, NOT timed; the (org_code, year) → id map query is timed.
    peer      django-import-export ModelResource for Score (ForeignKeyWidget for assessment),
              fed a CSV export of the same rows whose assessment column is the assessment id,
              precomputed outside the timed region (CSV rather than its openpyxl-based xlsx
              format, to be fair to it). Timed: reading the CSV, tablib Dataset.load per chunk,
              import_data per chunk (its own transaction, committed), on an empty score table.

The bench database `ita_bench_import_<pid>` is created on 127.0.0.1:5432 (user postgres),
migrated, loaded with the catalogue and dropped at the end unless --keep-db. Each timed run is
preceded by a CHECKPOINT so one run's dirty pages are not written during the next.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import importlib.util
import io
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
VARIANT = "อปท."
BASE_YEAR = 2568
BASE_FILE = "framework-2568-lao.json"
SEED = 2568
SCORE_TABLE = "assessments_score"
ASSESSMENT_TABLE = "assessments_assessment"
TARGET_FLOOR_RATIO = 1.5
TARGET_PEER_RATIO = 30
TARGET_RSS_MB = 500


# ---------------------------------------------------------------- helpers


def dsn(db: str) -> str:
    return f"host=127.0.0.1 port=5432 user=postgres dbname={db}"


def setup_django(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings.test"
    os.environ["DATABASE_URL"] = f"{SERVER}/{db}"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def tidy_settings_dirs() -> None:
    """The test settings make empty media/static temp dirs in every process: remove ours."""
    from django.conf import settings

    for path in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        with contextlib.suppress(OSError):
            os.rmdir(path)


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM).

    `getrusage(RUSAGE_SELF).ru_maxrss` is not used for the figure: Linux carries the parent's
    high-water mark into a child across fork/vfork + exec, so every child would report at least
    the parent's RSS. It is kept in the raw figures as ru_maxrss_mb.
    """
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mb() -> float:
    return _status_mb("VmRSS")


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend (on this machine) has used since it started."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def django_backend_cpu() -> float:
    from django.db import connection

    return backend_cpu(connection.connection.info.backend_pid)


def emit(payload: dict) -> None:
    print("RESULT " + json.dumps(payload), flush=True)


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(statement)


def sql(db: str, statement: str, params=None) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn(db), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


# ---------------------------------------------------------------- children (fresh processes)


def child_portal(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    setup_django(args.db)
    scores_import = importlib.import_module(args.portal_module).scores_import

    ready = time.perf_counter()
    base_rss = current_rss_mb()
    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        marks.setdefault(phase, time.perf_counter())

    def run():
        content = Path(args.file).read_bytes()
        return scores_import(content=content, file_name=Path(args.file).name, progress=progress)

    cpu0 = client_cpu()
    t0 = time.perf_counter()
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(run)
        profiler.dump_stats(args.cprofile)
    else:
        result = run()
    seconds = time.perf_counter() - t0
    cpu = {"client": client_cpu() - cpu0, "server": django_backend_cpu()}
    phases = {}
    order = ["read", "validate", "write", "done"]
    for here, after in zip(order, order[1:], strict=False):
        if here in marks and after in marks:
            phases[here] = round(marks[after] - marks[here], 3)
    if "read" in marks:
        phases["file+checks"] = round(marks["read"] - t0, 3)
    emit(
        {
            "seconds": seconds,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "assessments_created": result.assessments_created,
            "phases": phases,
            "cpu": cpu,
            "startup": ready - started,
            "base_rss_mb": base_rss,
            "peak_rss_mb": peak_rss_mb(),
            "ru_maxrss_mb": ru_maxrss_mb(),
        }
    )
    tidy_settings_dirs()


def child_floor(args: argparse.Namespace) -> None:
    import psycopg
    from python_calamine import CalamineWorkbook

    base_rss = current_rss_mb()
    now = datetime.now(UTC)
    cpu0 = client_cpu()
    t0 = time.perf_counter()
    content = Path(args.file).read_bytes()
    with psycopg.connect(dsn(args.db)) as conn:
        ids = {
            (code, year): pk
            for pk, code, year in conn.execute(
                f"SELECT a.id, o.code, y.year FROM {ASSESSMENT_TABLE} a "
                "JOIN organisations_organisation o ON o.id = a.organisation_id "
                "JOIN assessments_fiscalyear y ON y.id = a.fiscal_year_id"
            )
        }
        mapped = time.perf_counter()
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows = iter(sheet.iter_rows())
        next(rows)  # header
        count = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(
                f"COPY {SCORE_TABLE} (assessment_id, kind, code, score, updated_at) FROM STDIN"
            ) as copy,
        ):
            for org_code, year, item_code, score in rows:
                copy.write_row((ids[(org_code, int(year))], "item", item_code, score, now))
                count += 1
        copied = time.perf_counter()
        conn.commit()
        seconds = time.perf_counter() - t0
        cpu = {"client": client_cpu() - cpu0, "server": backend_cpu(conn.info.backend_pid)}
    emit(
        {
            "seconds": seconds,
            "rows": count,
            "phases": {
                "map query": round(mapped - t0, 3),
                "read+copy": round(copied - mapped, 3),
                "commit": round(seconds - (copied - t0), 3),
            },
            "cpu": cpu,
            "base_rss_mb": base_rss,
            "peak_rss_mb": peak_rss_mb(),
            "ru_maxrss_mb": ru_maxrss_mb(),
        }
    )


def peer_resource(mode: str, batch_size: int):
    from import_export import fields, resources, widgets

    from assessments.models import Assessment, Score

    meta = {"model": Score, "fields": ("id", "assessment", "kind", "code", "score")}
    if mode in ("bulk", "bulk-upsert"):
        meta.update(use_bulk=True, batch_size=batch_size, skip_diff=True)
    if mode == "bulk-upsert":
        # Find the existing score by its natural key, as a re-import needs (one query per row).
        meta["import_id_fields"] = ("assessment", "code")
    return type(
        "ScoreResource",
        (resources.ModelResource,),
        {
            "__module__": __name__,
            "assessment": fields.Field(
                attribute="assessment",
                column_name="assessment",
                widget=widgets.ForeignKeyWidget(Assessment),
            ),
            "Meta": type("Meta", (), meta),
        },
    )


def child_peer(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    setup_django(args.db)
    import tablib

    resource_class = peer_resource(args.mode, args.batch_size)
    ready = time.perf_counter()
    base_rss = current_rss_mb()
    cpu0 = client_cpu()
    t0 = time.perf_counter()
    header, *lines = Path(args.csv).read_text(encoding="utf-8").splitlines()
    done = chunks = 0
    totals: dict[str, int] = {}
    for start in range(0, len(lines), args.chunk):
        dataset = tablib.Dataset().load(
            "\n".join([header, *lines[start : start + args.chunk]]), format="csv"
        )
        result = resource_class().import_data(dataset, raise_errors=True)
        if result.has_errors() or result.has_validation_errors():
            raise SystemExit(f"django-import-export reported errors in chunk {chunks}")
        for key, value in result.totals.items():
            totals[key] = totals.get(key, 0) + value
        done += len(dataset)
        chunks += 1
        if time.perf_counter() - t0 >= args.peer_seconds:
            break
    seconds = time.perf_counter() - t0
    cpu = {"client": client_cpu() - cpu0, "server": django_backend_cpu()}
    emit(
        {
            "seconds": seconds,
            "rows": done,
            "chunks": chunks,
            "total_rows": len(lines),
            "totals": totals,
            "cpu": cpu,
            "startup": ready - started,
            "base_rss_mb": base_rss,
            "peak_rss_mb": peak_rss_mb(),
            "ru_maxrss_mb": ru_maxrss_mb(),
        }
    )
    tidy_settings_dirs()


# ---------------------------------------------------------------- parent: setup


def ensure_frameworks(years: list[int]) -> list[str]:
    """The 2568 "อปท." framework, copied to every year that has no "อปท." one; its item codes."""
    from django.conf import settings

    from assessments.catalogue import framework_save, load_json_file
    from assessments.models import Framework

    base = Framework.objects.get(fiscal_year__year=BASE_YEAR, variant=VARIANT)
    for year in years:
        if not Framework.objects.filter(fiscal_year__year=year, variant=VARIANT).exists():
            data = load_json_file(Path(settings.ITA_FRAMEWORK_DIR) / BASE_FILE)
            data.fiscal_year = year
            data.name = data.name.replace(str(BASE_YEAR), str(year))
            framework_save(data=data)
    return list(
        base.items.filter(is_retired=False)
        .order_by("tool", "order", "code")
        .values_list("code", flat=True)
    )


def create_organisations(count: int) -> list[str]:
    from organisations.models import Organisation, OrganisationType

    codes = [f"{i:07d}" for i in range(1, count + 1)]
    Organisation.objects.bulk_create(
        [
            Organisation(
                code=code,
                name=f"องค์การบริหารส่วนตำบลทดสอบ {int(code)}",
                type=OrganisationType.SAO,
                province="จังหวัดทดสอบ",
            )
            for code in codes
        ],
        batch_size=2000,
    )
    return codes


def write_xlsx(path: Path, codes: list[str], years: list[int], items: list[str]) -> int:
    from openpyxl import Workbook

    rng = random.Random(SEED)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("scores")
    sheet.append(["org_code", "fiscal_year", "item_code", "score"])
    rows = 0
    for code in codes:
        for year in years:
            for item in items:
                sheet.append([code, year, item, rng.randint(4000, 10000) / 100])
                rows += 1
    book.save(path)
    return rows


def write_peer_csv(db: str, xlsx: Path, path: Path) -> int:
    """The same rows as CSV, with the assessment's id in place of org_code + fiscal_year."""
    from python_calamine import CalamineWorkbook

    ids = {
        (code, year): pk
        for pk, code, year in sql(
            db,
            f"SELECT a.id, o.code, y.year FROM {ASSESSMENT_TABLE} a "
            "JOIN organisations_organisation o ON o.id = a.organisation_id "
            "JOIN assessments_fiscalyear y ON y.id = a.fiscal_year_id",
        )
    }
    rows = iter(CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).iter_rows())
    next(rows)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["assessment", "kind", "code", "score"])
        for org_code, year, item_code, score in rows:
            writer.writerow([ids[(org_code, int(year))], "item", item_code, f"{score:.2f}"])
            count += 1
    return count


def create_assessments_sql(db: str, codes: list[str], years: list[int]) -> int:
    sql(
        db,
        f"INSERT INTO {ASSESSMENT_TABLE} (organisation_id, fiscal_year_id, framework_id, "
        "created_at, updated_at) "
        "SELECT o.id, y.id, f.id, now(), now() FROM organisations_organisation o "
        "CROSS JOIN assessments_fiscalyear y "
        "JOIN assessments_framework f ON f.fiscal_year_id = y.id AND f.variant = %s "
        "WHERE o.code = ANY(%s) AND y.year = ANY(%s)",
        (VARIANT, codes, years),
    )
    return sql(db, f"SELECT count(*) FROM {ASSESSMENT_TABLE}")[0][0]


def truncate(db: str, assessments: bool = True) -> None:
    tables = f"{SCORE_TABLE}, {ASSESSMENT_TABLE}" if assessments else SCORE_TABLE
    sql(db, f"TRUNCATE {tables} CASCADE")


def count_scores(db: str) -> int:
    return sql(db, f"SELECT count(*) FROM {SCORE_TABLE}")[0][0]


def run_child(mode: str, extra: list[str], timeout: float) -> dict:
    admin_sql("CHECKPOINT")
    load = os.getloadavg()[0]
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child {mode} failed ({done.returncode})")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            payload = json.loads(line[len("RESULT ") :])
            payload["process_wall"] = wall
            payload["load_before"] = load
            return payload
    sys.stderr.write(done.stdout + done.stderr)
    raise SystemExit(f"child {mode} printed no result")


def code_version(module: str) -> tuple[str, str]:
    """The commit, and whether the portal's import module differs from it (others edit too)."""
    import hashlib

    spec = importlib.util.find_spec(module)
    path = Path(spec.origin) if spec and spec.origin else None
    if path is None:
        return module, ""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    def git(*words: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True)

    commit = git("rev-parse", "--short", "HEAD").stdout.strip() or "?"
    try:
        relative = path.resolve().relative_to(ROOT)
    except ValueError:
        return f"{path} (sha256 {digest}), outside the repository at commit {commit}", digest
    changed = git("diff", "--quiet", "HEAD", "--", str(relative)).returncode != 0
    state = "modified in the working tree" if changed else "as committed"
    return f"{relative} {state} (sha256 {digest}), commit {commit}", digest


def machine(db: str) -> dict[str, str]:
    cpu = platform.processor() or "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    system = platform.platform()
    if Path("/etc/os-release").exists():
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip('"')
    libraries = ", ".join(
        f"{name} {version(name)}"
        for name in (
            "Django",
            "psycopg",
            "python-calamine",
            "openpyxl",
            "django-import-export",
            "tablib",
        )
    )
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "ram": memory,
        "os": system,
        "python": platform.python_version(),
        "postgres": sql(db, "SELECT version()")[0][0],
        "libraries": libraries,
    }


# ---------------------------------------------------------------- parent: report


def row_line(name: str, rows: int, seconds: float, rss: float) -> str:
    rate = rows / seconds if seconds else 0
    return f"| {name} | {rows:,} | {seconds:.2f} | {rate:,.0f} | {rss:.0f} |"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(info: dict) -> str:
    out = []
    add = out.append
    m = info["machine"]
    add(f"Machine: {m['cpu']}, {m['ram']} RAM, {m['os']}, Python {m['python']}")
    add(f"PostgreSQL: {m['postgres']}")
    add(f"Libraries: {m['libraries']}")
    add(f"Date: {info['date']}")
    add(f"Code: {info['code']}")
    if info["portal_module"] != "assessments.imports":
        add(
            f"Portal variant: {info['portal_module']}.scores_import (a candidate, not the shipped code)"
        )
    add(
        f"File: {info['rows']:,} rows ({info['orgs']:,} organisations × {len(info['years'])} years "
        f"× {info['items']} items), long layout .xlsx, {info['size'] / 1024 / 1024:.1f} MB"
    )
    add("")
    add("| variant | rows | seconds | rows/s | peak RSS MB |")
    add("|---|---|---|---|---|")
    p1, p2, again, floor = info["portal1"], info["portal2"], info["reimport"], info["floor"]
    add(row_line("portal, run 1 (empty tables)", p1["rows"], p1["seconds"], p1["peak_rss_mb"]))
    add(row_line("portal, run 2 (empty tables)", p2["rows"], p2["seconds"], p2["peak_rss_mb"]))
    add(
        row_line(
            "portal, re-import (all unchanged)",
            again["rows"],
            again["seconds"],
            again["peak_rss_mb"],
        )
    )
    add(row_line("floor: calamine + COPY", floor["rows"], floor["seconds"], floor["peak_rss_mb"]))
    labels = {
        "bulk": "django-import-export, bulk",
        "bulk-upsert": "django-import-export, bulk, import_id_fields = assessment + code",
        "default": "django-import-export, default mode",
    }
    for mode, peer in info["peers"].items():
        cut = "" if peer["rows"] >= peer["total_rows"] else f" (cut at {info['peer_seconds']} s)"
        add(row_line(labels[mode] + cut, peer["rows"], peer["seconds"], peer["peak_rss_mb"]))
    add("")
    best = min(p1, p2, key=lambda r: r["seconds"])
    portal_rate = best["rows"] / best["seconds"]
    floor_ratio = best["seconds"] / floor["seconds"]
    rss = max(p1["peak_rss_mb"], p2["peak_rss_mb"], again["peak_rss_mb"])
    add(
        f"- portal / floor (seconds, better portal run): {floor_ratio:.2f}× "
        f"(target ≤ {TARGET_FLOOR_RATIO}×): {verdict(floor_ratio <= TARGET_FLOOR_RATIO)}"
    )
    for mode, peer in info["peers"].items():
        ratio = portal_rate / (peer["rows"] / peer["seconds"])
        target = (
            f" (target ≥ {TARGET_PEER_RATIO}×): {verdict(ratio >= TARGET_PEER_RATIO)}"
            if mode == "bulk"
            else ""
        )
        add(f"- portal rows/s ÷ {labels[mode]} rows/s: {ratio:,.0f}×{target}")
    add(
        f"- portal peak RSS (worst of its three runs): {rss:.0f} MB "
        f"(target < {TARGET_RSS_MB} MB): {verdict(rss < TARGET_RSS_MB)}"
    )

    def cpu_total(run: dict) -> float:
        return run["cpu"]["client"] + run["cpu"]["server"]

    add(
        f"- for reference, CPU seconds (this process + its PostgreSQL backend; less sensitive to "
        f"other work on the machine): portal {cpu_total(best):.2f} / floor "
        f"{cpu_total(floor):.2f} = {cpu_total(best) / cpu_total(floor):.2f}×; portal rows per "
        "CPU second ÷ the peer's: "
        + ", ".join(
            f"{mode} {(best['rows'] / cpu_total(best)) / (peer['rows'] / cpu_total(peer)):,.0f}×"
            for mode, peer in info["peers"].items()
        )
    )
    add("")
    add("Notes:")
    loads = [("portal 1", p1), ("re-import", again), ("portal 2", p2), ("floor", floor)]
    loads += [(f"peer {mode}", peer) for mode, peer in info["peers"].items()]
    add(
        "- 1-minute load average just before each run (2 cores; other work on the machine "
        "shows here): " + ", ".join(f"{name} {run['load_before']:.2f}" for name, run in loads)
    )
    for name, run in (("run 1", p1), ("run 2", p2), ("re-import", again)):
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in run["phases"].items())
        add(
            f"- portal {name}: {phases}; scores created {run['created']:,}, updated "
            f"{run['updated']:,}, unchanged {run['unchanged']:,}, assessments created "
            f"{run['assessments_created']:,}; CPU {run['cpu']['client']:.2f} s + PostgreSQL "
            f"{run['cpu']['server']:.2f} s; process start + django.setup {run['startup']:.2f} s "
            f"(not in seconds), RSS after setup {run['base_rss_mb']:.0f} MB"
        )
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in floor["phases"].items())
    add(
        f"- floor: {phases}; CPU {floor['cpu']['client']:.2f} s + PostgreSQL "
        f"{floor['cpu']['server']:.2f} s; its {info['assessments']:,} assessments were created "
        "by plain SQL beforehand (not timed)"
    )
    for mode, peer in info["peers"].items():
        add(
            f"- {labels[mode]}: {peer['chunks']} chunk(s) of {info['peer_chunk']:,} rows from a CSV "
            f"export of the same rows (assessment id precomputed, not timed); totals "
            f"{peer['totals']}; CPU {peer['cpu']['client']:.2f} s + PostgreSQL "
            f"{peer['cpu']['server']:.2f} s; process start + django.setup {peer['startup']:.2f} s "
            "(not in seconds)"
        )
    return "\n".join(out)


# ---------------------------------------------------------------- parent: main


def main(args: argparse.Namespace) -> None:
    db = args.db or f"ita_bench_import_{os.getpid()}"
    if not db.startswith("ita_bench_"):
        raise SystemExit("the bench database's name must start with ita_bench_")
    workdir = Path(tempfile.mkdtemp(prefix="ita-bench-import-"))
    admin_sql(f'CREATE DATABASE "{db}"')
    print(f"bench database: {db}", file=sys.stderr)
    try:
        setup_django(db)
        from django.core.management import call_command
        from django.db import connections

        from assessments.models import Assessment, Score

        assert Score._meta.db_table == SCORE_TABLE
        assert Assessment._meta.db_table == ASSESSMENT_TABLE

        def step(message: str) -> None:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

        code_before = code_version(args.portal_module)
        step("migrate + load_framework")
        call_command("migrate", verbosity=0)
        call_command("load_framework", stdout=io.StringIO())
        items = ensure_frameworks(args.years)
        step(f"create {args.orgs:,} organisations")
        codes = create_organisations(args.orgs)
        connections.close_all()

        xlsx = Path(args.xlsx) if args.xlsx else workdir / "scores-national.xlsx"
        if args.xlsx and xlsx.exists():
            step(f"reuse {xlsx}")
            rows = args.orgs * len(args.years) * len(items)
        else:
            step(f"write {xlsx.name}")
            rows = write_xlsx(xlsx, codes, args.years, items)
        size = xlsx.stat().st_size
        step(f"{rows:,} rows, {size / 1024 / 1024:.1f} MB")
        limit = 3600
        common = ["--db", db, "--file", str(xlsx), "--portal-module", args.portal_module]

        step("portal, run 1")
        truncate(db)
        portal1 = run_child("portal", common, limit)
        assert count_scores(db) == rows, "portal run 1 stored a different number of scores"
        step(f"  {portal1['seconds']:.2f} s; re-import")
        reimport = run_child("portal", common, limit)
        assert reimport["unchanged"] == rows
        step(f"  {reimport['seconds']:.2f} s; portal, run 2")
        truncate(db)
        portal2 = run_child("portal", common, limit)
        assert count_scores(db) == rows
        step(f"  {portal2['seconds']:.2f} s; floor")

        truncate(db)
        assessments = create_assessments_sql(db, codes, args.years)
        floor = run_child("floor", common, limit)
        assert count_scores(db) == rows, "the floor stored a different number of scores"
        step(f"  {floor['seconds']:.2f} s; peer CSV")

        csv_path = workdir / "scores-peer.csv"
        assert write_peer_csv(db, xlsx, csv_path) == rows
        peers = {}
        for mode in args.peer_modes:
            truncate(db, assessments=False)
            step(f"peer: django-import-export {mode} (≤ {args.peer_seconds} s + one chunk)")
            peers[mode] = run_child(
                "peer",
                [
                    "--db",
                    db,
                    "--csv",
                    str(csv_path),
                    "--mode",
                    mode,
                    "--chunk",
                    str(args.peer_chunk),
                    "--batch-size",
                    str(args.batch_size),
                    "--peer-seconds",
                    str(args.peer_seconds),
                ],
                args.peer_seconds + limit,
            )
            assert count_scores(db) == peers[mode]["rows"]
            step(f"  {peers[mode]['rows']:,} rows in {peers[mode]['seconds']:.2f} s")

        info = {
            "machine": machine(db),
            "date": datetime.now().date().isoformat(),
            "rows": rows,
            "orgs": args.orgs,
            "years": args.years,
            "items": len(items),
            "size": size,
            "portal1": portal1,
            "portal2": portal2,
            "reimport": reimport,
            "floor": floor,
            "assessments": assessments,
            "peers": peers,
            "peer_seconds": args.peer_seconds,
            "peer_chunk": args.peer_chunk,
            "portal_module": args.portal_module,
            "code": code_before[0]
            if code_version(args.portal_module)[1] == code_before[1]
            else f"{code_before[0]}, CHANGED during the run: the figures may mix versions",
        }
        print(report(info))
        if args.json:
            Path(args.json).write_text(json.dumps(info, indent=1, ensure_ascii=False))
    finally:
        try:
            from django.db import connections

            connections.close_all()
            tidy_settings_dirs()
        except Exception:  # Django may not have been set up
            pass
        if args.keep_db:
            print(f"kept database {db}", file=sys.stderr)
        else:
            admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)  # a --xlsx file lives outside it


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=8300)
    parser.add_argument("--years", type=int, nargs="+", default=[2568, 2569])
    parser.add_argument("--peer-seconds", type=float, default=120)
    parser.add_argument("--peer-chunk", type=int, default=20_000)
    parser.add_argument(
        "--peer-modes",
        nargs="+",
        default=["bulk", "bulk-upsert"],
        choices=["bulk", "bulk-upsert", "default"],
    )
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--xlsx", help="reuse this .xlsx if it exists, else write it there")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument(
        "--portal-module",
        default="assessments.imports",
        help="module whose scores_import is the portal variant (to try a candidate change)",
    )
    # Child processes (one fresh process per measured run).
    parser.add_argument("--child", choices=["portal", "floor", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="bulk", help=argparse.SUPPRESS)
    parser.add_argument("--chunk", type=int, default=20_000, help=argparse.SUPPRESS)
    parser.add_argument("--cprofile", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child == "portal":
        child_portal(arguments)
    elif arguments.child == "floor":
        child_floor(arguments)
    elif arguments.child == "peer":
        child_peer(arguments)
    else:
        main(arguments)
