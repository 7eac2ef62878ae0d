"""Two app servers behind nginx sharing one PostgreSQL: a session begun on one continues on the
other, and one ended on the other is ended everywhere (docs/DEPLOY.md, "More than one app
server"). Needs Debian's nginx (scripts/setup dev installs it)."""

import re
import socket

import pytest
import requests
from django.db import connection

from loadtest.servers import Servers, nginx_binary
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.skipif(nginx_binary() is None, reason="needs nginx (scripts/setup dev)"),
    pytest.mark.django_db(transaction=True),
]


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _csrf(session, url):
    page = session.get(url, timeout=10)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def servers(tmp_path, monkeypatch):
    settings = connection.settings_dict
    env = {
        "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    nginx_port, *app_ports = _free_ports(3)
    with Servers(run_dir=tmp_path, port=nginx_port, app_ports=app_ports, env=env) as running:
        yield running


def test_a_session_begun_on_one_server_continues_on_the_other(servers, therapist):
    therapist.set_password(PASSWORD)
    therapist.save()
    a, b = (f"http://127.0.0.1:{port}" for port in servers.app_ports)
    front = f"http://127.0.0.1:{servers.port}"
    browser = requests.Session()

    token = _csrf(browser, f"{a}/accounts/login/")
    signed_in = browser.post(
        f"{a}/accounts/login/",
        data={"username": "theo", "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302

    on_b = browser.get(f"{b}/review/", allow_redirects=False, timeout=10)
    assert on_b.status_code == 200  # the session begun on A, read on B
    # Round-robin through nginx: consecutive requests land on A and B in turn.
    assert [
        browser.get(f"{front}/review/", allow_redirects=False, timeout=10).status_code
        for _ in range(4)
    ] == [200] * 4

    token = _csrf(browser, f"{b}/review/")
    browser.post(f"{b}/accounts/logout/", data={"csrfmiddlewaretoken": token}, timeout=10)
    after = browser.get(f"{a}/review/", allow_redirects=False, timeout=10)
    assert after.status_code == 302  # signed out on B is signed out on A
    assert "/accounts/login/" in after.headers["Location"]
