"""README.md tells the truth: its sample output is what a real run prints."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def sample_output(starts: str = "Module ") -> list[str]:
    """The README's first fenced block of terminal output that starts with
    ``starts``, as fnmatch patterns: ``...`` lines skip ahead, and the run's
    seconds match any (pytest pads its summary line with ``=`` to the
    width, so a run of 13.13 s has one ``=`` fewer than one of 1.85 s)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"```\n({re.escape(starts)}.*?)```", text, re.DOTALL)
    assert block is not None
    lines = [line for line in block[1].splitlines() if line != "..."]
    lines = [re.sub(r"^=+ (.*) =+$", r"*= \1 =*", line) for line in lines]
    return [re.sub(r"in \d+\.\d+s", "in *s", line).replace("[", "[[]") for line in lines]


def test_the_readme_sample_output_matches_a_real_run_of_the_example(tmp_path: Path) -> None:
    example = tmp_path / "shop"
    shutil.copytree(
        ROOT / "examples" / "shop", example, ignore=shutil.ignore_patterns(".pytest_cache", "escape-*")
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--escape", "-v", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=example,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 10, done.stdout[-3000:]
    # -v lists every test and survivor, between the README's lines
    pytest.LineMatcher(done.stdout.splitlines()).fnmatch_lines(sample_output(), consecutive=False)
    assert done.stdout.splitlines()[-1] == sample_output()[-1]
    # the findings block, with the evidence a confirming-only flag carries
    pytest.LineMatcher(done.stdout.splitlines()).fnmatch_lines(sample_output("shop.cart: "), consecutive=True)
