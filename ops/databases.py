"""Backing up and restoring the configured database.

PostgreSQL (production) goes through `pg_dump` / `pg_restore` in the custom format; the
connection comes from settings.DATABASES and reaches the tools as PG* environment variables,
so the password never appears on a command line, in `ps` or in our output.

SQLite (the local demo) is copied with the sqlite3 online-backup API, which gives a consistent
copy even while the app is writing (a plain file copy may catch a half-written page).
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - fixed argument lists, never a shell
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accounts.errors import DomainError

# Django's own and ours (config/postgresql: the same backend, a cheaper health check).
POSTGRESQL = ("django.db.backends.postgresql", "config.postgresql")
SQLITE = "django.db.backends.sqlite3"

# Every table the restore would replace lives outside these schemas.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


class BackupError(DomainError):
    def __init__(self, message: str, code: str):
        super().__init__(message, code)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def default_backup_path(var_dir: Path, engine: str, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".sqlite3" if engine == SQLITE else ".dump"
    return var_dir / "backups" / f"clinic-{stamp}{suffix}"


def pg_environ(db: Mapping[str, Any]) -> dict[str, str]:
    """The subprocess environment for pg_dump/pg_restore/psql: libpq reads these variables."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    wanted = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
        "PGAPPNAME": "clinic-backup",
    }
    environ.update({key: str(value) for key, value in wanted.items() if value})
    return environ


def _require_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools of the "
            "server's major version (Debian: postgresql-client).",
            code="tool_missing",
        )
    return tool


def _run(args: list[str], db: Mapping[str, Any], *, stdout=None) -> None:
    result = subprocess.run(  # noqa: S603 - argument list, no shell  # nosec B603
        args,
        env=pg_environ(db),
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        # libpq never echoes the password; stderr names the database and what went wrong.
        detail = result.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{Path(args[0]).name} failed: {detail}", code="tool_failed")


def _open_private(path: Path):
    """Create `path` readable by its owner only (it holds every client's health history)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupError(f"{path} already exists; choose another path", code="exists") from exc
    os.fchmod(fd, 0o600)  # the umask may have taken bits away, never added: make it exact
    return os.fdopen(fd, "wb")


def backup(*, db: Mapping[str, Any], path: Path) -> BackupResult:
    engine = db["ENGINE"]
    if engine in POSTGRESQL:
        pg_dump = _require_tool("pg_dump")
        with _open_private(path) as out:
            try:
                _run([pg_dump, "--format=custom", "--no-password"], db, stdout=out)
            except BackupError:
                out.close()
                path.unlink(missing_ok=True)
                raise
    elif engine == SQLITE:
        with _open_private(path):
            pass
        _sqlite_copy(db["NAME"], path)
    else:
        raise BackupError(f"backups of {engine} databases are not supported", code="engine")
    return BackupResult(path=path, size=path.stat().st_size)


def _sqlite_copy(source_path, target_path) -> None:
    """SQLite's online backup from one file to another (the source opened read-only)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def user_tables(db: Mapping[str, Any]) -> list[str]:
    """The tables a restore would replace (empty for a freshly created database)."""
    engine = db["ENGINE"]
    if engine in POSTGRESQL:
        import psycopg

        options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if k == "sslmode"}
        with psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname=db["NAME"],
            application_name="clinic-restore",
            **options,
        ) as conn:
            rows = conn.execute(
                "SELECT n.nspname || '.' || c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname <> ALL(%s) "
                "AND n.nspname NOT LIKE 'pg_temp%%' ORDER BY 1",
                [list(SYSTEM_SCHEMAS)],
            ).fetchall()
        return [row[0] for row in rows]
    if engine == SQLITE:
        if not Path(db["NAME"]).exists():
            return []
        with sqlite3.connect(db["NAME"]) as conn:
            rows = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        return [row[0] for row in rows]
    raise BackupError(f"restores into {engine} databases are not supported", code="engine")


def restore(*, db: Mapping[str, Any], path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file", code="missing")
    engine = db["ENGINE"]
    if engine in POSTGRESQL:
        pg_restore = _require_tool("pg_restore")
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                # Owner and privileges come from the target's own role (docs/DEPLOY.md): a
                # GRANT to a role that exists only where the dump was made must not abort it.
                "--no-acl",
                "--no-password",
                # All or nothing: a failed restore leaves the database as it was.
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(path),
            ],
            db,
        )
    elif engine == SQLITE:
        _sqlite_copy(path, db["NAME"])
    else:
        raise BackupError(f"restores into {engine} databases are not supported", code="engine")
