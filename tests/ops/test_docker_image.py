"""What the Dockerfile's COPY lines would put into the image, read with .dockerignore as docker
reads it: secrets, local data (backups, the demo database) and the git history stay out."""

import fnmatch
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEVER_IN_THE_IMAGE = ["secrets/db_password", "var/backups/clinic.dump", ".git/config"]


def copy_sources() -> list[str]:
    sources = []
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.split(maxsplit=1)[:1] not in (["COPY"], ["ADD"], ["copy"], ["add"]):
            continue
        words = shlex.split(line)
        args = [word for word in words[1:] if not word.startswith("--")]
        if any(word.startswith("--from") for word in words[1:]):
            continue  # from another build stage, not from the build context
        sources.extend(args[:-1])
    return sources


def ignore_patterns() -> list[str]:
    path = ROOT / ".dockerignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; `!` re-includes; a pattern matching a
    directory excludes everything under it; `**/` matches at any depth."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw.removeprefix("!").strip("/")
        anywhere = pattern.startswith("**/")
        pattern = pattern.removeprefix("**/")
        for prefix in prefixes:
            name = prefix.rsplit("/", 1)[-1] if anywhere else prefix
            if fnmatch.fnmatchcase(name, pattern):
                result = not negate
                break
    return result


def copied(path: str) -> bool:
    for source in copy_sources():
        source = source.strip("/").removeprefix("./") or "."
        covers = source == "." or path == source or path.startswith(source + "/")
        if covers and not ignored(path, ignore_patterns()):
            return True
    return False


def test_the_dockerfile_copies_the_whole_context():
    # Guards the test itself: were the COPY lines not read, nothing would look copied.
    assert "." in copy_sources()
    assert copied("config/settings.py")


@pytest.mark.parametrize("path", NEVER_IN_THE_IMAGE)
def test_secrets_local_data_and_git_stay_out_of_the_image(path):
    assert not copied(path), f"{path} would be copied into the image; add it to .dockerignore"


def test_the_ignore_rules_are_read_as_docker_reads_them():
    assert ignored("secrets/key", ["secrets/"])
    assert not ignored("secrets/key", ["secrets/", "!secrets/key"])
    assert ignored("intake/__pycache__/x.pyc", ["**/__pycache__"])
    assert not ignored("config/settings.py", ["secrets/", "var/", ".git"])
