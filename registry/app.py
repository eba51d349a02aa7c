"""临淄区农村集体经济组织成员与权益登记系统 — application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from registry.cli import register_cli
from registry.db_setup import configure_engine
from registry.extensions import babel, csrf, db, login_manager, migrate
from registry.i18n import compile_catalogs, get_locale
from registry.jobs import jobs
from registry.jobs_roster import AREA_IMPORT, run_area_import
from registry.models import User
from registry.security import init_security
from registry.views.blueprints import register_blueprints
from registry.views.errors import register_error_handlers

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type | None = None, **overrides) -> Flask:
    """Build the app: config → extensions → blueprints → CLI → error handlers.

    ``config`` is a name from ``config.CONFIGS`` ("development", "testing", "production") or a
    class; environment variables ``FLASK_*`` override it, then ``overrides``.
    Raises ``RuntimeError`` when the production config has no SECRET_KEY.
    """
    import config as config_module

    app = Flask(
        "registry",  # the package: root path, logger name
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if config is None or isinstance(config, str):
        config = config_module.CONFIGS[config or "development"]
    app.config.from_object(config)
    app.config.from_prefixed_env()
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is required: set FLASK_SECRET_KEY")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)

    register_blueprints(app)

    register_cli(app)

    register_error_handlers(app)
    return app


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
        return db.session.get(User, int(user_id))

    init_security(app)
    jobs.register(AREA_IMPORT, run_area_import)
    jobs.init_app(app)

    with app.app_context():
        configure_engine(db.engine)
