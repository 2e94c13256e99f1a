"""The peer: django-helpdesk (the Python ticketing system) from the package registry, in
its own virtual environment under var/bench/helpdesk-venv, served from a small Django
project generated under var/bench/helpdesk-site (var/ is never committed), on its own
PostgreSQL database, loaded with as many tickets as the measured city has appeals.
Tickets are created through its REST API (POST /api/tickets/) with a DRF token, the
way our intake is called with a bearer token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

HELPDESK_VERSION = "2.6.1"

SETTINGS = """
import os
BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "hdsite.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["HD_DB"],
                         "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432"}}
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False  # no pinax-teams: the knowledge base is not measured
"""
URLS = """
from django.urls import include, path
urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""
WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
application = get_wsgi_application()
"""
SETUP = '''
import os, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
token, _ = Token.objects.get_or_create(user=user)
queue, _ = Queue.objects.get_or_create(slug="bench", defaults={"title": "Bench", "allow_public_submission": True})
want = int(os.environ["HD_TICKETS"])
have = connection.cursor()
have.execute("SELECT COUNT(*) FROM helpdesk_ticket")
n = have.fetchone()[0]
if n < want:
    # The same number of tickets as the city has appeals: rows like the API writes, in one statement.
    have.execute("""
        INSERT INTO helpdesk_ticket (title, queue_id, created, modified, submitter_email, status, on_hold,
            description, resolution, priority, due_date, last_escalation, assigned_to_id, secret_key, kbitem_id,
            merged_to_id)
        SELECT 'Ticket ' || g, %s, now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval,
            'user' || g || '@example.com', CASE WHEN g %% 20 = 0 THEN 1 ELSE 4 END, false,
            'Generated ticket ' || g, '', 3, NULL, NULL, NULL, md5(g::text), NULL, NULL
        FROM generate_series(%s, %s) AS g""", [queue.pk, n + 1, want])
    have.execute("ANALYZE helpdesk_ticket")
print("TOKEN", token.key, "QUEUE", queue.pk)
'''


def bench_dir() -> Path:
    return Path(settings.VAR_DIR) / "bench"


def venv_python() -> Path:
    return bench_dir() / "helpdesk-venv" / "bin" / "python"


def ensure(*, tickets: int, db: str = "zt_gen_helpdesk") -> dict:
    """The venv, the site, the database and its tickets; returns {token, queue, python, site, env}."""
    base = bench_dir()
    base.mkdir(parents=True, exist_ok=True)
    if not venv_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(base / "helpdesk-venv")], check=True)
    subprocess.run(
        [
            str(venv_python()),
            "-m",
            "pip",
            "install",
            "-q",
            f"django-helpdesk=={HELPDESK_VERSION}",
            "gunicorn",
            "psycopg[binary]",
        ],
        check=True,
        capture_output=True,
    )
    site = base / "helpdesk-site"
    (site / "hdsite").mkdir(parents=True, exist_ok=True)
    for name, text in (("__init__.py", ""), ("settings.py", SETTINGS), ("urls.py", URLS), ("wsgi.py", WSGI)):
        (site / "hdsite" / name).write_text(text)
    (site / "setup_bench.py").write_text(SETUP)
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {db}"], capture_output=True
    )
    env = {
        **os.environ,
        "HD_DB": db,
        "HD_TICKETS": str(tickets),
        "DJANGO_SETTINGS_MODULE": "hdsite.settings",
        "PYTHONPATH": str(site),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [str(venv_python()), "-m", "django", "migrate", "-v0"],
        cwd=site,
        env=env,
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [str(venv_python()), "setup_bench.py"], cwd=site, env=env, check=True, capture_output=True, text=True
    ).stdout
    words = out.split()
    token, queue = words[words.index("TOKEN") + 1], int(words[words.index("QUEUE") + 1])
    return {"token": token, "queue": queue, "python": str(venv_python()), "site": str(site), "env": env}
