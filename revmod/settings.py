"""The one settings module. Every difference between machines is an environment variable,
listed with its default in .env.example. Defaults make `make run` work on a fresh machine."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from revmod.lib.env import cache_from_url, env, env_bool, env_list, load_file
from revmod.lib.i18n import INTERFACE_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables the environment does not set are read from this file (default: .env in the checkout;
# `make run` writes the demo's there, so `manage.py` commands find them). Empty: no file.
ENV_FILE = env("REVMOD_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_file(ENV_FILE)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("REVMOD_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "only DEBUG=1 or tests may run without one."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "revmod.lib",  # no models: its management commands (fetchfonts)
    "revmod.registry",
    "revmod.accounts",
    "revmod.lots",
    "revmod.reviews",
    "revmod.stats",
    "revmod.documents",
    "revmod.questionnaires",
    "revmod.notifications",
    "revmod.translations",
    "revmod.followups",
    "revmod.activities",
    "revmod.assistance",
    "revmod.library",
    "revmod.stakeholders",
    "revmod.recommendations",
    "revmod.api",
    "revmod.public",
    "revmod.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "revmod.lib.headers.NeverCacheSignedInMiddleware",
    "revmod.accounts.middleware.UserLanguageMiddleware",
    "revmod.accounts.middleware.SecretariatTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "revmod.urls"
WSGI_APPLICATION = "revmod.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "revmod" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file by default (zero setup); PostgreSQL in production and CI through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'revmod.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The embedded default as a real database for a web server and a worker side by side:
    # write-ahead logging (readers never wait for a writer), a write transaction takes the
    # write lock when it begins (so a concurrent one waits its turn instead of failing midway
    # with "database is locked"), and a busy timeout long enough for any action's transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(env("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

# The cache, shared by every web process and worker (nothing in one process's memory is the
# only copy: the status report computed by one worker serves the others). Default: a table of
# the database (created by the registry's migration 0002, so `migrate` alone suffices);
# CACHE_URL=redis://host:6379/0 for Redis, faster under load.
CACHES = {"default": cache_from_url(env("CACHE_URL", ""))}
# Sessions read from the cache, written through to the database (a signed-in request reads
# its session without a query; a cache flush signs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # allauth's, where an address pending verification names nobody.
    "revmod.accounts.backends.AccountBackend",
    "revmod.accounts.backends.SecretariatBackend",
]

# --- Languages: the six official languages of the United Nations.
LANGUAGE_CODE = "en"
LANGUAGES = INTERFACE_LANGUAGES
LOCALE_PATHS = [BASE_DIR / "revmod" / "locale"]
USE_I18N = True
# Dates written one way per language, DATE_FORMAT and DATETIME_FORMAT only (revmod/formats).
FORMAT_MODULE_PATH = ["revmod.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploads larger than 2.5 MB are written here while they arrive (Django's default is the
# system's temporary folder, where a process killed mid-upload left its files for good). Inside
# MEDIA_ROOT: a finished upload is renamed into place, not copied; `manage.py checkfiles
# --delete-orphans` removes what a killed upload left here; backups leave the folder out.
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / "tmp")
try:
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only MEDIA_ROOT: commands that store no file still run
    pass
# Fonts for PDF documents (Arabic, Chinese, Latin, Cyrillic), written by `manage.py fetchfonts`,
# and in its web/ folder those of pages (Arabic, Chinese: WOFF2 files and their stylesheet).
REVMOD_FONT_DIR = Path(env("REVMOD_FONT_DIR", str(BASE_DIR / "var" / "fonts")))
# The site's own CSS and scripts (revmod/static/revmod/): `revmod` itself is not an app, so the
# app finder alone never found them (pages were served unstyled and without their scripts).
# The pages' fonts are static files under fonts/ (base.html links fonts/fonts.css), collected
# and hashed with the rest: run `fetchfonts` before `collectstatic` (docs/operations.md).
STATICFILES_DIRS = [BASE_DIR / "revmod" / "static", ("fonts", REVMOD_FONT_DIR / "web")]
# Largest upload accepted (documents, notes verbales); Django itself streams larger bodies to disk.
REVMOD_MAX_UPLOAD_BYTES = int(env("REVMOD_MAX_UPLOAD_MB", "25")) * 1024 * 1024
# Office files (DOCX, XLSX, ODT) are ZIP archives: before one is parsed, the sum of its parts'
# unpacked sizes, their number and each large part's compression ratio are checked, and reading
# stops past so many paragraphs (DOCX) or rows (XLSX). See docs/security.md, "Files and exports".
REVMOD_MAX_UNCOMPRESSED_BYTES = int(env("REVMOD_MAX_UNCOMPRESSED_MB", "50")) * 1024 * 1024
REVMOD_MAX_ARCHIVE_MEMBERS = int(env("REVMOD_MAX_ARCHIVE_MEMBERS", "1000"))
REVMOD_MAX_COMPRESSION_RATIO = int(env("REVMOD_MAX_COMPRESSION_RATIO", "100"))
REVMOD_MAX_PARAGRAPHS = int(env("REVMOD_MAX_PARAGRAPHS", "20000"))
REVMOD_MAX_ROWS = int(env("REVMOD_MAX_ROWS", "20000"))
# A review's ZIP of its submissions holds at most this much (the uploaded files and the PDF and
# DOCX made of what was submitted online); past it, the page says to download them one by one.
REVMOD_MAX_ZIP_BYTES = int(env("REVMOD_MAX_ZIP_MB", "200")) * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names (cacheable for a year) in production, after `collectstatic`.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Accounts (django-allauth). Logins by username or e-mail; no public sign-up: the
# secretariat registers people from notes verbales.
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "revmod.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
# A person changes their address themselves, with their password, and the new address replaces
# the old only once the link e-mailed to it is followed (docs/decisions.md, "E-mail addresses").
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_FORMS = {
    "add_email": "revmod.accounts.forms.ChangeEmailForm",
    "reset_password": "revmod.accounts.forms.ResetPasswordForm",
}
ACCOUNT_LOGOUT_ON_GET = False
# Sign-in throttling (revmod.accounts.throttle; docs/security.md, "Headers and throttling"):
# failed passwords per client address and per account within a window, counted in the
# database. allauth's own count of failures (in each process's memory) is replaced by it.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Proxies in front of the site that append to X-Forwarded-For (the HTTPS proxy: 1). 0: the
# client is the connection's peer and X-Forwarded-For is ignored (anyone can write it).
REVMOD_TRUSTED_PROXIES = int(env("REVMOD_TRUSTED_PROXIES", "0"))
REVMOD_LOGIN_WINDOW_SECONDS = int(env("REVMOD_LOGIN_WINDOW_SECONDS", "300"))
REVMOD_LOGIN_FAILURES_PER_ADDRESS = int(env("REVMOD_LOGIN_FAILURES_PER_ADDRESS", "10"))
REVMOD_LOGIN_FAILURES_PER_ACCOUNT = int(env("REVMOD_LOGIN_FAILURES_PER_ACCOUNT", "20"))
if (
    REVMOD_TRUSTED_PROXIES < 0
    or min(
        REVMOD_LOGIN_WINDOW_SECONDS,
        REVMOD_LOGIN_FAILURES_PER_ADDRESS,
        REVMOD_LOGIN_FAILURES_PER_ACCOUNT,
    )
    < 1
):
    raise ImproperlyConfigured(
        "REVMOD_TRUSTED_PROXIES must be 0 or more, and REVMOD_LOGIN_WINDOW_SECONDS, "
        "REVMOD_LOGIN_FAILURES_PER_ADDRESS and REVMOD_LOGIN_FAILURES_PER_ACCOUNT 1 or more."
    )
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "revmod"
# Secretariat accounts must have TOTP; set to 0 only on a demo machine (make run does).
REVMOD_REQUIRE_SECRETARIAT_2FA = env_bool("REVMOD_REQUIRE_SECRETARIAT_2FA", True)
# Days an activation link sent to a newly registered person stays valid (UNODC onboarding: 10).
REVMOD_ACTIVATION_DAYS = int(env("REVMOD_ACTIVATION_DAYS", "10"))
# Days an API token stays valid after it is made (a new one is made on the tokens page).
REVMOD_API_TOKEN_DAYS = int(env("REVMOD_API_TOKEN_DAYS", "90"))
# The licence of the open datasets (/data/, docs/opendata.md): its name and where to read it.
REVMOD_OPEN_DATA_LICENCE = env("REVMOD_OPEN_DATA_LICENCE", "CC BY 4.0")
REVMOD_OPEN_DATA_LICENCE_URL = env(
    "REVMOD_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

# --- E-mail: console by default; SMTP in production through EMAIL_URL-like variables.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "revmod <no-reply@localhost>")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
# The address of the site in e-mails (links to reviews).
REVMOD_SITE_URL = env("REVMOD_SITE_URL", "http://127.0.0.1:8000")
# The outbox worker (manage.py runworker): messages sent over one connection (each claimed
# just before it is sent), how long a claim lasts (a dead worker's claims are taken again after
# it; well above EMAIL_TIMEOUT), retries of transient errors.
REVMOD_MAIL_BATCH = int(env("REVMOD_MAIL_BATCH", "20"))
REVMOD_MAIL_LEASE_SECONDS = int(env("REVMOD_MAIL_LEASE_SECONDS", "900"))
REVMOD_MAIL_RETRY_SECONDS = int(env("REVMOD_MAIL_RETRY_SECONDS", "60"))
REVMOD_MAIL_RETRY_MAX_SECONDS = int(env("REVMOD_MAIL_RETRY_MAX_SECONDS", "21600"))
REVMOD_MAIL_MAX_ATTEMPTS = int(env("REVMOD_MAIL_MAX_ATTEMPTS", "10"))
# Machine translation on request (revmod/translations): the backend ("dummy", "libretranslate"
# or a dotted path to a Backend class; default: LibreTranslate when REVMOD_MT_URL is set, else
# the dummy), the LibreTranslate server's address and API key, segments sent per HTTP request,
# the request timeout, the time limit of one request's work (the worker moves on after it,
# keeping what was translated; at most half the lease), and the worker's lease and retries
# (doubling from RETRY_SECONDS).
REVMOD_MT_URL = env("REVMOD_MT_URL", "")
REVMOD_MT_API_KEY = env("REVMOD_MT_API_KEY", "")
REVMOD_MT_BACKEND = env("REVMOD_MT_BACKEND", "") or ("libretranslate" if REVMOD_MT_URL else "dummy")
REVMOD_MT_BATCH = int(env("REVMOD_MT_BATCH", "50"))
REVMOD_MT_TIMEOUT = int(env("REVMOD_MT_TIMEOUT", "60"))
REVMOD_MT_JOB_SECONDS = float(env("REVMOD_MT_JOB_SECONDS", "300"))
REVMOD_MT_LEASE_SECONDS = int(env("REVMOD_MT_LEASE_SECONDS", "900"))
REVMOD_MT_RETRY_SECONDS = int(env("REVMOD_MT_RETRY_SECONDS", "60"))
REVMOD_MT_RETRY_MAX_SECONDS = int(env("REVMOD_MT_RETRY_MAX_SECONDS", "3600"))
REVMOD_MT_MAX_ATTEMPTS = int(env("REVMOD_MT_MAX_ATTEMPTS", "5"))
# The categories of a technical-assistance needs survey (revmod/assistance; seed ¶46), as
# comma-separated codes; each survey keeps the list it was opened with. The seven of ¶46 have
# labels in the six languages (revmod/assistance/categories.py); another code shows as typed.
REVMOD_ASSISTANCE_CATEGORIES = env_list(
    "REVMOD_ASSISTANCE_CATEGORIES",
    "general_training,revmod_training,status_briefings,questionnaire_training,"
    "counterpart_coordination,questionnaire_help,other",
)
# Documents the worker makes (the PDFs, revmod/lib/generated.py): the folder of their files
# (shared by the web processes and the workers, like MEDIA_ROOT; not backed up: deleting it is
# safe, they are made again when asked for), and the worker's lease and retries.
REVMOD_GENERATED_DIR = Path(env("REVMOD_GENERATED_DIR", str(BASE_DIR / "var" / "generated")))
REVMOD_GENERATE_LEASE_SECONDS = int(env("REVMOD_GENERATE_LEASE_SECONDS", "600"))
REVMOD_GENERATE_RETRY_SECONDS = int(env("REVMOD_GENERATE_RETRY_SECONDS", "60"))
REVMOD_GENERATE_RETRY_MAX_SECONDS = int(env("REVMOD_GENERATE_RETRY_MAX_SECONDS", "3600"))
REVMOD_GENERATE_MAX_ATTEMPTS = int(env("REVMOD_GENERATE_MAX_ATTEMPTS", "3"))
# The share (%) of a group's reviews of a cluster that must be complete before the group starts
# the next cluster (seed ¶25: 70); the secretariat may start earlier with a recorded reason.
REVMOD_NEXT_CLUSTER_SHARE = int(env("REVMOD_NEXT_CLUSTER_SHARE", "70"))
# Deadline reminders (manage.py sendreminders): at most this many weekly ones once overdue.
REVMOD_REMINDER_OVERDUE_MAX = int(env("REVMOD_REMINDER_OVERDUE_MAX", "4"))

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Personal tokens, stored hashed, expiring (revmod.accounts.authentication).
        "revmod.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "revmod.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # A JSON body that is not an object is a 400 that says so (not a view's 500).
    "DEFAULT_PARSER_CLASSES": [
        "revmod.api.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "revmod API",
    "DESCRIPTION": "The registry, draws and reviews of a treaty peer-review mechanism.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: users on closed networks reach no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "revmod.registry.models.Party.Kind",
        "DrawKindEnum": "revmod.lots.models.Draw.Kind",
        "DrawStatusEnum": "revmod.lots.models.Draw.Status",
        "PairingStatusEnum": ["active", "superseded"],
        "DocumentKindEnum": "revmod.documents.models.KIND_CHOICES",
        "DeadlineChangeKindEnum": "revmod.reviews.models.DeadlineChange.Kind",
        "NominationKindEnum": "revmod.accounts.models.Nomination.Kind",
        "FollowUpKindEnum": "revmod.followups.models.FollowUp.Kind",
        "BriefingKindEnum": "revmod.followups.models.Briefing.Kind",
    },
}

# --- Security (production defaults; `manage.py check --deploy` passes with DEBUG off and HTTPS).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# HSTS for subdomains and the browsers' preload list bind every host of the operator's domain:
# their decision (SECURE_HSTS_INCLUDE_SUBDOMAINS), not a default of ours.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp; docs/security.md, "Headers and
# throttling"): scripts only from our own static files, never inline; <style> elements only from
# files too, but style="" attributes allowed (the statistics' bars are sized by them; an
# attribute can neither select other elements nor load from another origin). data: images are
# the second factor's QR code and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The pages' Arabic and Chinese fonts, from our own static files (base.html).
        "font-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each of its 7 steps per PDF at INFO, and fontTools every table of
    # every font it subsets (some 60 lines a PDF in the worker's log).
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
