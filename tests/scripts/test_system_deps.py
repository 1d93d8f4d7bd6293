"""scripts/system-deps: what it runs when chromium, the fonts or Virtuoso are missing, with
stand-ins for apt-get, sudo, id, fc-list and virtuoso-t on PATH (nothing is installed or removed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps"
PACKAGES = "chromium fonts-noto-cjk fontconfig"


def stand_in(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def run(tmp_path: Path, *, uid: int, sudo_ok: bool | None, chromium: bool, fonts: bool, virtuoso: bool = True):
    """Run the script with stand-ins; returns (result, the commands the stand-ins recorded)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "grep", "env"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    record = tmp_path / "ran"
    stand_in(bin_dir, "id", f"echo {uid}")
    stand_in(bin_dir, "apt-get", f'echo "apt-get $*" >> {record}')
    stand_in(bin_dir, "fc-list", "echo 'Noto Sans CJK SC'" if fonts else "true")
    if sudo_ok is not None:
        stand_in(bin_dir, "sudo", f'[ "$1" = -n ] && shift; [ "$1" = true ] && exit {0 if sudo_ok else 1}; "$@"')
    browser = tmp_path / "chromium"
    if chromium:
        stand_in(tmp_path, "chromium", "true")
    if virtuoso:
        stand_in(bin_dir, "virtuoso-t", "true")
    env = {"PATH": str(bin_dir), "CHROMIUM": str(browser), "VIRTUOSO": "virtuoso-t"}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    ran = record.read_text().splitlines() if record.exists() else []
    return result, ran


def test_present_installs_nothing(tmp_path):
    result, ran = run(tmp_path, uid=1000, sudo_ok=None, chromium=True, fonts=True)
    assert result.returncode == 0
    assert ran == []
    assert result.stderr == ""


def test_root_updates_once_then_installs(tmp_path):
    result, ran = run(tmp_path, uid=0, sudo_ok=None, chromium=False, fonts=True)
    assert result.returncode == 0, result.stderr
    assert ran == ["apt-get update", f"apt-get install -y {PACKAGES}"]


def test_missing_fonts_alone_installs(tmp_path):
    result, ran = run(tmp_path, uid=0, sudo_ok=None, chromium=True, fonts=False)
    assert result.returncode == 0, result.stderr
    assert ran == ["apt-get update", f"apt-get install -y {PACKAGES}"]


def test_passwordless_sudo_installs(tmp_path):
    result, ran = run(tmp_path, uid=1000, sudo_ok=True, chromium=False, fonts=False)
    assert result.returncode == 0, result.stderr
    assert ran == ["apt-get update", f"apt-get install -y {PACKAGES}"]


def test_no_right_to_install_stops_with_the_command(tmp_path):
    for sudo_ok in (False, None):
        case = tmp_path / str(sudo_ok)
        case.mkdir()
        result, ran = run(case, uid=1000, sudo_ok=sudo_ok, chromium=False, fonts=True)
        assert result.returncode == 1
        assert ran == []
        assert result.stderr.splitlines() == [
            "policykg: missing chromium and the CJK fonts; run: "
            f"sudo apt-get update && sudo apt-get install -y {PACKAGES}"
        ]


def test_missing_virtuoso_alone_installs_it(tmp_path):
    result, ran = run(tmp_path, uid=0, sudo_ok=None, chromium=True, fonts=True, virtuoso=False)
    assert result.returncode == 0, result.stderr
    assert ran == ["apt-get update", "apt-get install -y virtuoso-opensource"]


def test_everything_missing_is_one_install_or_one_line(tmp_path):
    (tmp_path / "root").mkdir()
    result, ran = run(tmp_path / "root", uid=0, sudo_ok=None, chromium=False, fonts=False, virtuoso=False)
    assert ran == ["apt-get update", f"apt-get install -y {PACKAGES} virtuoso-opensource"]
    (tmp_path / "user").mkdir()
    result, ran = run(tmp_path / "user", uid=1000, sudo_ok=False, chromium=False, fonts=False, virtuoso=False)
    assert result.returncode == 1
    assert ran == []
    assert result.stderr.splitlines() == [
        "policykg: missing chromium and the CJK fonts and the Virtuoso server; run: "
        f"sudo apt-get update && sudo apt-get install -y {PACKAGES} virtuoso-opensource"
    ]
