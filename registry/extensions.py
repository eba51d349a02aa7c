"""Flask extensions, created unbound and initialised in :func:`registry.create_app`."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from registry.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
# No default limits: only the routes that opt in (login) are limited. Storage from RATELIMIT_STORAGE_URI.
limiter = Limiter(get_remote_address, default_limits=[])
