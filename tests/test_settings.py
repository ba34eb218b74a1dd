"""Settings: prod refuses to start without its secrets and passes `check --deploy` with them;
yes/no variables are read strictly; `.env.example` lists every variable the settings read."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ita_portal.settings.base import env_bool

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
        read |= set(re.findall(r'os\.environ(?:\.get)?[\[(]"([A-Z_]+)"', source))
        read |= set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "no variable found: the pattern above is out of date"
    assert read - listed == set()
