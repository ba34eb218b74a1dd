"""Tests against real services: PostgreSQL, Redis and a real Celery worker process.

Marked `integration`; run them on their own (they need PostgreSQL and Redis and fail, not skip,
without them):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_svc_test \\
        .venv/bin/pytest tests/integration -m integration -p no:cacheprovider

Redis: broker on DB 5, results and the shared cache on DB 6 (ITA_SVC_BROKER_URL and
ITA_SVC_RESULT_URL override them); both DBs are flushed before and after, nothing else is.

Media on S3 (test_s3_media.py): an S3 server at ITA_SVC_S3_URL (default http://127.0.0.1:5055;
`.ci/run` starts moto's standalone server there). When nothing answers, the `s3_server` fixture
starts `python -m moto.server` on that port for the session and stops it afterwards. Each run
creates its own bucket and empties and deletes it at the end.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent.parent
BROKER_URL = os.environ.get("ITA_SVC_BROKER_URL", "redis://127.0.0.1:6379/5")
RESULT_URL = os.environ.get("ITA_SVC_RESULT_URL", "redis://127.0.0.1:6379/6")
S3_URL = os.environ.get("ITA_SVC_S3_URL", "http://127.0.0.1:5055").rstrip("/")
CACHE_PREFIX = "ita-svc"
WORKER_READY_SECONDS = 90
S3_READY_SECONDS = 30
HOW_TO_RUN = (
    "run them with PostgreSQL and Redis: DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
    "ita_svc_test .venv/bin/pytest tests/integration -m integration -p no:cacheprovider "
    "(Redis at ITA_SVC_BROKER_URL, default redis://127.0.0.1:6379/5, and ITA_SVC_RESULT_URL, "
    "default redis://127.0.0.1:6379/6)"
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "integration: needs PostgreSQL (DATABASE_URL), Redis and starts a Celery worker "
        "(run separately: pytest tests/integration -m integration)",
    )


def missing_services() -> str | None:
    """Why these tests cannot run here, or None."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append(
            f"the database is {connection.vendor}, not PostgreSQL "
            f"(DATABASE_URL is {'unset' if not os.environ.get('DATABASE_URL') else 'not postgres'})"
        )
    import redis

    for url in (BROKER_URL, RESULT_URL):
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except Exception as exc:  # any failure means "no Redis here"
            problems.append(f"Redis at {url} does not answer ({exc.__class__.__name__}: {exc})")
    if not problems:
        return None
    return "tests/integration need real services: " + "; ".join(problems) + ". " + HOW_TO_RUN


def flush_redis() -> None:
    import redis

    for url in (BROKER_URL, RESULT_URL):
        redis.Redis.from_url(url).flushdb()


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


