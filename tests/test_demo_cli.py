"""CLI: ``flask init-db --demo`` prints the demo users; ``create-user`` reads the password from stdin
and the new user can log in; a bad area or role gives a clear Chinese error and a non-zero exit."""
from __future__ import annotations

from sqlalchemy import select

from registry.models import User
from registry.permissions import ROLE_LABELS
from registry.services.demo import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import login


def test_init_db_demo_prints_users_with_passwords(runner, db):
    result = runner.invoke(args=["init-db", "--demo"])
    assert result.exit_code == 0, result.output
    assert "演示用户" in result.output and "数据库已就绪" in result.output
    for username, role, _code, _name in DEMO_USERS:
        line = next(li for li in result.output.splitlines() if li.split()[:1] == [username])
        assert DEMO_PASSWORD in line and ROLE_LABELS[role] in line
        assert role not in line.split()[2:]  # the role in Chinese, not the code
    assert db.session.scalar(select(User).where(User.username == "town2")).area.name == "皇城镇"


def test_init_db_demo_twice_is_harmless(runner, db):
    assert runner.invoke(args=["init-db", "--demo"]).exit_code == 0
    result = runner.invoke(args=["init-db", "--demo"])
    assert result.exit_code == 0, result.output
    assert len(db.session.scalars(select(User)).all()) == len(DEMO_USERS)


def test_create_user_reads_password_from_stdin_and_can_log_in(runner, client, demo):
    result = runner.invoke(args=["create-user", "beihuai", "--role", "clerk", "--area", "370305100202"],
                           input="a-long-secret-9\n")
    assert result.exit_code == 0, result.output
    assert "已创建用户 beihuai（村文书，北槐村）" in result.output
    assert "a-long-secret-9" not in result.output  # never echoed
    assert login(client, "beihuai", "wrong-password").status_code == 200
    resp = login(client, "beihuai", "a-long-secret-9")
    assert resp.status_code == 302
    assert client.get("/").location == "/villages/370305100202/roster"


def test_create_user_town_with_nine_digit_code(runner, client, demo):
    result = runner.invoke(args=["create-user", "jinling", "--role", "town", "--area", "370305107"],
                           input="another-secret-1\n")
    assert result.exit_code == 0, result.output
    login(client, "jinling", "another-secret-1")
    assert client.get("/towns/370305107000").status_code == 200
    assert client.get("/towns/370305100000").status_code == 404


def test_create_user_unknown_area_is_a_clear_error(runner, demo, db):
    result = runner.invoke(args=["create-user", "ghost", "--role", "clerk", "--area", "370305999299"],
                           input="a-long-secret-9\n")
    assert result.exit_code != 0
    assert "区划不存在：370305999299" in result.output
    assert db.session.scalar(select(User).where(User.username == "ghost")) is None


def test_create_user_role_and_area_level_must_match(runner, demo, db):
    result = runner.invoke(args=["create-user", "ghost", "--role", "clerk", "--area", "370305100"],
                           input="a-long-secret-9\n")
    assert result.exit_code != 0
    assert "只能属于村级区划" in result.output
    assert db.session.scalar(select(User).where(User.username == "ghost")) is None


def test_create_user_short_password_is_refused(runner, demo, db):
    result = runner.invoke(args=["create-user", "ghost", "--role", "district", "--area", "370305"],
                           input="short\n")
    assert result.exit_code != 0 and "密码至少8位" in result.output


def test_create_user_refuses_a_name_differing_only_in_letter_case(runner, demo, db):
    """QA finding: ``Clerk1`` next to ``clerk1`` (two accounts that look alike). The CLI goes through the
    same check as the web form: a case-insensitive duplicate is refused and nothing is created."""
    args = ["--role", "clerk", "--area", "370305100202"]
    assert runner.invoke(args=["create-user", "clerk1", *args], input="a-long-secret-9\n").exit_code == 0
    result = runner.invoke(args=["create-user", "Clerk1", *args], input="a-long-secret-9\n")
    assert result.exit_code != 0 and "用户名已存在：clerk1" in result.output
    assert db.session.scalar(select(User).where(User.username == "Clerk1")) is None
