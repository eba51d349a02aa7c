"""临淄区农村集体经济组织成员与权益登记系统 — application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from registry.cli import register_cli
from registry.db_setup import configure_engine
from registry.extensions import babel, csrf, db, login_manager, migrate
from registry.i18n import compile_catalogs, get_locale
from registry.jobs import jobs
from registry.jobs_exports import EXPORT_KINDS, run_export
from registry.jobs_roster import AREA_IMPORT, run_area_import
from registry.models import User
from registry.secret_key import key_file_path, load_or_create_key
from registry.security import init_security
from registry.views.blueprints import register_blueprints
from registry.views.errors import register_error_handlers

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type | None = None, **overrides) -> Flask:
    """Build the app: config → extensions → blueprints → CLI → error handlers.

    ``config`` is a name from ``config.CONFIGS`` ("development", "testing", "production") or a
    class; None: the name in ``REGISTRY_CONFIG`` (or ``FLASK_ENV``), else "development". Environment
    variables ``FLASK_*`` override it, then ``overrides``. Without a configured SECRET_KEY the key kept in
    ``SECRET_KEY_FILE`` is used (generated on the first start); raises ``RuntimeError`` when there is
    neither (production) or the key is weak (``registry.security``).
    """
    import config as config_module

    app = Flask(
        "registry",  # the package: root path, logger name
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if config is None:
        config = _config_name(config_module.CONFIGS)
    if isinstance(config, str):
        config = config_module.CONFIGS[config]
    app.config.from_object(config)
    app.config.from_prefixed_env()
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY") and app.config.get("SECRET_KEY_FILE"):
        path = key_file_path(app.config["SECRET_KEY_FILE"], app.instance_path)
        app.config["SECRET_KEY"] = load_or_create_key(path, create=app.config.get("SECRET_KEY_GENERATE", False))
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is required: set FLASK_SECRET_KEY")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)

    register_blueprints(app)

    register_cli(app)

    register_error_handlers(app)
    return app


def _config_name(configs) -> str:
    """The configuration named by ``REGISTRY_CONFIG`` or, failing that, ``FLASK_ENV`` (an unknown name is
    an error, not a silent development server); "development" when neither is set."""
    for var in ("REGISTRY_CONFIG", "FLASK_ENV"):
        name = os.environ.get(var, "").strip().lower()
        if name:
            if name not in configs:
                raise RuntimeError(f"{var}={name!r}: expected one of {', '.join(sorted(configs))}")
            return name
    return "development"


def _init_extensions(app: Flask) -> None:
    compile_catalogs()

    db.init_app(app)
    # render_as_batch: later revisions that alter a table also work on SQLite (copy-and-move).
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=get_locale,
                   default_translation_directories=str(ROOT / "registry" / "translations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id: str):
        """``"<id>:<session version>"`` (``User.get_id``): a cookie from before a logout or a password
        change carries an older version and loads nobody (an old plain ``"<id>"`` neither)."""
        uid, _, version = str(user_id).partition(":")
        if not uid.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(uid))
        return user if user is not None and (user.session_version or 0) == int(version) else None

    init_security(app)
    jobs.register(AREA_IMPORT, run_area_import)
    for kind in EXPORT_KINDS:  # large exports (issue 13 item 4)
        jobs.register(kind, run_export)
    jobs.init_app(app)

    with app.app_context():
        configure_engine(db.engine)
