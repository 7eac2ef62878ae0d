"""The local demo runs on SQLite: `backup` copies it with the online-backup API."""

import sqlite3
import stat

import pytest

from ops.databases import BackupError, backup, restore, user_tables

SQLITE = "django.db.backends.sqlite3"


def make_db(path, rows):
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS clients_client (legal_name TEXT)")
        conn.execute("DELETE FROM clients_client")
        conn.executemany("INSERT INTO clients_client VALUES (?)", [(r,) for r in rows])
    conn.close()


def names(path):
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT legal_name FROM clients_client ORDER BY 1")]
    finally:
        conn.close()


def test_sqlite_backup_is_a_private_consistent_copy_that_restores(tmp_path):
    live = tmp_path / "clinic.sqlite3"
    make_db(live, ["Ana Torres", "Maria Garcia"])
    db = {"ENGINE": SQLITE, "NAME": str(live)}

    result = backup(db=db, path=tmp_path / "backups" / "clinic.sqlite3")
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert result.size == result.path.stat().st_size > 0

    make_db(live, ["Somebody Else"])
    assert user_tables(db) == ["clients_client"]
    restore(db=db, path=result.path)
    assert names(live) == ["Ana Torres", "Maria Garcia"]


def test_unsupported_engine_is_refused_with_a_code(tmp_path):
    with pytest.raises(BackupError) as error:
        backup(db={"ENGINE": "django.db.backends.mysql", "NAME": "x"}, path=tmp_path / "x")
    assert error.value.code == "engine"
