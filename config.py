"""Configuration classes. Values here are defaults; ``app.config.from_prefixed_env()``
lets ``FLASK_*`` environment variables override them (e.g. ``FLASK_SQLALCHEMY_DATABASE_URI``).

Which class: ``create_app(config)``, else the environment variable ``REGISTRY_CONFIG`` (or ``FLASK_ENV``)
naming one of ``CONFIGS`` ("development", "production", "testing"), else "development"."""
from __future__ import annotations

import json


def _json_dumps(value) -> str:
    """JSON columns (filing snapshots, audit details) keep Chinese as UTF-8 rather than \\uXXXX escapes:
    40% smaller rows, and a filed-roster export decodes them ~1.5x faster."""
    return json.dumps(value, ensure_ascii=False)


class Config:
    # Signs the session cookies. Never committed: set FLASK_SECRET_KEY, or (development) the key kept in
    # SECRET_KEY_FILE is used, generated on the first start (registry/secret_key.py).
    SECRET_KEY: str | None = None
    SECRET_KEY_FILE: str | None = None  # relative: inside the instance folder
    SECRET_KEY_GENERATE = True  # create SECRET_KEY_FILE when it does not exist
    # A relative sqlite path is resolved against the instance folder by Flask-SQLAlchemy.
    SQLALCHEMY_DATABASE_URI = "sqlite:///registry.db"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"json_serializer": _json_dumps}
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # upload limit, bytes
    ROSTER_MAX_ROWS = 200_000
    # Uploaded rosters kept between preview and apply (services/uploads.py); None: <instance>/uploads.
    UPLOAD_FOLDER: str | None = None
    # Zip/cell-bomb guard (registry/excel/guard.py): no value beyond ROSTER_MAX_ROWS rows or this many
    # columns (≤ 12.8M cells), and at most this many bytes inflated from the workbook.
    ROSTER_MAX_COLUMNS = 64
    ROSTER_MAX_UNCOMPRESSED = 400 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    # D-02: homestead area cap in m² (Shandong plains value for 临淄区; DOMAIN Q-03, to confirm).
    HOMESTEAD_AREA_CAP_M2 = 132
    ROSTER_PAGE_SIZE = 50
    DISTRICT_CODE = "370305000000"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A signed-in session unused for this many seconds ends (registry/security.py); 0 switches it off.
    # Logout and a password change end every session of the user at once (User.session_version).
    SESSION_IDLE_TIMEOUT = 8 * 60 * 60
    # Security (registry/security.py). Login throttle (services/logins.py): failed logins are counted in
    # the database, so every worker shares the count; refused (429) beyond these many failures per
    # username (from any address) and per client address (for any username). RATELIMIT_ENABLED=False
    # switches it off; RATELIMIT_STORAGE_URI serves routes limited with Flask-Limiter (none at present).
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "30 per minute"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Background jobs (registry/jobs.py): a town/district roster file over this size (≈ 2,000 rows) is
    # checked and imported by a job with a progress page. Queue: None = SQLite file in <instance>/jobs,
    # or redis://…; JOB_WORKER_THREAD: the web process runs one worker thread (turn off when
    # `flask --app registry jobs-worker` runs as a process of its own).
    JOB_THRESHOLD_BYTES = 150_000
    JOB_QUEUE_URL: str | None = None
    JOB_FOLDER: str | None = None
    JOB_WORKER_THREAD = True
    JOB_STALE_SECONDS = 60  # a running job silent this long has lost its worker: reported as failed
    JOB_MAX_AGE_SECONDS = 24 * 3600  # job files and finished export files (ID numbers) are removed after a day


class DevelopmentConfig(Config):
    DEBUG = False
    SECRET_KEY_FILE = "secret_key"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False  # tests/views/test_security.py switches it on
    SESSION_IDLE_TIMEOUT = 0  # tests move the registry clock by weeks; tests/views/test_sessions.py sets it
    JOB_QUEUE_URL = "memory://"  # tests run queued jobs with jobs.run_pending()


class ProductionConfig(Config):
    SECRET_KEY = None  # must come from FLASK_SECRET_KEY: production generates none (refuses to start)
    SECRET_KEY_FILE = None
    SECRET_KEY_GENERATE = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    SECRET_KEY_MIN_LENGTH = 16  # registry/security.py refuses the development key and short keys
    HSTS = "max-age=31536000"  # sent over HTTPS only


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
