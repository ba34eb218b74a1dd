"""Settings: prod refuses to start without its secrets and passes `check --deploy` with them;
yes/no variables are read strictly; `.env.example` lists every variable the settings read."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ita_portal.settings.base import env_bool, media_storage

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "ita_portal.settings.prod", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_prod_refuses_to_start_without_secrets():
    result = _manage("check", env_extra={})
    assert result.returncode != 0
    assert "SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS" in result.stderr


def test_prod_passes_check_deploy(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "SECRET_KEY": "k" * 20 + "-long-random-secret-for-the-deploy-check-9f8e7d",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "ita.example.go.th",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), (" YES ", True), ("on", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_words(monkeypatch, value, expected):
    monkeypatch.setenv("ITA_FLAG", value)
    assert env_bool("ITA_FLAG") is expected


def test_env_bool_falls_back_to_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("ITA_FLAG", raising=False)
    assert env_bool("ITA_FLAG", True) is True
    monkeypatch.setenv("ITA_FLAG", "")
    assert env_bool("ITA_FLAG", False) is False


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y e s"])
def test_env_bool_refuses_what_it_does_not_understand(monkeypatch, value):
    monkeypatch.setenv("ITA_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="ITA_FLAG"):
        env_bool("ITA_FLAG")


def test_prod_refuses_a_misspelt_yes_no_value():
    result = _manage("check", env_extra={"DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG='ture'" in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    read = set()
    for path in (ROOT / "ita_portal" / "settings").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        read |= set(re.findall(r'(?:os\.)?environ(?:\.get)?[\[(]"([A-Z_]+)"', source))
        read |= set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "no variable found: the pattern above is out of date"
    assert read - listed == set()


def test_media_is_a_folder_unless_a_bucket_is_named():
    assert media_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage({"MEDIA_S3_BUCKET": " "})["BACKEND"].endswith("FileSystemStorage")


def test_media_on_s3_is_private_never_overwritten_and_signed():
    storage = media_storage(
        {
            "MEDIA_S3_BUCKET": "ita-media",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.go.th",
            "MEDIA_S3_REGION": "ap-southeast-7",
            "MEDIA_S3_ACCESS_KEY_ID": "AKIA-TEST",
            "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
            "MEDIA_S3_LOCATION": "/media/",
            "MEDIA_S3_ADDRESSING_STYLE": "Path",
        }
    )
    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "ita-media",
            "location": "media",
            "default_acl": None,
            "querystring_auth": True,
            "signature_version": "s3v4",
            "file_overwrite": False,
            "max_memory_size": 5 * 1024 * 1024,
            "endpoint_url": "https://s3.example.go.th",
            "region_name": "ap-southeast-7",
            "addressing_style": "path",
            "access_key": "AKIA-TEST",
            "secret_key": "secret",
        },
    }
    # Without keys, boto3 finds its own (AWS_* variables, an instance role): none are passed.
    bare = media_storage({"MEDIA_S3_BUCKET": "ita-media"})["OPTIONS"]
    assert "access_key" not in bare and "endpoint_url" not in bare


@pytest.mark.parametrize(
    "extra",
    [
        {"MEDIA_S3_ACCESS_KEY_ID": "AKIA-TEST"},
        {"MEDIA_S3_SECRET_ACCESS_KEY": "secret"},
        {"MEDIA_S3_ADDRESSING_STYLE": "sideways"},
    ],
)
def test_media_on_s3_refuses_half_a_configuration(extra):
    with pytest.raises(ImproperlyConfigured):
        media_storage({"MEDIA_S3_BUCKET": "ita-media", **extra})


def test_the_s3_storage_opens_with_these_options():
    """django-storages accepts every option given (it refuses unknown ones)."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**media_storage({"MEDIA_S3_BUCKET": "ita-media"})["OPTIONS"])
    assert storage.default_acl is None and storage.file_overwrite is False
    assert storage.querystring_auth is True
