"""The one settings module. Everything that differs between installations comes from BODYCAM_*
environment variables (see .env.example); defaults give a working single-machine system with its
data in ./var: SQLite in WAL mode, local blob storage, keys generated on first start."""

from datetime import date
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from bodycam.lib.config import (
    env_bool,
    env_date,
    env_int,
    env_list,
    env_path,
    env_periods,
    env_secret,
    env_str,
    refuse,
)
from bodycam.lib.keys import persistent_secret
from bodycam.lib.privacy import make_private, refuse_exposed

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("BODYCAM_DATA_DIR", Path("var"))
try:
    make_private(DATA_DIR)
except OSError as exc:
    raise ImproperlyConfigured(
        f"无法创建数据目录 {DATA_DIR}：{exc.strerror}。 / Cannot create the data folder "
        f"{DATA_DIR}: {exc.strerror}."
    ) from exc

DEBUG = env_bool("BODYCAM_DEBUG", False)
SECRET_KEY = env_secret("BODYCAM_SECRET_KEY") or persistent_secret(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("BODYCAM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("BODYCAM_CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("BODYCAM_SITE_NAME", "执法音像记录管理系统")
# The origin line of the custody ledger's signed checkpoints names this installation.
INSTALLATION_NAME = env_str("BODYCAM_INSTALLATION_NAME", "bodycam.local")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "bodycam",
    "bodycam.accounts",
    "bodycam.ledger",
    "bodycam.devices",
    "bodycam.activities",
    "bodycam.recordings",
    "bodycam.uploads",
    "bodycam.access",
    "bodycam.compliance",
    "bodycam.evidence",
    "bodycam.retention",
    "bodycam.supervision",
    "bodycam.accountability",
    "bodycam.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bodycam.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bodycam.middleware.ChineseFirstLocaleMiddleware",
    "bodycam.middleware.DisplayTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bodycam.middleware.RefuseNulMiddleware",
    "bodycam.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bodycam.urls"
WSGI_APPLICATION = "bodycam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bodycam.navigation.context",
            ],
        },
    },
]


def _databases() -> dict:
    url = env_secret("DATABASE_URL")
    if url is None:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DATA_DIR / "bodycam.sqlite3",
                "OPTIONS": {
                    # IMMEDIATE: writers queue for the lock at BEGIN instead of failing mid-way.
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 30,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                },
                # Tests use a file too: an in-memory database locks differently (no WAL).
                "TEST": {"NAME": DATA_DIR / "test-bodycam.sqlite3"},
            }
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError:
        raise refuse("DATABASE_URL", url.split("@")[-1], "数据库地址", "a database URL") from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise refuse("DATABASE_URL", url.split("@")[-1], "postgres:// 地址", "a postgres:// URL")
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bodycam.accounts.backends.RoleBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A password someone else chose is replaced at first sign-in: always after a reset by an
# administrator; for imported users unless turned off; for the demo's users only if turned on
# (the demo is for trying the system out).
IMPORTED_MUST_CHANGE_PASSWORD = env_bool("BODYCAM_IMPORTED_MUST_CHANGE_PASSWORD", True)
DEMO_MUST_CHANGE_PASSWORD = env_bool("BODYCAM_DEMO_MUST_CHANGE_PASSWORD", False)

