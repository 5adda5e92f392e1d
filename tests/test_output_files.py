"""Output files: a bad --output is refused before any work, and a write that fails or is stopped
(a full disk, a write error, SIGINT, SIGTERM, SIGHUP) leaves the old file or nothing, and no
temporary file beside the target or in $TMPDIR."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile

import pytest
from typer.testing import CliRunner

from roo_calc.cli.main import app
from tests.conftest import ROOT, SAMPLES

runner = CliRunner()
BOM = str(SAMPLES / "compact-sedan-mx.xlsx")
SCENARIO = str(ROOT / "scenarios" / "sedan-transmission-to-mexico.toml")
OLD = b"the previous report"


def _one_located_error(result, name: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and name in errors[0], result.stderr
    return errors[0]


@pytest.fixture
def private_tmpdir(tmp_path, monkeypatch):
    """An empty $TMPDIR for the process, to see what a write leaves in it."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("command", [["evaluate", BOM], ["compare", BOM, "-s", SCENARIO]], ids=["evaluate", "compare"])
def test_output_that_is_a_folder_is_refused(tmp_path, command):
    folder = tmp_path / "report.xlsx"
    folder.mkdir()
    line = _one_located_error(runner.invoke(app, [*command, "--output", str(folder)]), str(folder))
    assert "folder" in line
    assert list(folder.iterdir()) == []


def test_template_over_a_folder_is_refused(tmp_path):
    folder = tmp_path / "new.xlsx"
    folder.mkdir()
    _one_located_error(runner.invoke(app, ["template", str(folder), "--force"]), str(folder))


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root; the next test simulates them")
def test_output_in_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        line = _one_located_error(runner.invoke(app, ["evaluate", BOM, "--output", str(folder / "r.xlsx")]), "r.xlsx")
        assert "not writable" in line
    finally:
        folder.chmod(0o700)


def test_output_where_creating_a_file_is_not_permitted_is_refused(tmp_path, monkeypatch, private_tmpdir):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    target = tmp_path / "r.xlsx"
    line = _one_located_error(runner.invoke(app, ["evaluate", BOM, "--output", str(target)]), str(target))
    assert "Permission denied" in line
    assert list(tmp_path.iterdir()) == [private_tmpdir]


@pytest.mark.parametrize("command", [["evaluate", BOM], ["compare", BOM, "-s", SCENARIO]], ids=["evaluate", "compare"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["disk-full", "write-error"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch, private_tmpdir, command, code):
    """The spreadsheet writer fails part-way, after its scratch files exist (as on a full disk)."""
    target = tmp_path / "out" / "report.xlsx"
    target.parent.mkdir()
    target.write_bytes(OLD)
    real_write = zipfile.ZipFile.write
    calls = []

    def write(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise OSError(code, os.strerror(code))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "write", write)
    result = runner.invoke(app, [*command, "--output", str(target)])
    line = _one_located_error(result, str(target))
    assert os.strerror(code) in line and "nothing was written" in line
    assert len(calls) == 3
    assert target.read_bytes() == OLD
    assert list(target.parent.iterdir()) == [target]
    assert list(private_tmpdir.iterdir()) == []
    assert tempfile.tempdir == str(private_tmpdir)


_SLOW_WRITER = textwrap.dedent("""
    import pathlib, sys, time, zipfile
    marker, bom, target = sys.argv[1:4]
    real_write = zipfile.ZipFile.write

    def write(self, *args, **kwargs):
        real_write(self, *args, **kwargs)
        pathlib.Path(marker).write_text("writing")
        time.sleep(3600)  # stopped here, half-way through writing the workbook (killed at the end of the test)

    zipfile.ZipFile.write = write
    sys.argv = ["roo-calc", "evaluate", bom, "--output", target]
    from roo_calc.cli.main import run
    run()
""")


def test_a_stop_signal_mid_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    """SIGINT, SIGTERM and SIGHUP, each sent to its own run (run side by side) half-way through
    writing the report."""
    runs = {}
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        folder = tmp_path / signum.name
        scratch, out = folder / "tmpdir", folder / "out"
        scratch.mkdir(parents=True)
        out.mkdir()
        target, marker = out / "report.xlsx", folder / "marker"
        target.write_bytes(OLD)
        env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(marker), BOM, str(target)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        runs[signum] = (process, scratch, out, target, marker)
    try:
        for signum, (process, scratch, out, target, marker) in runs.items():
            deadline = time.monotonic() + 180
            while not marker.exists():
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the write never started"
                time.sleep(0.05)
            assert len(list(out.iterdir())) == 2  # the old report and the scratch folder of the new one
            process.send_signal(signum)
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 128 + signum, stderr
            assert "Traceback" not in stderr
            assert stderr.strip().splitlines()[-1] == f"roo-calc: stopped by {signum.name} while writing {target}; nothing was written"
            assert target.read_bytes() == OLD
            assert list(out.iterdir()) == [target]
            assert list(scratch.iterdir()) == []
    finally:
        for process, *_ in runs.values():
            process.kill()
