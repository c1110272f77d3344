"""Batches: resume through the manifest, a kill mid-run, several processes."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from digitize.cli import main
from digitize.errors import ExitCode

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DIGITAL = [SAMPLES / "s01_wrapped_full.pdf", SAMPLES / "s02_merged_header.pdf"]
SCAN = SAMPLES / "s03_partial_rules.scan-binary.pdf"


def outputs(out: Path) -> dict[str, bytes]:
    """Every table, sidecar and review file, by name (the manifest holds timings and paths)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_a_rerun_skips_finished_inputs_until_they_change_or_are_forced(tmp_path, capsys):
    inputs = [tmp_path / p.name for p in DIGITAL]
    for src, dst in zip(DIGITAL, inputs, strict=True):
        dst.write_bytes(src.read_bytes())
    out = tmp_path / "out"
    assert main(["convert", *map(str, inputs), "-o", str(out)]) == ExitCode.OK
    first = outputs(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert {Path(k).name: v["status"] for k, v in manifest.items()} == {p.name: "done" for p in inputs}
    capsys.readouterr()

    assert main(["convert", *map(str, inputs), "-o", str(out)]) == ExitCode.OK
    assert "2 unchanged since the last run, skipped" in capsys.readouterr().err
    assert outputs(out) == first

    inputs[0].write_bytes(DIGITAL[1].read_bytes())  # new content under the old name
    assert main(["convert", *map(str, inputs), "-o", str(out)]) == ExitCode.OK
    assert "1 unchanged since the last run, skipped" in capsys.readouterr().err
    assert main(["convert", *map(str, inputs), "-o", str(out), "--force"]) == ExitCode.OK
    assert "skipped" not in capsys.readouterr().err


def run_convert(inputs: list[Path], out: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "digitize", "convert", *map(str, inputs), "-o", str(out),
                             "-q", *options], stderr=subprocess.PIPE)


def test_a_batch_killed_mid_run_completes_on_the_rerun_with_the_same_outputs(tmp_path):
    inputs = [DIGITAL[0], SCAN, DIGITAL[1]]
    clean = tmp_path / "clean"
    assert run_convert(inputs, clean, "-j", "1").wait() == 0

    out = tmp_path / "out"
    batch = run_convert(inputs, out, "-j", "1")
    manifest = out / "manifest.json"
    deadline = time.monotonic() + 120
    while not manifest.exists() and time.monotonic() < deadline:  # the first, digital file is done
        time.sleep(0.05)
    os.kill(batch.pid, signal.SIGKILL)  # while the scan is being read
    batch.wait()
    done = json.loads(manifest.read_text(encoding="utf-8"))["inputs"]
    assert 1 <= len(done) < len(inputs)

    rerun = run_convert(inputs, out, "-j", "1")
    assert rerun.wait() == 0
    assert outputs(out) == outputs(clean)
    assert not list(out.rglob(".*.tmp"))


def test_two_processes_write_what_one_does(tmp_path):
    inputs = [*DIGITAL, SAMPLES / "s04_pages_repeat_header.pdf", SAMPLES / "s06_form_two_tables.pdf"]
    assert main(["convert", *map(str, inputs), "-o", str(tmp_path / "one"), "-j", "1"]) == ExitCode.OK
    assert main(["convert", *map(str, inputs), "-o", str(tmp_path / "two"), "-j", "2"]) == ExitCode.OK
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
