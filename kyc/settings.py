"""One settings module, driven by environment variables.

With nothing set it runs on embedded defaults: SQLite, a private media folder, kombu's filesystem
broker and the offline OCR engine, all under ``KYC_DATA_DIR`` (``./var``). Production switches by
variables (see the table in README). Any variable ``NAME`` can instead be read from a file named by
``NAME_FILE`` (Docker/Kubernetes secrets). A bad value stops start-up with ImproperlyConfigured.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_number(name: str, default, kind=int, minimum=0):
    raw = env(name, str(default))
    try:
        value = kind(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a {kind.__name__}, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def local_secret(path: Path, make) -> str:
    """A secret generated once on this machine and kept outside the database (embedded mode only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(make())
    return path.read_text().strip()


DATA_DIR = Path(env("KYC_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or local_secret(DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(50))
# Encrypts secrets the application must be able to use again (OCR API SecretKeys, webhook signing
# secrets). Kept out of the database so that a dump alone yields no working credential.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY") or local_secret(
    DATA_DIR / "field_encryption_key", lambda: secrets.token_urlsafe(32)
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "kyc",
    "ocr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Deny by default: every page needs a login unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "kyc.urls"
WSGI_APPLICATION = "kyc.wsgi.application"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:queue"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    if urlparse(DATABASE_URL).scheme not in ("postgres", "postgresql", "sqlite"):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # Web and worker write to the same file: wait for the lock instead of failing, and take
            # it at the start of a transaction so that two writers never deadlock on an upgrade.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": DATA_DIR / "test-db.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (also the shared store of the rate limiters) ----------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A database cache is shared by web and worker processes, which a per-process cache is not.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kyc_cache"}}

# --- Storage: card images are private ----------------------------------------------------------------
S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_number("S3_URL_EXPIRE_SECONDS", 60, minimum=1),
            "signature_version": "s3v4",
            "file_overwrite": False,
            "location": env("S3_PREFIX", "cards"),
        },
    }
else:
    MEDIA_ROOT = DATA_DIR / "private-media"
    # base_url=None: files have no public URL; reviewers see them only through authenticated views.
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None, "file_permissions_mode": 0o600},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if urlparse(CELERY_BROKER_URL).scheme not in ("filesystem", "redis", "rediss", "amqp", "pyamqp", "memory"):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be filesystem://, redis://, amqp:// or memory://")
CELERY_BROKER_DIR = DATA_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    for _sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # Exchange bindings; kombu's default is ./control relative to wherever the process started.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"kyc.tasks.run_ocr": {"queue": "ocr"}}
CELERY_TASK_ALWAYS_EAGER = False
OCR_MAX_RETRIES = env_number("OCR_MAX_RETRIES", 5)
OCR_RETRY_BACKOFF_SECONDS = env_number("OCR_RETRY_BACKOFF_SECONDS", 2.0, kind=float)
OCR_RETRY_BACKOFF_MAX_SECONDS = env_number("OCR_RETRY_BACKOFF_MAX_SECONDS", 300.0, kind=float)
# Uploads whose OCR task never ran (broker down when they arrived) are queued again after this long.
OCR_REQUEUE_AFTER_SECONDS = env_number("OCR_REQUEUE_AFTER_SECONDS", 120)
# A submission in processing with no OCR attempt for this long lost its task (the worker died and the
# broker did not redeliver): the sweep sends it back to be read. Longer than a task's whole retry budget.
OCR_PROCESSING_TIMEOUT_SECONDS = env_number("OCR_PROCESSING_TIMEOUT_SECONDS", 3600)
# The periodic sweep that queues those uploads again (run by `celery beat`, or a worker with -B).
CELERY_BEAT_SCHEDULE = {
    "ocr-requeue-stale": {
        "task": "kyc.tasks.requeue_stale_ocr",
        "schedule": env_number("OCR_REQUEUE_SWEEP_SECONDS", 60.0, kind=float, minimum=1),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# --- OCR backends ---------------------------------------------------------------------------------
OCR_BACKEND = env_choice("OCR_BACKEND", "local", ("local", "tencent"))
TENCENT_OCR_URL = env("TENCENT_OCR_URL", "https://ocr.tencentcloudapi.com/")
if urlparse(TENCENT_OCR_URL).scheme not in ("http", "https"):
    raise ImproperlyConfigured("TENCENT_OCR_URL must be an http(s) URL")
TENCENT_SECRET_ID = env("TENCENT_SECRET_ID")
TENCENT_SECRET_KEY = env("TENCENT_SECRET_KEY")
TENCENT_TOKEN = env("TENCENT_TOKEN")
TENCENT_REGION = env("TENCENT_REGION", "ap-singapore")
TENCENT_CONNECT_TIMEOUT = env_number("TENCENT_CONNECT_TIMEOUT", 5.0, kind=float)
TENCENT_READ_TIMEOUT = env_number("TENCENT_READ_TIMEOUT", 30.0, kind=float)
if OCR_BACKEND == "tencent" and not (TENCENT_SECRET_ID and TENCENT_SECRET_KEY):
    raise ImproperlyConfigured("OCR_BACKEND=tencent needs TENCENT_SECRET_ID and TENCENT_SECRET_KEY")
# Tencent's quotas, held across all workers together (requests per second).
OCR_RATE_LIMITS = {
    "MLIDCardOCR": env_number("OCR_RATE_MLID", 5, kind=float),
    "RecognizeSingaporeIDCardOCR": env_number("OCR_RATE_SG", 20, kind=float),
}
# How long a worker waits in-process for a free slot before handing the wait to a Celery retry.
OCR_RATE_WAIT_SECONDS = env_number("OCR_RATE_WAIT_SECONDS", 2.0, kind=float)

# --- Our API 3.0 server (Tencent-compatible) ------------------------------------------------------
OCR_API_RATE_LIMITS = {
    "MLIDCardOCR": env_number("OCR_API_RATE_MLID", 5, kind=float),
    "RecognizeSingaporeIDCardOCR": env_number("OCR_API_RATE_SG", 20, kind=float),
}
# Hosts the server may fetch ImageUrl / BackImageUrl from. Empty: URL input is refused.
OCR_IMAGE_URL_ALLOWED_HOSTS = env_list("OCR_IMAGE_URL_ALLOWED_HOSTS")
# Even an allowed host is refused when it resolves to loopback, private or link-local addresses.
OCR_IMAGE_URL_ALLOW_PRIVATE_ADDRESSES = env_bool("OCR_IMAGE_URL_ALLOW_PRIVATE_ADDRESSES", False)
OCR_IMAGE_URL_TIMEOUT_SECONDS = env_number("OCR_IMAGE_URL_TIMEOUT_SECONDS", 3.0, kind=float)  # the seeds' limit
# Front and back, each up to 7 MB of Base64, plus room for the JSON around them.
OCR_API_MAX_BODY_BYTES = env_number("OCR_API_MAX_BODY_BYTES", 2 * 7 * 1024 * 1024 + 64 * 1024, minimum=1024)

# --- Review ---------------------------------------------------------------------------------------
REVIEW_CONFIDENCE_THRESHOLD = env_number("REVIEW_CONFIDENCE_THRESHOLD", 0.90, kind=float)
REVIEW_PAGE_SIZE = env_number("REVIEW_PAGE_SIZE", 25, minimum=1)

# --- Portal API -----------------------------------------------------------------------------------
PORTAL_MAX_REUPLOADS = env_number("PORTAL_MAX_REUPLOADS", 3)
PORTAL_RATE_LIMIT_PER_MINUTE = env_number("PORTAL_RATE_LIMIT_PER_MINUTE", 120, minimum=1)
# Webhooks never go to loopback or private addresses unless this is on (tests, local demos).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOK_MAX_RETRIES = env_number("WEBHOOK_MAX_RETRIES", 8)
WEBHOOK_TIMEOUT_SECONDS = env_number("WEBHOOK_TIMEOUT_SECONDS", 10.0, kind=float)

# Both the portal API and the OCR API accept at most 7 MB of Base64, i.e. about 5.25 MB of image.
MAX_IMAGE_BASE64_BYTES = 7 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_BASE64_BYTES * 2 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_IMAGE_BASE64_BYTES

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KYC portal API",
    "DESCRIPTION": "Upload identity cards for review, follow their status, receive signed decisions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Security ---------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_number("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy (the compose file's shape), Django learns the request was HTTPS
# only from the proxy's header; trust it only when told that such a proxy is always in front.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "Asia/Kuala_Lumpur")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.request": {"level": "ERROR"}},
}