# Login throttling: after this many failures within the window, the account and the address
# are locked for the window (counted from the last failure).
LOGIN_FAILURE_LIMIT = env_int("BODYCAM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCK_MINUTES = env_int("BODYCAM_LOGIN_LOCK_MINUTES", 15, minimum=1)

# API tokens: how long a new one lasts unless its owner asks for less, and the longest allowed.
API_TOKEN_MAX_DAYS = env_int("BODYCAM_API_TOKEN_MAX_DAYS", 365, minimum=1)
API_TOKEN_DAYS = env_int("BODYCAM_API_TOKEN_DAYS", 90, minimum=1)
if API_TOKEN_DAYS > API_TOKEN_MAX_DAYS:
    raise refuse(
        "BODYCAM_API_TOKEN_DAYS", str(API_TOKEN_DAYS),
        f"不超过 {API_TOKEN_MAX_DAYS} 的天数", f"at most {API_TOKEN_MAX_DAYS} days",
    )  # fmt: skip

# Sessions and cookies.
SESSION_COOKIE_AGE = env_int("BODYCAM_SESSION_HOURS", 10, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("BODYCAM_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("BODYCAM_HSTS_SECONDS", 0, minimum=0)
if env_bool("BODYCAM_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Chinese first: zh-hans unless the user switched to English (the browser's wish is not asked).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored and computed in UTC; shown in DISPLAY_TIME_ZONE
DISPLAY_TIME_ZONE = env_str("BODYCAM_DISPLAY_TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # static files are served straight from the package as well

# The custody ledger's Ed25519 signing key (created on first use; mode 0600; never served).
# Unset: ledger_signing_key.pem in the data folder.
LEDGER_SIGNING_KEY_FILE = env_str("BODYCAM_LEDGER_SIGNING_KEY_FILE", "") or None
# How often the worker signs a new checkpoint and re-verifies everything (seconds).
LEDGER_SIGN_INTERVAL = env_int("BODYCAM_LEDGER_SIGN_INTERVAL", 300, minimum=10)
FIXITY_INTERVAL = env_int("BODYCAM_FIXITY_INTERVAL", 24 * 3600, minimum=60)
# Each fixity run re-hashes at most this many GiB, never-verified originals first; every
# original should come round within the cycle (the ledger page says if the budget is short).
FIXITY_BYTES_PER_RUN = env_int("BODYCAM_FIXITY_GB_PER_RUN", 2048, minimum=1) * 1024**3
FIXITY_CYCLE_DAYS = env_int("BODYCAM_FIXITY_CYCLE_DAYS", 90, minimum=1)

# Blob storage for originals and derived copies: local files by default, or S3-compatible
# object storage with Object Lock in compliance mode.
BLOB_BACKENDS = {
    "local": "bodycam.recordings.storage_local.LocalBlobStore",
    "s3": "bodycam.recordings.storage_s3.S3BlobStore",
}
BLOB_BACKEND = env_str("BODYCAM_BLOB_BACKEND", "local")
if BLOB_BACKEND not in BLOB_BACKENDS:
    raise refuse("BODYCAM_BLOB_BACKEND", BLOB_BACKEND, "local 或 s3", "local or s3")
BLOB_STORAGE_DIR = env_path("BODYCAM_BLOB_DIR", DATA_DIR / "blobs")
# Nothing in the data folder is anyone else's to read: refuse to start if it is.
refuse_exposed(
    [
        DATA_DIR,
        BLOB_STORAGE_DIR,
        DATA_DIR / "uploads",
        DATA_DIR / "secret_key",
        DATA_DIR / "bodycam.sqlite3",
        Path(LEDGER_SIGNING_KEY_FILE or DATA_DIR / "ledger_signing_key.pem"),
    ]
)
S3_ENDPOINT_URL = env_str("BODYCAM_S3_ENDPOINT_URL", "")
S3_BUCKET = env_str("BODYCAM_S3_BUCKET", "bodycam")
S3_REGION = env_str("BODYCAM_S3_REGION", "us-east-1")
S3_ACCESS_KEY = env_secret("BODYCAM_S3_ACCESS_KEY") or ""
S3_SECRET_KEY = env_secret("BODYCAM_S3_SECRET_KEY") or ""
if BLOB_BACKEND == "s3" and S3_ENDPOINT_URL:
    # Content is fetched from the store by presigned URL: the player and images may load it.
    _store = "/".join(S3_ENDPOINT_URL.split("/")[:3])
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
        "media-src 'self'", f"media-src 'self' {_store}"
    ).replace("img-src 'self'", f"img-src 'self' {_store}")
# Originals are kept at least this long (R-14: one year); Object Lock enforces it on S3.
MINIMUM_RETENTION_DAYS = env_int("BODYCAM_MINIMUM_RETENTION_DAYS", 366, minimum=366)
# a case file's retention periods as the records office chooses them ("永久" keeps forever);
# evidence is kept as long as every case file it belongs to.
CASE_RETENTION_PERIODS = env_periods(
    "BODYCAM_CASE_RETENTION_PERIODS", "永久=permanent,30 年=30,10 年=10,5 年=5,3 年=3"
)
# Retention classes by activity type or content tag (R-10 marks): police practice keeps for ever
# what shows obstruction of enforcement, a major emergency or a mass incident.
RETENTION_CLASSES = env_periods(
    "BODYCAM_RETENTION_CLASSES",
    "obstruction=permanent,major_emergency=permanent,mass_incident=permanent",
)
# What "for ever" means to an object store's lock (it takes a date): renewed before it runs out.
PERMANENT_LOCK_YEARS = env_int("BODYCAM_PERMANENT_LOCK_YEARS", 100, minimum=10)
# Evidence discs: where they are made, as the written description names the place.
EVIDENCE_PLACE = env_str("BODYCAM_EVIDENCE_PLACE", "本局综合科")

# Pre-use check thresholds: a check below them makes the device "not ready".
CHECK_MIN_BATTERY_PERCENT = env_int("BODYCAM_CHECK_MIN_BATTERY_PERCENT", 50, minimum=0)
CHECK_MIN_FREE_GB = env_int("BODYCAM_CHECK_MIN_FREE_GB", 8, minimum=0)
CHECK_MAX_CLOCK_OFFSET_SECONDS = env_int("BODYCAM_CHECK_MAX_CLOCK_OFFSET_SECONDS", 10, minimum=0)

# Resumable uploads (tus): limits, and how long an unfinished upload is kept.
UPLOAD_MAX_BYTES = env_int("BODYCAM_UPLOAD_MAX_GB", 64, minimum=1) * 1024**3
UPLOAD_MAX_CONCURRENT = env_int("BODYCAM_UPLOAD_MAX_CONCURRENT", 8, minimum=1)
UPLOAD_EXPIRE_HOURS = env_int("BODYCAM_UPLOAD_EXPIRE_HOURS", 72, minimum=1)
# An upload's ingest claimed longer ago than this died with its worker on another host (the
# largest upload into slow object storage takes a few hours at most); on the same host a dead
# worker's claim is taken up at once.
UPLOAD_INGEST_STALLED_MINUTES = env_int("BODYCAM_UPLOAD_INGEST_STALLED_MINUTES", 360, minimum=1)

# Ingest: how a recorder model's clock is written into its files. "Asia/Shanghai-as-UTC" means
# Beijing wall-clock time labelled as UTC (common); "utc" means true UTC. Per model:
# BODYCAM_DEVICE_CLOCK_BY_MODEL="DSJ-X1=utc,DSJ-V9=Asia/Shanghai-as-UTC".
DEVICE_CLOCK_DEFAULT = env_str("BODYCAM_DEVICE_CLOCK_DEFAULT", "Asia/Shanghai-as-UTC")
DEVICE_CLOCK_BY_MODEL = dict(
    item.split("=", 1) for item in env_list("BODYCAM_DEVICE_CLOCK_BY_MODEL", []) if "=" in item
)
# The container's time and the file name's come from one clock: beyond this (plus the file's
# length, for recorders that stamp the container on closing) they disagree.
CLOCK_AGREEMENT_SECONDS = env_int("BODYCAM_CLOCK_AGREEMENT_SECONDS", 60, minimum=1)
# How far outside an activity's start and end a recording may fall and still be linked to it.
LINK_TOLERANCE_MINUTES = env_int("BODYCAM_LINK_TOLERANCE_MINUTES", 10, minimum=0)

# Activities: a start further back than this many days, or before the rules took
# effect, is entered only as 补录 with a reason; officers correct their own activity while it
# is open and this many days after it ended (the records office at any time).
ACTIVITY_LATE_ENTRY_DAYS = env_int("BODYCAM_ACTIVITY_LATE_ENTRY_DAYS", 3, minimum=1)
ACTIVITY_CORRECTION_DAYS = env_int("BODYCAM_ACTIVITY_CORRECTION_DAYS", 7, minimum=0)

# The regulation's effective date: activities before it are not judged.
REGULATION_EFFECTIVE_DATE = env_date("BODYCAM_REGULATION_EFFECTIVE_DATE", date(2026, 1, 1))

# Viewing: the window a grant gives by default and at most; deputies (usernames) the head
# delegated approval to; how long a signed content URL is good for.
VIEWING_MAX_HOURS = env_int("BODYCAM_VIEWING_MAX_HOURS", 72, minimum=1)
VIEWING_DEFAULT_HOURS = min(
    env_int("BODYCAM_VIEWING_DEFAULT_HOURS", 24, minimum=1), VIEWING_MAX_HOURS
)
VIEWING_DEPUTIES = env_list("BODYCAM_VIEWING_DEPUTIES", [])
CONTENT_URL_MINUTES = env_int("BODYCAM_CONTENT_URL_MINUTES", 30, minimum=1)
# On S3 the browser is sent to a presigned URL, which no revocation reaches: keep it short.
CONTENT_PRESIGN_SECONDS = env_int("BODYCAM_CONTENT_PRESIGN_SECONDS", 60, minimum=5)
# Behind nginx, content can be handed to the proxy (X-Accel-Redirect) instead of being sent by
# the application: the internal location that maps to the blob folder, e.g. "/protected-blobs".
CONTENT_ACCEL_REDIRECT = env_str("BODYCAM_CONTENT_ACCEL_REDIRECT", "")
# A TrueType font with Chinese for PDF documents ("" finds WenQuanYi Micro Hei).
PDF_FONT = env_str("BODYCAM_PDF_FONT", "")

# Compliance rules (R-02 .. R-13): a gap longer than this between two segments is an
# interruption; recording starting later or stopping earlier than this is late/early; speech is
# looked for in the first seconds of a recording; N days for unlinked recordings and pending
# exemptions; a recording this long before its activity shows a wrong clock; how often the
# nightly run is queued.
COMPLIANCE_GAP_SECONDS = env_int("BODYCAM_COMPLIANCE_GAP_SECONDS", 10, minimum=1)
COMPLIANCE_LATE_START_SECONDS = env_int("BODYCAM_COMPLIANCE_LATE_START_SECONDS", 120, minimum=1)
COMPLIANCE_SPEECH_SECONDS = env_int("BODYCAM_COMPLIANCE_SPEECH_SECONDS", 30, minimum=1)
COMPLIANCE_UNLINKED_DAYS = env_int("BODYCAM_COMPLIANCE_UNLINKED_DAYS", 2, minimum=0)
COMPLIANCE_EXEMPTION_DAYS = env_int("BODYCAM_COMPLIANCE_EXEMPTION_DAYS", 7, minimum=0)
COMPLIANCE_CLOCK_BEFORE_ACTIVITY_MINUTES = env_int(
    "BODYCAM_COMPLIANCE_CLOCK_BEFORE_ACTIVITY_MINUTES", 60, minimum=1
)
COMPLIANCE_INTERVAL = env_int("BODYCAM_COMPLIANCE_INTERVAL", 24 * 3600, minimum=60)

# Spot checks: how many days reviewers have by default and at most (the campaign's grant
# lasts until the end of its review day); the review form's items: each with the article it
# checks, whether failing it is a veto (否决项: the review scores 0, 不合格) and the points it is
# worth; a failed item deducts its points from 100. Grades: 优秀 from EXCELLENT, 合格 from PASS.
SUPERVISION_REVIEW_DAYS = env_int("BODYCAM_SUPERVISION_REVIEW_DAYS", 14, minimum=1)
SUPERVISION_REVIEW_MAX_DAYS = env_int("BODYCAM_SUPERVISION_REVIEW_MAX_DAYS", 90, minimum=1)
SUPERVISION_REVIEW_ITEMS = [
    {"key": "recorded", "requirement": "R-20", "veto": True, "points": 0,
     "label": _("应当记录的执法活动已按要求全程记录")},
    {"key": "intact", "requirement": "R-11", "veto": True, "points": 0,
     "label": _("记录完整，未被剪辑、删改、丢失")},
    {"key": "continuous", "requirement": "R-20", "veto": False, "points": 25,
     "label": _("记录连续；中断的，有语音说明中断原因")},
    {"key": "handling", "requirement": "R-20", "veto": False, "points": 20,
     "label": _("按时移交，存储、管理和使用规范")},
    {"key": "notification", "requirement": "R-08", "veto": False, "points": 15,
     "label": _("开始记录时告知当事人正在录音录像")},
    {"key": "content", "requirement": "R-10", "veto": False, "points": 20,
     "label": _("记录了规定的内容（现场、当事人、证据、执法过程）")},
    {"key": "angle", "requirement": "R-12", "veto": False, "points": 10,
     "label": _("拍摄角度和距离能看清现场和当事人")},
    {"key": "conduct", "requirement": "R-24", "veto": False, "points": 10,
     "label": _("执法用语文明规范，仪容仪表符合要求")},
]  # fmt: skip
SUPERVISION_GRADE_EXCELLENT = env_int("BODYCAM_SUPERVISION_GRADE_EXCELLENT", 90, minimum=0)
SUPERVISION_GRADE_PASS = env_int("BODYCAM_SUPERVISION_GRADE_PASS", 60, minimum=0)
# Quality evaluation (执法质量考评): the weights of the spot-check average and of the
# compliance rate in the combined score (either alone when the other is missing).
EVALUATION_REVIEW_WEIGHT = env_int("BODYCAM_EVALUATION_REVIEW_WEIGHT", 60, minimum=0)
EVALUATION_COMPLIANCE_WEIGHT = env_int("BODYCAM_EVALUATION_COMPLIANCE_WEIGHT", 40, minimum=0)

# Violation cases: the head decides within this many days of opening, extendable once.
ACCOUNTABILITY_DECISION_DAYS = env_int("BODYCAM_ACCOUNTABILITY_DECISION_DAYS", 30, minimum=1)
ACCOUNTABILITY_EXTENSION_DAYS = env_int("BODYCAM_ACCOUNTABILITY_EXTENSION_DAYS", 30, minimum=1)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "media"],
    }
}

REST_FRAMEWORK = {
    # Token first, so an anonymous API call is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bodycam.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "bodycam.lib.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "bodycam.lib.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "执法音像记录管理系统 API / Bodycam Records API",
    "DESCRIPTION": "REST API v1. 所有页面能做的事，API 都能做，权限检查相同。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"one_line_forbidden": {"()": "bodycam.lib.logs.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("BODYCAM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["one_line_forbidden"]},
    },
}
