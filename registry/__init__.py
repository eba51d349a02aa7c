"""临淄区农村集体经济组织成员与权益登记系统. The application factory lives in :mod:`registry.app`;
``create_app`` is here so that ``flask --app registry`` finds it."""
from __future__ import annotations


def create_app(config: str | type | None = None, **overrides):
    """Build the app (see :func:`registry.app.create_app`)."""
    from registry.app import create_app as build  # why: `import registry.x` must not load the whole app

    return build(config, **overrides)