class Services:
    """The running worker and the settings shared with it; `require()` fails the test if absent."""

    def __init__(self, problem: str | None = None):
        self.problem = problem
        self.process: subprocess.Popen | None = None
        self.log: Path | None = None
        self.media_root: Path | None = None
        self.media_env: dict[str, str] = {}  # the MEDIA_S3_* variables both processes use
        self.s3 = None  # a boto3 client of the bucket's server, when media is on S3

    @property
    def bucket(self) -> str:
        return self.media_env["MEDIA_S3_BUCKET"]

    def object_key(self, name: str) -> str:
        """The bucket key of a stored file's name (under MEDIA_S3_LOCATION)."""
        location = self.media_env.get("MEDIA_S3_LOCATION", "")
        return f"{location}/{name}" if location else name

    def require(self) -> None:
        if self.problem:
            pytest.fail(self.problem, pytrace=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 4000) -> str:
        if not self.log or not self.log.exists():
            return "(no worker log)"
        return self.log.read_text(errors="replace")[-chars:]

    def wait_for(self, predicate, *, timeout: float, what: str, every: float = 0.05):
        """Poll `predicate` until it returns a true value; fail with the worker's log if not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            if self.process.poll() is not None:
                pytest.fail(
                    f"the worker exited ({self.process.returncode}) while waiting for {what}\n"
                    f"{self.log_tail()}"
                )
            time.sleep(every)
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{self.log_tail()}")


def _start_worker(log: Path, media_root: Path, media_env: dict[str, str]) -> subprocess.Popen:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CELERY_", "MEDIA_S3_"))  # media: only what the test says
        },
        **media_env,
        "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": RESULT_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": RESULT_URL,
        "ITA_SVC_CACHE_PREFIX": CACHE_PREFIX,
        "ITA_TEST_MEDIA_ROOT": str(media_root),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "ita_portal",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        f"--hostname=ita-svc-{os.getpid()}@%h",
        "--loglevel=INFO",
    ]
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop_worker(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the current task
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def _real_broker():
    """Point this process's Celery app at the real broker (it was configured eager at import).

    The app's cached connection pool, producer pool and result backend are set aside and put
    back afterwards untouched (other tests keep using them); the Redis pools made meanwhile are
    closed and dropped from kombu's global pool registry.
    """
    from kombu import pools

    from ita_portal.celery import app

    keys = ("task_always_eager", "broker_url", "result_backend")
    saved_conf = {key: app.conf.get(key) for key in keys}
    amqp = app.amqp
    saved = (
        app._pool,
        amqp._producer_pool,
        app._backend_cache,
        getattr(app._local, "backend", None),
    )

    def detach() -> None:
        app._pool = None
        amqp._producer_pool = None
        app._backend_cache = None
        with contextlib.suppress(AttributeError):
            del app._local.backend

    app.conf.update(task_always_eager=False, broker_url=BROKER_URL, result_backend=RESULT_URL)
    detach()
    try:
        yield app
    finally:
        redis_connection = app.connection_for_write()
        for group in (pools.producers, pools.connections):
            with contextlib.suppress(KeyError):
                group[redis_connection].force_close_all()
                del group[redis_connection]
        redis_connection.release()
        detach()
        app.conf.update(saved_conf)
        app._pool, amqp._producer_pool, app._backend_cache, backend = saved
        if backend is not None:
            app._local.backend = backend


def _s3_answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True  # an HTTP answer, whatever it says
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def s3_server():
    """The S3 server's URL: the one at ITA_SVC_S3_URL, or moto's, started here for the session."""
    if _s3_answers(S3_URL):
        yield S3_URL
        return
    address = urlsplit(S3_URL)
    if address.hostname not in {"127.0.0.1", "localhost"} or not address.port:
        pytest.fail(f"no S3 server answers at {S3_URL} (ITA_SVC_S3_URL)", pytrace=False)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"ita-svc-moto-{os.getpid()}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", address.hostname, "-p", str(address.port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + S3_READY_SECONDS
        while not _s3_answers(S3_URL):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"moto's S3 server did not start at {S3_URL}:\n{log.read_text()[-2000:]}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield S3_URL
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.unlink(missing_ok=True)


def _s3_bucket(url: str):
    """A new bucket of its own on the S3 server: (its MEDIA_S3_* variables, a boto3 client)."""
    import boto3

    env = {
        "MEDIA_S3_BUCKET": f"ita-svc-{os.getpid()}-{secrets.token_hex(4)}",
        "MEDIA_S3_ENDPOINT_URL": url,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": "ita-svc-test",
        "MEDIA_S3_SECRET_ACCESS_KEY": "ita-svc-test-secret",
        "MEDIA_S3_LOCATION": "media",
        "MEDIA_S3_ADDRESSING_STYLE": "path",
    }
    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name=env["MEDIA_S3_REGION"],
        aws_access_key_id=env["MEDIA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["MEDIA_S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=env["MEDIA_S3_BUCKET"])
    return env, client


def _s3_bucket_remove(client, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@contextlib.contextmanager
def _running_services(tmp_path_factory, *, s3_url: str | None = None):
    """PostgreSQL test database + Redis + one `celery worker` process shared with the tests.

    The worker gets this test database (DATABASE_URL), the broker (DB 5), the result backend and
    cache (DB 6) and the same media: the same MEDIA_ROOT, or with `s3_url`, a new bucket on that
    S3 server (the same MEDIA_S3_* variables, read by the same `media_storage`). This process
    sends to the same broker and reads the same cache. Stopped, the two Redis DBs flushed and the
    bucket removed, at the end whatever happens.
    """
    problem = missing_services()
    if problem:
        yield Services(problem)
        return
    from django.conf import settings

    from ita_portal.settings.base import media_storage

    state = Services()
    folder = tmp_path_factory.mktemp("services")
    state.media_root = folder / "media"
    state.media_root.mkdir()
    state.log = folder / "worker.log"
    if s3_url:
        state.media_env, state.s3 = _s3_bucket(s3_url)
    flush_redis()
    shared = override_settings(
        MEDIA_ROOT=str(state.media_root),
        STORAGES={**settings.STORAGES, "default": media_storage(state.media_env)},
        CACHES={
            "default": {
                "BACKEND": "ita_portal.cache.RedisCache",  # what prod uses
                "LOCATION": RESULT_URL,
                "KEY_PREFIX": CACHE_PREFIX,
            }
        },
    )
    shared.enable()
    try:
        with _real_broker():
            state.process = _start_worker(state.log, state.media_root, state.media_env)
            try:
                state.wait_for(
                    lambda: " ready." in state.log.read_text(errors="replace"),
                    timeout=WORKER_READY_SECONDS,
                    what="the Celery worker to be ready",
                    every=0.2,
                )
                yield state
            finally:
                _stop_worker(state.process)
    finally:
        shared.disable()
        flush_redis()
        if state.s3 is not None:
            _s3_bucket_remove(state.s3, state.bucket)


@pytest.fixture(scope="module")
def services(django_db_setup, tmp_path_factory):
    """The services with media in a folder shared by this process and the worker."""
    with _running_services(tmp_path_factory) as state:
        yield state


@pytest.fixture(scope="module")
def s3_services(django_db_setup, tmp_path_factory, s3_server):
    """The services with media in a private bucket on the S3 server, for both processes."""
    with _running_services(tmp_path_factory, s3_url=s3_server) as state:
        yield state
