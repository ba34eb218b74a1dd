"""prod refuses to start without its secrets and passes `check --deploy` with them."""

import os
import subprocess
import sys
from pathlib import Path

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
