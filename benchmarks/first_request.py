"""A fresh worker's first request against its second and tenth (issue 16; docs/PERFORMANCE.md,
"A worker's first request").

    python manage.py bench_first_request [--rounds 3] [--requests 10]

Seeds a clinic in its own throw-away PostgreSQL database (a therapist, a client with three
screenings, a draft intake on a kiosk session), collects the static files once, then for each
round and page starts gunicorn in the production shape (DJANGO_ENV=production, one sync worker,
on 127.0.0.1) and, once the worker says it is ready, sends it `requests` GETs of the same page
one after the other, each on a new connection as a browser behind the TLS proxy would. Printed:
the median over the rounds of request 1, 2 and the last, in ms as the client measured them, and
the worker's own memory after its requests.

Three server shapes alternate round by round, so all meet the same machine load:
- `cold`: what scripts/docker-start ran before issue 16, `gunicorn config.wsgi:application` with
  no configuration (config/wsgi.py is the plain `get_wsgi_application()`): each worker imports
  the project after the fork and its first requests load the rest;
- `preload`: the same with `--preload` alone: the master imports Django and the apps, but the
  URLconf, views, templates and the rest still load on a worker's first requests;
- `warm`: `gunicorn -c gunicorn.conf.py config.wsgi:application`, as scripts/docker-start
  and scripts/loadtest run it now (the application loaded and warmed once before the fork).

Each shape's worker reports "ready" through gunicorn's post_worker_init hook (the cold and preload
shapes get a configuration file with only that hook, which also keeps gunicorn from reading
./gunicorn.conf.py, its default), so no request is sent to a worker still booting.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess  # starts our own gunicorn and collectstatic  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client as Browser
from django.test.utils import override_settings, setup_databases, teardown_databases

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
READY = "worker ready"
# The cold and preload shapes: no configuration but the hook that says when the worker can take
# a request.
COLD_CONF = f"""
def post_worker_init(worker):
    worker.log.warning("{READY} (pid %s)", worker.pid)
"""
SHAPES = {
    "cold": ["config.wsgi:application"],
    "preload": ["--preload", "config.wsgi:application"],
    "warm": ["-c", str(ROOT / "gunicorn.conf.py"), "config.wsgi:application"],
}
SECTION = "conditions_history"  # the largest section: about 400 tick boxes (Jinja2)


def _seed(secret_key: str) -> dict[str, tuple[str, str]]:
    """The pages to time, each as (path, session cookie), signed with the server's key."""
    from accounts.sessions import SessionStore
    from benchmarks.pages import _fixture
    from intake import kiosk
    from intake.models import Intake
    from intake.services import new_kiosk_token
    from rules.catalogues import current_catalogue

    screening, therapist = _fixture()  # load_rules, a clinic, three screenings with records
    client = screening.client
    catalogue = current_catalogue(client.clinic_id)
    assert SECTION in catalogue.sections
    draft = Intake.objects.create(
        clinic=client.clinic,
        client=client,
        language="en",
        catalogue_version=catalogue.version,
        answers={"age": 40, "has_pain": True, "pain_regions": ["neck"]},
        kiosk_token=new_kiosk_token(),
    )
    with override_settings(SECRET_KEY=secret_key):
        staff = Browser()
        staff.force_login(therapist)
        staff_cookie = staff.cookies[settings.SESSION_COOKIE_NAME].value
        # Left as the tenth request finds it: not due for the idle clock's write (a first
        # request would otherwise also pay that UPDATE), and alive for the whole bench.
        session = SessionStore(staff_cookie)
        session["_touched"] = int(time.time()) + 4 * 3600
        session.set_expiry(4 * 3600)
        session.save()
        tablet = SessionStore()
        tablet[kiosk.SESSION_KEY] = {
            "token": draft.kiosk_token,
            "clinic": draft.clinic_id,
            "client": str(client.public_id),
            "lang": "en",
            "seen": time.time() + 4 * 3600,  # as above: no write of the idle clock, no expiry
            "done": False,
        }
        tablet.set_expiry(4 * 3600)
        tablet.create()
    return {
        "client's page (therapist)": (f"/clients/{client.public_id}/", staff_cookie),
        "screening page": (f"/review/screenings/{screening.public_id}/", staff_cookie),
        f"kiosk section {SECTION}": (f"/kiosk/section/{SECTION}/", str(tablet.session_key)),
    }


