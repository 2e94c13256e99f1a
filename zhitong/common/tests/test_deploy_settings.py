"""The production settings pass their own check: `zhitong check --deploy --fail-level WARNING`
run in a fresh process with the environment docs/deploy.md documents, read from its table, so
the documentation and the settings cannot drift apart."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import zhitong

PACKAGE_DIR = Path(zhitong.__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEPLOY_DOC = REPO_DIR / "docs" / "deploy.md"

# | `NAME` | `value` | meaning |  (a value that is not one literal, such as "50+ random characters", is skipped)
ROW = re.compile(r"^\|\s*`([A-Z_]+)`\s*\|\s*`([^`]+)`(?:\s*\([^)]*\))?\s*\|")


def documented_environment() -> dict[str, str]:
    """The production values of the table under "## Environment variables"."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    section = text.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    env = {}
    for line in section.splitlines():
        m = ROW.match(line)
        if m:
            env[m.group(1)] = m.group(2)
    return env


def secrets_of_production() -> dict[str, str]:
    """The values the table can only describe ("50+ random characters", the output of
    `zhitong audit newkey`): generated here as an operator would."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ZHITONG_AUDIT_KEY": secrets.token_hex(32),
        "ZHITONG_FIELD_KEYS": secrets.token_hex(32),
        "ZHITONG_BLIND_INDEX_KEY": secrets.token_hex(32),
    }


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    documented = documented_environment()
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in documented and k != "SECRET_KEY" and not k.startswith(("DJANGO_", "ZHITONG_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "zhitong", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_table_documents_the_production_switches():
    env = documented_environment()
    for name in (
        "ZHITONG_PRODUCTION",
        "ALLOWED_HOSTS",
        "SECURE_COOKIES",
        "BEHIND_PROXY",
        "DATABASE_URL",
        "REDIS_URL",
    ):
        assert name in env, name
    assert env["ZHITONG_PRODUCTION"] == "1" and env["DEBUG"] == "0"


def test_the_documented_production_environment_passes_the_deploy_check():
    result = run_deploy_check({**documented_environment(), **secrets_of_production()})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    env = documented_environment()
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize(
    "override, warning",
    [
        ({"SECRET_KEY": "short-key"}, "security.W009"),
        (
            {"SECURE_COOKIES": "0"},
            "security.W010",
        ),  # W010: the sessions app (our SessionMiddleware is a subclass)
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ],
)
def test_a_weakened_production_setting_fails_the_check(override, warning):
    env = {**documented_environment(), **secrets_of_production(), **override}
    result = run_deploy_check(env)
    assert result.returncode != 0 and warning in result.stdout + result.stderr
