"""Benchmark: the score import as a whole process against the floor, on an empty database.

The issue's measure (issue 18, "Speed, measured in bench/"): `manage.py import_scores FILE
--create-orgs` as a whole process (interpreter and Django start-up included), on an empty
database (freshly migrated, catalogue loaded, no organisations), for a national file: ORGS
local-government organisations × every item of the 2568 "อปท." framework (8,300 × 50 = 415,000
rows by default), against the floor: a separate process (bench/import_floor.py) that reads the
same .xlsx with python-calamine and COPYs its rows into an UNLOGGED staging table with the same
columns, committed. Goal: import / floor ≤ 1.5× and the import's peak memory ≤ 500 MB.

    .venv/bin/python bench/import_scores.py                 # 3 rounds, about 3 minutes
    .venv/bin/python bench/import_scores.py --orgs 500 --rounds 1    # a quick look
    .venv/bin/python bench/import_scores.py --also before=/work/main/manage.py   # another tree too
    .venv/bin/pip install -r bench/requirements.txt && \
        .venv/bin/python bench/import_scores.py --peer-modes bulk    # + django-import-export

Each round runs the import, then the floor (then any --also variants), each on its own fresh
copy of a template database (`CREATE DATABASE … TEMPLATE`, not timed) after a CHECKPOINT. A
small launcher process starts each measured process and reports its wall time (spawn to exit)
and its resource usage from wait4(): peak RSS (ru_maxrss) and CPU (user + system). The launcher
is a bare `python -I -S` so the high-water mark Linux carries across fork + exec is the
launcher's own (about 10 MB), not this script's. The import's phases are read from its progress
lines ("… read", "… validate", "… write", "… done"), time-stamped as they arrive.

Options:
    --orgs N             organisations (default 8300)
    --years Y [Y ...]    fiscal years (default 2568); the 2568 "อปท." framework is copied to any
                         year that has none
    --rounds N           rounds of import + floor, alternating (default 3); figures are medians
    --settings M         the import's DJANGO_SETTINGS_MODULE (default ita_portal.settings.prod,
                         given SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; no REDIS_URL)
    --manage PATH        the manage.py to time (default: this tree's)
    --also LABEL=PATH    also time that manage.py (another tree, same interpreter) each round
    --xlsx PATH          reuse this file if it exists (else write it there and keep it)
    --peer-modes M ...   also time django-import-export once per mode after the rounds
                         (bulk, bulk-upsert, default; none by default): see child_peer
    --peer-seconds S     cut each peer run after the chunk that passes S seconds (default 60)
    --json PATH          also write the raw figures as JSON
    --keep-db            keep the template database (its name is printed), e.g. to profile:
                         createdb -T <template> x, then py-spy record -- python manage.py ...

The peer (optional): django-import-export's ModelResource for Score, fed a CSV export of the same
rows whose assessment column is the assessment id (precomputed, not timed), on a database where
an untimed import has created the organisations and assessments and the scores were truncated.
Timed in its process, after its start-up: reading the CSV, tablib Dataset.load and import_data
per chunk. bulk: use_bulk, batch_size 1000, skip_diff, every row new (its fastest path);
bulk-upsert: the same with import_id_fields = (assessment, code), the portal's semantics.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SCRIPT = Path(__file__).resolve().parent / "import_floor.py"
SERVER = "postgres://postgres@127.0.0.1:5432"
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
VARIANT = "อปท."
BASE_YEAR = 2568
BASE_FILE = "framework-2568-lao.json"
SEED = 2568
SCORE_TABLE = "assessments_score"
ASSESSMENT_TABLE = "assessments_assessment"
ORGANISATION_TABLE = "organisations_organisation"
TARGET_FLOOR_RATIO = 1.5
TARGET_RSS_MB = 500
#: Organisation types in the file, by share (all local government: the อปท. framework).
ORG_TYPES = (("อบต.", 65), ("ทต.", 27), ("ทม.", 5), ("ทน.", 1), ("อบจ.", 2))
#: Environment variables the measured processes do not inherit (the bench sets its own).
DROPPED_ENV = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "CELERY_BROKER_URL")

#: The launcher: a bare interpreter that starts the measured command, time-stamps its output
#: lines, and reports wall time and wait4()'s resource usage (peak RSS, CPU) as JSON.
MEASURE = r"""
import json, os, subprocess, sys, time
def hwm():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
launcher_kb = hwm()
t0 = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
lines = []
for raw in child.stdout:
    lines.append((time.perf_counter() - t0, raw.decode("utf-8", "replace").rstrip("\n")))
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - t0
child.returncode = code = os.waitstatus_to_exitcode(status)
print(json.dumps({"wall": wall, "exit": code, "maxrss_kb": usage.ru_maxrss,
    "user": usage.ru_utime, "system": usage.ru_stime, "launcher_kb": launcher_kb,
    "lines": lines}))