def _server_env(run_dir: Path) -> dict[str, str]:
    """The production settings on the loopback, as scripts/loadtest sets them."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "CACHE_"))
    }
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY_FILE=str(run_dir / "secret_key"),
        AUDIT_HMAC_KEY_FILE=str(run_dir / "audit_key"),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=(
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        SECURE_SSL_REDIRECT="false",
        TWO_FACTOR_ROLES="none",
        STATIC_ROOT=str(run_dir / "static"),
        LOG_LEVEL="WARNING",
    )
    if db["PASSWORD"]:
        env["DATABASE_PASSWORD"] = db["PASSWORD"]
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Host": "127.0.0.1",
        "X-Forwarded-Proto": "https",  # the pretend TLS proxy (the app trusts it)
        "Accept-Encoding": "gzip",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
    }
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: status {response.status}")
    return elapsed


class Server:
    """One gunicorn with one worker, started in a shape and stopped after its round."""

    def __init__(self, shape: str, env: dict[str, str], run_dir: Path):
        self.port = _free_port()
        self.log = run_dir / f"gunicorn-{shape}.log"
        self.log.write_text("")
        conf = [] if shape == "warm" else ["-c", str(run_dir / "cold.conf.py")]
        # No control socket: its default path is one per machine, and other gunicorns may run.
        argv = [str(GUNICORN), *conf, *SHAPES[shape], "--workers", "1", "--no-control-socket",
                "--bind", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log)]  # fmt: skip
        started = time.perf_counter()
        self.process = subprocess.Popen(argv, cwd=ROOT, env=env)  # noqa: S603  # nosec B603
        while READY not in self.log.read_text():
            if self.process.poll() is not None or time.perf_counter() - started > 120:
                raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")
            time.sleep(0.02)
        self.boot_ms = (time.perf_counter() - started) * 1000

    def worker_memory_mib(self) -> tuple[float, float]:
        """The worker's own memory (private pages) and its share of pages shared with the
        master (PSS), from /proc."""
        found = re.search(rf"{READY} \(pid (\d+)\)", self.log.read_text())
        assert found is not None  # the loop in __init__ waited for this line
        pid = int(found.group(1))
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, value = line.split(":")
            fields[key] = int(value.split()[0])
        private = fields["Private_Clean"] + fields["Private_Dirty"]
        return private / 1024, fields["Pss"] / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def run(*, rounds: int, requests: int, write=print) -> dict:
    run_dir = Path(tempfile.mkdtemp(prefix="bench-first-request-"))
    try:
        return _run(run_dir, rounds=rounds, requests=requests, write=write)
    finally:
        shutil.rmtree(run_dir)


def _run(run_dir: Path, *, rounds: int, requests: int, write) -> dict:
    secret_key = secrets.token_urlsafe(50)
    (run_dir / "secret_key").write_text(secret_key)
    (run_dir / "audit_key").write_text(secrets.token_urlsafe(50))
    (run_dir / "cold.conf.py").write_text(COLD_CONF)
    pages = _seed(secret_key)
    with override_settings(CACHES={"default": settings_cache_table()}):
        call_command("createcachetable", verbosity=0)  # production's cache lives in the database
    env = _server_env(run_dir)
    subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip

    # times[page][shape] = one [first, second, ..., last] per round; boots[shape] = ms
    times: dict[str, dict[str, list[list[float]]]] = {p: {s: [] for s in SHAPES} for p in pages}
    boots: dict[str, list[float]] = {s: [] for s in SHAPES}
    memory: dict[str, list[tuple[float, float]]] = {s: [] for s in SHAPES}
    load_before = os.getloadavg()
    for _ in range(rounds):
        for shape in SHAPES:
            for page, (path, cookie) in pages.items():
                server = Server(shape, env, run_dir)
                try:
                    times[page][shape].append([_get(server.port, path, cookie)
                                               for _ in range(requests)])  # fmt: skip
                    memory[shape].append(server.worker_memory_mib())
                finally:
                    server.stop()
                boots[shape].append(server.boot_ms)
    load_after = os.getloadavg()

    write(f"{rounds} rounds x {len(SHAPES)} shapes x {len(pages)} pages, a fresh worker for each; "
          f"median of the rounds, ms; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after")  # fmt: skip
    write(f"{'page':<36} {'shape':<7} {'first':>8} {'second':>8} {f'#{requests}':>8} "
          f"{'first/#' + str(requests):>9}")  # fmt: skip
    for page, by_shape in times.items():
        for shape, runs in by_shape.items():
            first, second, last = (statistics.median(r[i] for r in runs) for i in (0, 1, -1))
            write(f"{page:<36} {shape:<7} {first:>8.1f} {second:>8.1f} {last:>8.1f} "
                  f"{first / last:>9.2f}")  # fmt: skip
    for shape, boot in boots.items():
        private = statistics.median(m[0] for m in memory[shape])
        pss = statistics.median(m[1] for m in memory[shape])
        write(f"{shape}: start to worker ready {statistics.median(boot):.0f} ms; the worker after "
              f"its requests: {private:.1f} MiB its own, {pss:.1f} MiB PSS")  # fmt: skip
    return {"times": times, "boots": boots, "memory": memory}


def settings_cache_table() -> dict:
    from config.settings import CACHE_BACKENDS

    return CACHE_BACKENDS["database"]


def run_in_throwaway_db(*, rounds: int, requests: int, write=print) -> dict:
    # Its own database name, so a test run of the same checkout (test_<name>) is not disturbed.
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = f"bench_first_request_{connection.settings_dict['NAME']}"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        return run(rounds=rounds, requests=requests, write=write)
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)
