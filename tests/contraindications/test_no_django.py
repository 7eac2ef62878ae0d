"""The engine must stay importable without Django (pure Python)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_engine_imports_without_django() -> None:
    code = (
        "import sys; import contraindications.engine as e; "
        "import benchmarks.engine; "
        "e.load_default_ruleset(); "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad; print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_engine_sources_do_not_mention_django_imports() -> None:
    for path in (REPO / "contraindications" / "engine").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text, path.name
        assert "from django" not in text, path.name
