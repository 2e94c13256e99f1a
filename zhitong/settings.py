"""Settings, all from environment variables, with safe defaults for the embedded mode.

Embedded mode (no DATABASE_URL / REDIS_URL): SQLite under var/, in-process tasks,
local-memory cache. Production: see docs/deploy.md.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("ZHITONG_HOME", PACKAGE_DIR.parent)).resolve()
VAR_DIR = Path(os.environ.get("ZHITONG_VAR_DIR", BASE_DIR / "var"))


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


DEBUG = env_bool("DEBUG", False)
PRODUCTION = env_bool("ZHITONG_PRODUCTION", False)
_embedded_secret = "zhitong-embedded-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", _embedded_secret)
if not DEBUG and SECRET_KEY == _embedded_secret and PRODUCTION:
    raise RuntimeError("SECRET_KEY must be set in production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Behind the reverse proxy: trust its X-Forwarded-Proto/Host/For (docs/deploy.md).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- HTTP security headers (docs/deploy.md, "Security headers") ---
# HTTPS only in production: redirect plain HTTP (nginx does too; this covers a request
# that reaches gunicorn another way) and HSTS. Start a first rollout with a small
# SECURE_HSTS_SECONDS (e.g. 3600) and raise it once HTTPS is known to work everywhere.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0))
# includeSubDomains covers names *below* the served host only (e.g. *.zhitong.example.gov.cn).
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a decision for whoever owns the registrable domain (the city's gov.cn
# domain), not for one application on a subdomain: the check that asks for it is silenced.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# models.W040: an index's included (non-key) columns are a PostgreSQL optimization
# (appeals.Appeal's appeal_verified_cover_idx: index-only scans for the scorecard); the
# embedded SQLite builds the same index without them, which answers the same queries.
SILENCED_SYSTEM_CHECKS = ["security.W021", "models.W040"]
SECURE_REFERRER_POLICY = "same-origin"  # full URLs (appeal ids) never leave the site
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from our own origin, nothing inline.
# htmx, ECharts and pico are served from our static files; pages carry no inline scripts,
# event handlers or styles (common/tests/test_templates_style.py, test_templates_csp.py);
# htmx's own indicator <style> is off (base.html: includeIndicatorStyles false).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # pico draws its icons as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page needs any of these features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs page's Swagger UI from our static files (CSP: no CDN)
    "zhitong.common",
    "zhitong.audit",
    "zhitong.organizations",
    "zhitong.enterprises",
    "zhitong.workdays",
    "zhitong.projects",
    "zhitong.outbox",
    "zhitong.notifications",
    "zhitong.delivery",
    "zhitong.appeals",
    "zhitong.coordination",
    "zhitong.assessment",
    "zhitong.webhooks",
    "zhitong.supervision",
    "zhitong.eportal",
    "zhitong.reports",
    "zhitong.public",
    "zhitong.api",
    "zhitong.open311",
    "zhitong.portal",
    "zhitong.demo",
    "zhitong.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "zhitong.api.middleware.ApiErrorContractMiddleware",  # issue 8: JSON errors under /api/
    "zhitong.open311.middleware.Open311ErrorMiddleware",  # the standard's errors under /open311/
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, but the token API under /api/ gets no session and no cookie.
    "zhitong.common.stateless.StatelessApiSessionMiddleware",
    "zhitong.portal.middleware.ChineseFirstLocaleMiddleware",  # Chinese unless switched (not Accept-Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Issue 8: refuse NUL, broken UTF-8, over-long query values and over-size bodies (400/413)
    # before any view reads them; under /api/ every error answer is the API's JSON contract.
    "zhitong.common.hygiene.RequestHygieneMiddleware",
    "zhitong.common.middleware.RequestContextMiddleware",
    "zhitong.common.middleware.IdleTimeoutMiddleware",
    # A session ended by a newer sign-in (the concurrent-session limit) is told why.
    "zhitong.organizations.middleware.EndedSessionMiddleware",
    # 三员分立: the security and audit administrators reach their own tools only.
    "zhitong.organizations.middleware.AdministratorConfinementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Paths served statelessly (common/stateless.py): no session row, no Set-Cookie.
ZHITONG_STATELESS_PATH_PREFIXES = ["/api/", "/open311/"]

ROOT_URLCONF = "zhitong.urls"
WSGI_APPLICATION = "zhitong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhitong.portal.context_processors.navigation",
                "zhitong.portal.context_processors.page_script",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zhitong.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A persistent connection is checked before each request reuses it, so a restarted
        # database costs one reconnect instead of a burst of 500s.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers proceed while one writer holds the lock; IMMEDIATE makes a
    # transaction take the write lock up front so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"

# Audit chain HMAC key, kept outside the database and its backups (zhitong/audit/keys.py,
# docs/deploy.md). Unset (embedded mode): a random key file under var/, made on first use.
AUDIT_HMAC_KEY = os.environ.get("ZHITONG_AUDIT_KEY", "")
AUDIT_HMAC_OLD_KEYS = env_list("ZHITONG_AUDIT_OLD_KEYS")  # retired keys: their events still verify
AUDIT_HMAC_KEY_FILE = VAR_DIR / "audit-hmac.key"
if not AUDIT_HMAC_KEY and env_bool("ZHITONG_PRODUCTION", False):
    raise RuntimeError("ZHITONG_AUDIT_KEY must be set in production")

# Phone and ID numbers encrypted at rest (zhitong/core/crypto.py, docs/security.md "Personal
# data at rest"): the first key encrypts, the others are retired keys that still decrypt; the
# blind index (exact-match lookups) has its own key. Kept outside the database like the audit
# key. Unset (embedded mode): random key files under var/, made on first use.
FIELD_KEYS = env_list("ZHITONG_FIELD_KEYS")
FIELD_KEY_FILE = VAR_DIR / "field-aes.key"
BLIND_INDEX_KEY = os.environ.get("ZHITONG_BLIND_INDEX_KEY", "")
BLIND_INDEX_KEY_FILE = VAR_DIR / "blind-index.key"
if PRODUCTION and not (FIELD_KEYS and BLIND_INDEX_KEY):
    raise RuntimeError("ZHITONG_FIELD_KEYS and ZHITONG_BLIND_INDEX_KEY must be set in production")

# Audit retention (GB/T 22239-2019 8.1.4.3 c: at least six months): events younger than this
# stay in the live log; `zhitong audit archive` writes older ones to a signed archive. A system
# check refuses less than 183 days.
AUDIT_RETENTION_DAYS = int(os.environ.get("ZHITONG_AUDIT_RETENTION_DAYS", "365"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's Redis cache, falling back to process memory while Redis is down
    # (core/cache.py, docs/reliability.md): a stopped Redis is no 500. Short socket
    # timeouts: a Redis that answers nothing costs a request one second, not minutes.
    CACHES = {
        "default": {
            "BACKEND": "zhitong.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The sign-in throttle's counters (organizations/signin_throttle.py): the same Redis, shared
# by every app server; in embedded mode a store of its own, large enough that a flood of
# made-up usernames does not cull the blocks.
CACHES["signin"] = (
    {**CACHES["default"], "KEY_PREFIX": "signin"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "signin",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)
# The API clients' request counters (api/ratelimit.py): shared by every app server through
# Redis; in embedded mode a store of its own.
CACHES["api_ratelimit"] = (
    {**CACHES["default"], "KEY_PREFIX": "apirl"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api_ratelimit"}
)
# The public pages' per-address counters (public/throttle.py): the same Redis in production.
CACHES["public_throttle"] = (
    {**CACHES["default"], "KEY_PREFIX": "pubrl"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "public_throttle"}
)
# The cached appeal list counts of the home pages and the workbench tabs (appeals/counters.py:
# thrown away when an appeal they count changes; this TTL only bounds changes made outside the
# ORM). Redis in production, so a move on one app server invalidates the figures of all.
CACHES["appeal_counts"] = (
    {**CACHES["default"], "KEY_PREFIX": "counts"}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "appeal_counts",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
)
ZHITONG_APPEAL_COUNTS_TTL = int(os.environ.get("ZHITONG_APPEAL_COUNTS_TTL", "120"))
# Requests per minute an API token may make unless its own limit says otherwise (the token
# page, `zhitong token create --rate-limit`).
ZHITONG_API_RATE_LIMIT = int(os.environ.get("ZHITONG_API_RATE_LIMIT", "120"))

# Celery: with Redis, a worker and beat run the schedule; without, tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Redis down (docs/reliability.md): a request that queued outbox rows hands the delivery
# task to the broker after its commit (outbox/services.py, robust: a failure is logged).
# Give up publishing quickly; the rows are in the database and beat's minute sweep
# delivers them once Redis is back. Celery's defaults (a 4 s connect timeout, 3 retries)
# held a committed request for seconds.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {
    # The audit chain's sealer (docs/audit-chain.md): events are written unsealed and chained
    # here, in order; `audit verify` flags one waiting longer than the limit below.
    "audit-seal": {"task": "zhitong.audit.tasks.seal_audit_chain", "schedule": 5.0},
    "appeal-clock": {"task": "zhitong.appeals.tasks.run_appeal_clock", "schedule": crontab(minute="*/15")},
    "outbox-sweep": {"task": "zhitong.outbox.tasks.deliver_outbox", "schedule": crontab()},  # every minute
    # Channel deliveries held for a user's quiet hours, queued when they end (docs/delivery.md).
    "delivery-release-held": {"task": "zhitong.delivery.tasks.release_held", "schedule": crontab()},
    # Roadmap milestones due soon / overdue (projects/roadmap/jobs.py): their dates are days,
    # so once an hour is plenty; every notice is deduplicated, so a second run sends nothing.
    "roadmap-clock": {"task": "zhitong.projects.tasks.run_roadmap_clock", "schedule": crontab(minute=5)},
    # Each user's digest of the notices held since the last one, before the office opens.
    "notification-digest": {
        "task": "zhitong.notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # seeds/004 江山: each city leader's digest of last month, at the start of the month; run on
    # the 1st–5th so a day the workers were down is made up (once per leader per month).
    "project-leader-digest": {
        "task": "zhitong.projects.tasks.send_leader_digests",
        "schedule": crontab(hour=8, minute=30, day_of_month="1-5"),
    },
    # seeds/000 三: each month's results forwarded to the People's Congress (supervision app);
    # run on the 1st–5th, one notice per overseer and month (deduplicated).
    "supervision-forward": {
        "task": "zhitong.supervision.tasks.forward_to_congress",
        "schedule": crontab(hour=9, minute=0, day_of_month="1-5"),
    },
    # seeds/000 二: last month's Annex 1 ledgers to the 市发改委 on the first working day of the
    # month (reports/forwarding.py sends once, on or after that day: the 1st–7th cover it).
    "annex1-forward": {
        "task": "zhitong.reports.tasks.forward_annex1_ledgers",
        "schedule": crontab(hour=8, minute=40, day_of_month="1-7"),
    },
    # seeds/003 七: the mayor's mailbox summary to the principal leaders, each working day
    # (reports/mailbox.py: nothing on a rest day, once a day).
    "mailbox-summary": {
        "task": "zhitong.reports.tasks.send_mailbox_summary",
        "schedule": crontab(hour=8, minute=15),
    },
}
# How audited writes are sealed into the chain (audit/services.py SEAL_MODES): in-process
# after the commit in the embedded mode, by the beat above when Redis (and Celery) run.
ZHITONG_AUDIT_SEAL = os.environ.get("ZHITONG_AUDIT_SEAL", "background" if REDIS_URL else "on_commit")
# An event unsealed for longer than this is a finding of `audit verify`.
ZHITONG_AUDIT_UNSEALED_MAX_MINUTES = int(os.environ.get("ZHITONG_AUDIT_UNSEALED_MAX_MINUTES", "10"))
# seeds/000 三 督查: an item a unit owes with no recorded action for this many working days is
# "stalled" on the supervision office's list.
ZHITONG_SUPERVISION_STALLED_WORKDAYS = 5

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhitong.organizations.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhitong.organizations.passwords.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = ["zhitong.organizations.auth_backends.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sign-in throttling (organizations/signin_throttle.py, docs/deploy.md): within a window of
# ZHITONG_LOCKOUT_MINUTES, this many wrong passwords refuse one account from one address ...
ZHITONG_LOCKOUT_FAILURES = 5
ZHITONG_LOCKOUT_MINUTES = 15
# ... this many failed or refused attempts refuse one address (an office may share one) ...
ZHITONG_SIGNIN_ADDRESS_FAILURES = 30
# ... and this many wrong passwords for one account from anywhere leave addresses it has not
# signed in from within ZHITONG_SIGNIN_KNOWN_ADDRESS_DAYS one try each.
ZHITONG_SIGNIN_ACCOUNT_FAILURES = 20
ZHITONG_SIGNIN_KNOWN_ADDRESS_DAYS = 30
ZHITONG_IDLE_TIMEOUT_MINUTES = 30
# The page warns this long before the idle sign-out, with a countdown and "继续工作"
# (static/zhitong/site.js; issue 9: what was being typed is not thrown away).
ZHITONG_IDLE_WARNING_SECONDS = 120
SESSION_COOKIE_AGE = 12 * 3600
# GB/T 22239-2019 8.1.4.1 b (登录连接超时自动退出): the absolute limit is counted server-side
# from the sign-in time kept in the session (common/middleware.SessionLimitsMiddleware), not
# from the cookie's sliding age.
ZHITONG_SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
# Signed-in sessions one account may hold at once; a new sign-in ends the oldest, which is
# told why at its next request (organizations/sessions.py).
ZHITONG_MAX_SESSIONS_PER_USER = env_int("ZHITONG_MAX_SESSIONS_PER_USER", 3)

# The TOTP second factor (organizations/totp.py, signin_steps.py; GB/T 22239-2019 8.1.4.1 d).
ZHITONG_TOTP_ROLES = frozenset({"hub", "supervisor", "admin", "leader", "security_admin", "audit_admin"})
# The former key material of the TOTP secrets (default: derived from SECRET_KEY), read only by
# migration organizations 0005, which re-seals them under ZHITONG_FIELD_KEYS.
ZHITONG_TOTP_KEY = os.environ.get("ZHITONG_TOTP_KEY", "")
# A password checked but a second step (code, enrolment, forced change) not finished within
# this long starts over.
ZHITONG_SIGNIN_PENDING_SECONDS = 300
# Passwords (organizations/password_policy.py; GB/T 22239-2019 8.1.4.1 a): expiry in days
# (0: never) and how many recent passwords may not be reused.
ZHITONG_PASSWORD_MAX_AGE_DAYS = env_int("ZHITONG_PASSWORD_MAX_AGE_DAYS", 90)
ZHITONG_PASSWORD_HISTORY = 5

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("ZHITONG_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# -- Request size limits (issue 8: no 5xx from any input). The request-hygiene middleware
# (zhitong/common/hygiene.py) refuses a larger body with 413 from its Content-Length,
# before reading it. A form or JSON body (files not counted) holds at most 2 MB: the longest
# text any form takes is 5000 characters. One evidence file (or meeting minutes) is at most
# ZHITONG_EVIDENCE_MAX_BYTES (checked per file by appeals/services/evidence.py); a whole
# multipart upload, at most ZHITONG_UPLOAD_MAX_BYTES. Uploads over 5 MB are spooled to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ZHITONG_EVIDENCE_MAX_BYTES = int(os.environ.get("ZHITONG_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# A photo of a project's image progress (projects/progress/photos.py; at most 6 per report).
ZHITONG_PROGRESS_PHOTO_MAX_BYTES = int(os.environ.get("ZHITONG_PROGRESS_PHOTO_MAX_BYTES", 5 * 1024 * 1024))
ZHITONG_UPLOAD_MAX_BYTES = int(
    os.environ.get("ZHITONG_UPLOAD_MAX_BYTES", 5 * ZHITONG_EVIDENCE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE)
)
ZHITONG_DEFAULT_HANDLING_WORKDAYS = int(os.environ.get("ZHITONG_DEFAULT_HANDLING_WORKDAYS", "15"))
# The green channel (绿色通道, seeds/004 常德/潍坊/绵阳; docs/projects.md "绿色通道"): a
# designated project's roadmap milestones and its appeals get this percentage of the
# committed working-day limit, rounded up, at least 1 (projects/roadmap/rules.py).
ZHITONG_GREEN_CHANNEL_PERCENT = int(os.environ.get("ZHITONG_GREEN_CHANNEL_PERCENT", "50"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "直通平台 <noreply@zhitong.localhost>")
# The address in the links of e-mails, SMS and robot messages (docs/delivery.md).
ZHITONG_SITE_URL = os.environ.get("ZHITONG_SITE_URL", "")
# The SMS gateway (docs/delivery.md): the default writes each SMS to a table read in the
# admin; "zhitong.delivery.backends.sms.HttpSmsBackend" posts to ZHITONG_SMS_HTTP["url"].
ZHITONG_SMS_BACKEND = os.environ.get("ZHITONG_SMS_BACKEND", "zhitong.delivery.backends.sms.LogSmsBackend")
ZHITONG_SMS_HTTP = {
    "url": os.environ.get("ZHITONG_SMS_URL", ""),
    "token": os.environ.get("ZHITONG_SMS_TOKEN", ""),
    "sign": os.environ.get("ZHITONG_SMS_SIGN", "【直通】"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
