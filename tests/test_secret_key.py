"""The session-signing key (issue 10 item 3): never the value once committed in config.py; without a
configured key development generates one into the instance folder on the first start (0600) and keeps
it; production refuses to start without one — whichever way the app is started (``create_app()`` as
gunicorn ``registry:create_app()`` calls it, ``flask --app registry``)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

import config
from registry import create_app
from registry.app import ROOT
from registry.secret_key import COMMITTED_KEYS

GOOD_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_configured_key(monkeypatch):
    for var in ("FLASK_SECRET_KEY", "REGISTRY_CONFIG", "FLASK_ENV", "FLASK_SECRET_KEY_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", "sqlite://")  # never the checkout's instance/registry.db


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_no_configuration_outside_tests_carries_a_key():
    assert config.Config.SECRET_KEY is None and config.DevelopmentConfig.SECRET_KEY is None
    assert config.ProductionConfig.SECRET_KEY is None and not config.ProductionConfig.SECRET_KEY_GENERATE
    assert "dev-only-not-secret" not in (ROOT / "config.py").read_text(encoding="utf-8")


def test_development_generates_a_key_into_the_instance_folder_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    first = create_app("development", SECRET_KEY_FILE=str(key_file))
    assert key_file.exists() and _mode(key_file) == 0o600
    assert len(first.secret_key) == 64 and first.secret_key not in COMMITTED_KEYS
    assert create_app("development", SECRET_KEY_FILE=str(key_file)).secret_key == first.secret_key
    other = tmp_path / "elsewhere" / "secret_key"
    assert create_app("development", SECRET_KEY_FILE=str(other)).secret_key != first.secret_key


def test_a_key_file_readable_by_others_is_made_private(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(GOOD_KEY + "\n")
    key_file.chmod(0o644)
    assert create_app("development", SECRET_KEY_FILE=str(key_file)).secret_key == GOOD_KEY
    assert _mode(key_file) == 0o600


@pytest.mark.parametrize("content", ["", "short", "dev-only-not-secret"])
def test_a_damaged_key_file_stops_the_start(tmp_path, content):
    key_file = tmp_path / "secret_key"
    key_file.write_text(content)
    with pytest.raises(RuntimeError, match="secret key"):
        create_app("development", SECRET_KEY_FILE=str(key_file))


def test_a_configured_key_wins_and_no_file_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    key_file = tmp_path / "secret_key"
    assert create_app("development", SECRET_KEY_FILE=str(key_file)).secret_key == GOOD_KEY
    assert not key_file.exists()


@pytest.mark.parametrize("config_name", ["development", "production"])
def test_the_once_committed_key_is_refused_everywhere(monkeypatch, config_name):
    monkeypatch.setenv("FLASK_SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config_name)


@pytest.mark.parametrize("var", ["REGISTRY_CONFIG", "FLASK_ENV"])
def test_production_chosen_by_environment_refuses_to_start_without_a_key(monkeypatch, tmp_path, var):
    """``create_app()`` — what gunicorn ``registry:create_app()`` and ``flask --app registry`` call."""
    monkeypatch.setenv(var, "production")
    monkeypatch.setenv("FLASK_SECRET_KEY_FILE", str(tmp_path / "secret_key"))  # read if present, never generated
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    assert not (tmp_path / "secret_key").exists()
    (tmp_path / "secret_key").write_text(GOOD_KEY)  # a key file the operator provides
    assert create_app().secret_key == GOOD_KEY
    monkeypatch.setenv("FLASK_SECRET_KEY", GOOD_KEY[::-1])
    app = create_app()
    assert app.secret_key == GOOD_KEY[::-1] and app.config["SESSION_COOKIE_SECURE"]


def test_an_unknown_configuration_name_is_an_error(monkeypatch):
    monkeypatch.setenv("REGISTRY_CONFIG", "prod")
    with pytest.raises(RuntimeError, match="REGISTRY_CONFIG"):
        create_app()


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_flask_cli_and_gunicorn_factory_share_the_generated_key(tmp_path):
    """``flask --app registry`` (``make run``) and ``registry:create_app()`` (gunicorn) in fresh processes:
    the first generates the key, the second reads the same one."""
    key_file = tmp_path / "secret_key"
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_SECRET_KEY", "REGISTRY_CONFIG", "FLASK_ENV")}
    env["FLASK_SECRET_KEY_FILE"] = str(key_file)
    env["FLASK_SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    flask_bin = Path(sys.executable).with_name("flask")
    result = _run([str(flask_bin), "--app", "registry", "routes"], env)
    assert result.returncode == 0, result.stderr
    assert key_file.exists() and _mode(key_file) == 0o600
    code = "from registry import create_app; print(create_app().secret_key)"
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key_file.read_text().strip()


def test_the_instance_key_signs_cookies_the_committed_key_cannot_forge(tmp_path):
    """A session cookie signed with the once-committed key does not log anyone in."""
    app = create_app("development", SECRET_KEY_FILE=str(tmp_path / "secret_key"))
    forger = Flask("forger")
    forger.secret_key = "dev-only-not-secret"
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"_user_id": "1", "_fresh": True})
    with app.test_request_context(headers={"Cookie": f"session={forged}"}):
        session = app.session_interface.open_session(app, request)
        assert "_user_id" not in session
