"""Two (or more) app servers behind Debian's nginx on the loopback, as a hosted installation
runs N app servers behind a load balancer (docs/DEPLOY.md). Used by `scripts/loadtest
--two-servers` and tests/ops/test_two_servers.py.

    python -m loadtest.servers nginx-conf RUN_DIR PORT UPSTREAM_PORT...

nginx runs as the current user with every path (pid, logs, temp files) in RUN_DIR, so no root
and no system service is needed. Requests are spread round-robin over the upstreams: two
requests in a row go to different servers, so nothing can rely on state in one process.
"""

import os
import shutil
import subprocess  # starts nginx and gunicorn, fixed argv  # nosec B404
import sys
import time
import urllib.request
from pathlib import Path

NGINX_CONF = """\
{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream app {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # The TLS proxy in front sets this; on the loopback the load client plays it.
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
            # A failed POST is not re-sent to the other server (it may have been applied).
            proxy_next_upstream off;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def write_nginx_conf(run_dir: Path, port: int, upstreams: list[int]) -> Path:
    # As root, nginx would hand its workers to "nobody", who cannot write in a private temp dir.
    user = f"user {os.environ.get('USER', 'root')};\n" if os.geteuid() == 0 else ""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    conf = run_dir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, run=run_dir, servers=servers, port=port))
    return conf


def nginx_command(run_dir: Path) -> list[str]:
    binary = nginx_binary() or "nginx"
    return [binary, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"),
            "-e", str(run_dir / "nginx-error.log"), "-g", "daemon off;"]  # fmt: skip


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=2):  # noqa: S310  # nosec B310
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


class Servers:
    """`count` gunicorns and nginx in front, stopped on exit (each by its own process id)."""

    def __init__(self, *, run_dir: Path, port: int, app_ports: list[int], env: dict, workers=2):
        self.run_dir, self.port, self.env = run_dir, port, env
        self.app_ports = app_ports
        self.workers = workers
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> "Servers":
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        root = Path(__file__).resolve().parents[1]
        try:
            for app_port in self.app_ports:
                log = open(self.run_dir / f"gunicorn-{app_port}.log", "w")
                # The production configuration (gunicorn.conf.py); no control socket, whose
                # default path is one per machine and would be shared by the two servers.
                argv = [gunicorn, "-c", str(root / "gunicorn.conf.py"), "config.wsgi:application",
                        "--workers", str(self.workers), "--no-control-socket",
                        "--bind", f"127.0.0.1:{app_port}"]  # fmt: skip
                proc = subprocess.Popen(  # noqa: S603  # nosec B603
                    argv, cwd=root, env=self.env, stdout=log, stderr=subprocess.STDOUT
                )
                log.close()
                self.procs.append(proc)
            write_nginx_conf(self.run_dir, self.port, self.app_ports)
            self.procs.append(
                subprocess.Popen(nginx_command(self.run_dir), cwd=self.run_dir)  # noqa: S603  # nosec B603
            )
            for proc, app_port in zip(self.procs, [*self.app_ports, self.port], strict=True):
                wait_for(f"http://127.0.0.1:{app_port}/health/", proc)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main(argv: list[str]) -> None:
    if len(argv) < 4 or argv[0] != "nginx-conf":
        raise SystemExit(__doc__)
    run_dir = Path(argv[1])
    print(write_nginx_conf(run_dir, int(argv[2]), [int(p) for p in argv[3:]]))


if __name__ == "__main__":
    main(sys.argv[1:])
