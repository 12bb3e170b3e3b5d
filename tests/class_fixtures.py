"""Shared pieces of the class-session tests: a session file made from the real quiz, answers a
trainee gives (right or wrong, by the session's own key), and a way to see a read-only file as a
trainer's user would even when the tests run as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jihua_kit.classes.store import ClassStore, QuestionKey, answer_key
from jihua_kit.course.quiz import load_quiz

_KEYS: list[QuestionKey] = []


def quiz_keys() -> list[QuestionKey]:
    """The answer key of the real quiz (worked out once per test run)."""
    if not _KEYS:
        _KEYS.extend(answer_key(load_quiz()))
    return list(_KEYS)


def new_session(path: Path, name: str = "测试班") -> ClassStore:
    return ClassStore.create(path, name, quiz_keys())


def right_answer(key: QuestionKey) -> str:
    """What a trainee types to be right ('B', or '497')."""
    return key.right if key.kind == "choice" else f"{float(key.right):g}"


def wrong_answer(key: QuestionKey) -> str:
    """A readable answer that is not right."""
    if key.kind == "choice":
        return next(letter for letter in key.letters if letter != key.right)
    return f"{float(key.right) + 1:g}"


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold: nothing for a normal user; for root, the
    same user without CAP_DAC_OVERRIDE (util-linux `setpriv`), so a chmod 444 file is read-only."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        reason = "running as root without setpriv: cannot make a file read-only for the test"
        if os.environ.get("CI"):
            pytest.fail(reason + " [CI is set, so this is a failure]")
        pytest.skip(reason)
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


def run_python(code: str, *args: str, powerless: bool = False, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter of this environment (optionally without root's powers)."""
    cmd = [*(without_root_powers() if powerless else []), sys.executable, "-c", code, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