"""


# ---------------------------------------------------------------- helpers


def dsn(db: str) -> str:
    return f"host=127.0.0.1 port=5432 user=postgres dbname={db}"


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(statement)


def sql(db: str, statement: str, params=None) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn(db), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def count(db: str, table: str) -> int:
    return sql(db, f"SELECT count(*) FROM {table}")[0][0]


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


def fresh_db(template: str, db: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')


def import_env(db: str, settings_module: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=f"{SERVER}/{db}",
        SECRET_KEY="bench-import-scores-not-a-secret-" + "x" * 32,
        ALLOWED_HOSTS="localhost",
        PYTHONUNBUFFERED="1",
    )
    return env


def backend_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a PostgreSQL backend on this machine has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], env: dict[str, str], timeout: float) -> dict:
    """Run command under the launcher, after a CHECKPOINT; its figures, with the load before.

    Its PostgreSQL backends are found by application_name (PGAPPNAME) and their CPU read from
    /proc every 50 ms while it runs (the last 50 ms of a backend can be missed)."""
    import psycopg

    admin_sql("CHECKPOINT")
    marker = f"ita-bench-import-{time.monotonic_ns()}"
    env = {**env, "PGAPPNAME": marker}
    load = os.getloadavg()
    backends: dict[int, float] = {}
    with psycopg.connect(ADMIN_DSN, autocommit=True) as watch:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", MEASURE, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        started = time.monotonic()
        while process.poll() is None:
            for (pid,) in watch.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [marker]
            ):
                cpu = backend_cpu(pid)
                if cpu is not None:
                    backends[pid] = cpu
            if time.monotonic() - started > timeout:
                process.kill()
            time.sleep(0.05)
        stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.stderr.write(stdout + stderr)
        raise SystemExit("the launcher failed")
    figures = json.loads(stdout)
    figures["server_cpu"] = sum(backends.values())
    figures["backends"] = len(backends)
    if figures["exit"] != 0:
        sys.stderr.write("\n".join(line for _, line in figures["lines"]) + "\n")
        raise SystemExit(f"{command[:3]} exited with {figures['exit']}")
    figures["load_before"] = load
    figures["peak_rss_mb"] = figures["maxrss_kb"] / 1024
    figures["cpu"] = figures["user"] + figures["system"]
    return figures


def import_phases(figures: dict) -> dict[str, float]:
    """Seconds from process start to the first progress line, then each phase, then exit."""
    marks: dict[str, float] = {}
    for at, line in figures["lines"]:
        if line.startswith("… "):
            marks.setdefault(line[2:].strip(), at)
    phases: dict[str, float] = {}
    if "read" in marks:
        phases["start-up + file checks"] = marks["read"]
    order = ["read", "validate", "write", "done"]
    for here, after in zip(order, order[1:], strict=False):
        if here in marks and after in marks:
            phases[here] = marks[after] - marks[here]
    if "done" in marks:
        phases["summary + exit"] = figures["wall"] - marks["done"]
    return phases


# ---------------------------------------------------------------- set-up (not timed)


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


def organisations(count_: int) -> list[tuple[str, str, str, str, str]]:
    """(code, name, type, district, province) of each organisation in the file."""
    rng = random.Random(SEED)
    words, weights = zip(*ORG_TYPES, strict=True)
    names = {"อบต.": "องค์การบริหารส่วนตำบล", "ทต.": "เทศบาลตำบล", "ทม.": "เทศบาลเมือง"}
    names |= {"ทน.": "เทศบาลนคร", "อบจ.": "องค์การบริหารส่วนจังหวัด"}
    out = []
    for i in range(1, count_ + 1):
        kind = rng.choices(words, weights)[0]
        out.append(
            (
                f"{i:07d}",
                f"{names[kind]}ทดสอบ {i}",
                kind,
                f"อำเภอทดสอบ {i % 878 + 1}",
                f"จังหวัดทดสอบ {i % 76 + 1}",
            )
        )
    return out


def write_xlsx(path: Path, orgs: list[tuple], years: list[int], items: list[str]) -> int:
    from openpyxl import Workbook

    rng = random.Random(SEED)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("scores")
    sheet.append(
        [
            "org_code",
            "org_name",
            "org_type",
            "district",
            "province",
            "fiscal_year",
            "item_code",
            "score",
        ]
    )
    rows = 0
    for org in orgs:
        for year in years:
            for item in items:
                sheet.append([*org, year, item, rng.randint(4000, 10000) / 100])
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
            f"JOIN {ORGANISATION_TABLE} o ON o.id = a.organisation_id "
            "JOIN assessments_fiscalyear y ON y.id = a.fiscal_year_id",
        )
    }
    rows = iter(CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).iter_rows())
    next(rows)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["assessment", "kind", "code", "score"])
        for code, _name, _kind, _district, _province, year, item, score in rows:
            writer.writerow([ids[(code, int(year))], "item", item, f"{score:.2f}"])
            written += 1
    return written


# ---------------------------------------------------------------- the peer (optional)


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def client_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    """django-import-export on the CSV, in chunks, until --peer-seconds have passed."""
    started = time.perf_counter()
    setup_django(args.db)
    import tablib

    resource_class = peer_resource(args.mode, args.batch_size)
    ready = time.perf_counter()
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
    payload = {
        "seconds": time.perf_counter() - t0,
        "rows": done,
        "chunks": chunks,
        "total_rows": len(lines),
        "totals": totals,
        "cpu_timed": client_cpu() - cpu0,
        "startup": ready - started,
    }
    print("RESULT " + json.dumps(payload), flush=True)
    tidy_settings_dirs()


def run_peers(args, template: str, db: str, xlsx: Path, rows: int, workdir: Path, step) -> dict:
    fresh_db(template, db)
    env = import_env(db, args.settings)
    step("peer set-up: an untimed import creates the organisations and assessments")
    measure([sys.executable, args.manage, "import_scores", str(xlsx), "--create-orgs"], env, 3600)
    sql(db, f"TRUNCATE {SCORE_TABLE}")
    csv_path = workdir / "scores-peer.csv"
    assert write_peer_csv(db, xlsx, csv_path) == rows
    peers = {}
    for mode in args.peer_modes:
        sql(db, f"TRUNCATE {SCORE_TABLE}")
        step(f"peer: django-import-export {mode} (≤ {args.peer_seconds} s + one chunk)")
        command = [sys.executable, str(Path(__file__).resolve()), "--child", "peer"]
        command += ["--db", db, "--csv", str(csv_path), "--mode", mode]
        command += ["--chunk", str(args.peer_chunk), "--batch-size", str(args.batch_size)]
        command += ["--peer-seconds", str(args.peer_seconds)]
        figures = measure(command, {**os.environ, "PYTHONUNBUFFERED": "1"}, 3600)
        result = next(
            json.loads(line[len("RESULT ") :])
            for _, line in reversed(figures["lines"])
            if line.startswith("RESULT ")
        )
        figures.update(result)
        assert count(db, SCORE_TABLE) == result["rows"]
        peers[mode] = figures
        step(f"  {result['rows']:,} rows in {result['seconds']:.2f} s")
    admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return peers


# ---------------------------------------------------------------- report


def machine(db: str) -> dict[str, str]:
    cpu = "?"
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
    system = "?"
    if Path("/etc/os-release").exists():
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip('"')
    names = ["Django", "psycopg", "python-calamine", "openpyxl"]
    with contextlib.suppress(Exception):
        version("django-import-export")
        names.append("django-import-export")
    return {
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "cpu": cpu,
        "ram": memory,
        "os": system,
        "python": sys.version.split()[0],
        "postgres": sql(db, "SHOW server_version")[0][0],
        "libraries": ", ".join(f"{name} {version(name)}" for name in names),
    }


def git_commit(manage: str) -> str:
    folder = Path(manage).resolve().parent
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=folder,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{folder} at {head or '?'}" + (" (with uncommitted changes)" if dirty else "")


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(info: dict) -> str:
    out: list[str] = []
    add = out.append
    m = info["machine"]
    add(
        f"Machine: nproc {m['nproc']}, {m['cpu']}, {m['ram']} RAM, {m['os']}, "
        f"Python {m['python']}, PostgreSQL {m['postgres']}"
    )
    add(f"Libraries: {m['libraries']}")
    add(f"Date: {info['date']} (UTC {info['started']}–{info['ended']})")
    for label, where in info["code"].items():
        add(f"Code, {label}: {where}")
    add(
        f"File: {info['rows']:,} rows ({info['orgs']:,} organisations × "
        f"{', '.join(map(str, info['years']))} × {info['items']} items), long layout with "
        f"org_name/org_type/district/province, {info['size'] / 1024 / 1024:.1f} MB"
    )
    add(f"Import command: python manage.py import_scores FILE --create-orgs ({info['settings']})")
    add("Floor command: python bench/import_floor.py DSN FILE")
    add("")
    add(
        "| round | variant | seconds | peak RSS MB | CPU s, process | CPU s, PostgreSQL backend "
        "| load before (1, 5, 15 min) |"
    )
    add("|---|---|---|---|---|---|---|")
    for run in info["runs"]:
        load = ", ".join(f"{x:.2f}" for x in run["load_before"])
        add(
            f"| {run['round']} | {run['variant']} | {run['wall']:.2f} | "
            f"{run['peak_rss_mb']:.0f} | {run['cpu']:.2f} | {run['server_cpu']:.2f} | {load} |"
        )
    add("")
    floor = [r for r in info["runs"] if r["variant"] == "floor"]
    floor_s = median([r["wall"] for r in floor])
    add(
        "| variant | runs | median seconds | median rows/s | peak RSS MB (max) "
        "| median CPU s, process + backend |"
    )
    add("|---|---|---|---|---|---|")
    verdicts = []
    for label in info["variants"]:
        runs = [r for r in info["runs"] if r["variant"] == label]
        seconds = median([r["wall"] for r in runs])
        rss = max(r["peak_rss_mb"] for r in runs)
        add(
            f"| {label} | {len(runs)} | {seconds:.2f} | {info['rows'] / seconds:,.0f} | "
            f"{rss:.0f} | {median([r['cpu'] + r['server_cpu'] for r in runs]):.2f} |"
        )
        if label == "floor":
            continue
        ratio = seconds / floor_s
        rounds = ", ".join(
            f"{r['wall'] / f['wall']:.2f}" for r, f in zip(runs, floor, strict=False)
        )
        verdicts.append(
            f"- {label} / floor, medians: {seconds:.2f} / {floor_s:.2f} s = **{ratio:.2f}×** "
            f"(goal ≤ {TARGET_FLOOR_RATIO}×: {'met' if ratio <= TARGET_FLOOR_RATIO else 'MISSED'}); "
            f"each round: {rounds}"
        )
        cpu = median([r["cpu"] + r["server_cpu"] for r in runs])
        floor_cpu = median([r["cpu"] + r["server_cpu"] for r in floor])
        verdicts.append(
            f"- for reference, CPU (process + its PostgreSQL backend, less sensitive to other "
            f"work on the machine; WAL and checkpoint writing by other server processes not "
            f"included): {cpu:.2f} / {floor_cpu:.2f} s = {cpu / floor_cpu:.2f}×"
        )
        verdicts.append(
            f"- {label}, peak RSS (worst run): **{rss:.0f} MB** (goal ≤ {TARGET_RSS_MB} MB: "
            f"{'met' if rss <= TARGET_RSS_MB else 'MISSED'})"
        )
    add("")
    out.extend(verdicts)
    add("")
    add("Notes:")
    for label in info["variants"]:
        if label == "floor":
            continue
        runs = [r for r in info["runs"] if r["variant"] == label]
        keys = list(dict.fromkeys(k for r in runs for k in r["phases"]))
        phases = ", ".join(
            f"{k} {median([r['phases'][k] for r in runs if k in r['phases']]):.2f} s" for k in keys
        )
        add(f"- {label}, phases (medians, from its progress lines): {phases}")
        add(f"- {label}, its last line: {runs[-1]['last_line']}")
    launcher = max(r["launcher_kb"] for r in info["runs"]) / 1024
    add(
        f"- Peak RSS is ru_maxrss from wait4(); it includes the launcher's own {launcher:.0f} MB "
        "carried across fork + exec, a lower bound only"
    )
    for mode, peer in info["peers"].items():
        import_rate = info["rows"] / median(
            [r["wall"] for r in info["runs"] if r["variant"] == info["variants"][0]]
        )
        peer_rate = peer["rows"] / peer["seconds"]
        cut = "" if peer["rows"] >= peer["total_rows"] else f", cut at {info['peer_seconds']} s"
        add(
            f"- django-import-export {mode}: {peer['rows']:,} rows in {peer['seconds']:.2f} s "
            f"({peer_rate:,.0f} rows/s{cut}; start-up {peer['startup']:.2f} s and its CSV's "
            f"assessment ids not timed), peak RSS {peer['peak_rss_mb']:.0f} MB, totals "
            f"{peer['totals']}; the import's median rows/s (start-up included) is "
            f"{import_rate / peer_rate:,.0f}× its rows/s"
        )
    return "\n".join(out)


# ---------------------------------------------------------------- main


def main(args: argparse.Namespace) -> None:
    template = f"ita_bench_import_{os.getpid()}"
    run_db = f"{template}_run"
    workdir = Path(tempfile.mkdtemp(prefix="ita-bench-import-"))
    started = datetime.now(UTC)

    def step(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    variants = {"import": args.manage}
    for spec in args.also:
        label, _, path = spec.partition("=")
        if not path:
            raise SystemExit(f"--also needs LABEL=PATH, not {spec!r}")
        variants[label] = path
    admin_sql(f'CREATE DATABASE "{template}"')
    step(f"template database: {template}")
    try:
        setup_django(template)
        from django.core.management import call_command
        from django.db import connections

        step("migrate + load_framework")
        call_command("migrate", verbosity=0)
        call_command("load_framework", stdout=open(os.devnull, "w"))  # noqa: SIM115
        items = ensure_frameworks(args.years)
        connections.close_all()
        tidy_settings_dirs()

        xlsx = Path(args.xlsx) if args.xlsx else workdir / "scores-national.xlsx"
        orgs = organisations(args.orgs)
        if args.xlsx and xlsx.exists():
            step(f"reuse {xlsx}")
            rows = args.orgs * len(args.years) * len(items)
        else:
            step(f"write {xlsx.name}")
            rows = write_xlsx(xlsx, orgs, args.years, items)
        size = xlsx.stat().st_size
        step(f"{rows:,} rows, {size / 1024 / 1024:.1f} MB")
        code = {label: git_commit(path) for label, path in variants.items()}

        runs = []
        for number in range(1, args.rounds + 1):
            order = [*variants, "floor"]
            order.insert(1, order.pop())  # the import, the floor, then any --also
            for label in order:
                fresh_db(template, run_db)
                if label == "floor":
                    command = [sys.executable, str(FLOOR_SCRIPT), dsn(run_db), str(xlsx)]
                    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
                else:
                    command = [sys.executable, variants[label], "import_scores", str(xlsx)]
                    command.append("--create-orgs")
                    env = import_env(run_db, args.settings)
                figures = measure(command, env, 3600)
                if label == "floor":
                    assert count(run_db, "score_stage") == rows, "the floor lost rows"
                    figures["phases"] = {}
                else:
                    assert count(run_db, SCORE_TABLE) == rows, f"{label} stored a different count"
                    assert count(run_db, ORGANISATION_TABLE) == args.orgs
                    figures["phases"] = import_phases(figures)
                figures["last_line"] = figures["lines"][-1][1] if figures["lines"] else ""
                figures.update(round=number, variant=label)
                del figures["lines"]
                runs.append(figures)
                step(
                    f"round {number}, {label}: {figures['wall']:.2f} s, "
                    f"{figures['peak_rss_mb']:.0f} MB (load {figures['load_before'][0]:.2f})"
                )
        admin_sql(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
        peers = (
            run_peers(args, template, run_db, xlsx, rows, workdir, step) if args.peer_modes else {}
        )
        info = {
            "machine": machine(template),
            "date": started.date().isoformat(),
            "started": started.strftime("%H:%M"),
            "ended": datetime.now(UTC).strftime("%H:%M"),
            "settings": args.settings,
            "code": code,
            "rows": rows,
            "orgs": args.orgs,
            "years": args.years,
            "items": len(items),
            "size": size,
            "variants": [*variants, "floor"],
            "runs": runs,
            "peers": peers,
            "peer_seconds": args.peer_seconds,
        }
        print(report(info))
        if args.json:
            Path(args.json).write_text(json.dumps(info, indent=1, ensure_ascii=False))
    finally:
        with contextlib.suppress(Exception):  # Django may not have been set up
            from django.db import connections

            connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
        if args.keep_db:
            print(f"kept the template database {template}", file=sys.stderr)
        else:
            admin_sql(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)  # a --xlsx file lives outside it


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=8300)
    parser.add_argument("--years", type=int, nargs="+", default=[BASE_YEAR])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settings", default="ita_portal.settings.prod")
    parser.add_argument("--manage", default=str(ROOT / "manage.py"))
    parser.add_argument("--also", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument("--xlsx", help="reuse this .xlsx if it exists, else write it there")
    parser.add_argument(
        "--peer-modes", nargs="*", default=[], choices=["bulk", "bulk-upsert", "default"]
    )
    parser.add_argument("--peer-seconds", type=float, default=60)
    parser.add_argument("--peer-chunk", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--json", help="also write the raw figures to this file")
    # The peer's child process.
    parser.add_argument("--child", choices=["peer"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="bulk", help=argparse.SUPPRESS)
    parser.add_argument("--chunk", type=int, default=20_000, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child == "peer":
        child_peer(arguments)
    else:
        main(arguments)
