"""What a killed OCR worker leaves behind is found and removed at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from services.ocr.workdir import LOCK_FILE, WORKDIR_PREFIX, ocr_workdir, sweep_ocr_leftovers

WORKER = textwrap.dedent(
    """
    import subprocess, sys, time
    from pathlib import Path
    from services.ocr.workdir import ocr_workdir

    with ocr_workdir(Path(sys.argv[1])) as work:
        (work / "source.pdf").write_bytes(b"%PDF- Aktenzeichen 63-123/26 Mueller")
        # stands in for ocrmypdf: a new session, naming the directory on its command line
        child = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(300)", str(work / "source.pdf")],
            start_new_session=True,
        )
        print(work, child.pid, flush=True)
        time.sleep(300)
    """
)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_workdir_is_private_locked_and_removed_after_use(tmp_path: Path) -> None:
    with ocr_workdir(tmp_path) as work:
        assert work.name.startswith(WORKDIR_PREFIX) and work.parent == tmp_path
        assert (work.stat().st_mode & 0o777) == 0o700
        assert (work / LOCK_FILE).exists()
        swept = sweep_ocr_leftovers(tmp_path, min_age_seconds=0, unlocked_age_seconds=0)
        assert swept.removed == [] and work.is_dir(), "a directory in use is never swept"
    assert not work.exists()


def test_after_kill_9_the_orphaned_process_is_killed_and_the_directory_removed(
    tmp_path: Path,
) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert worker.stdout is not None
    work, child = worker.stdout.readline().split()
    workdir, orphan = Path(work), int(child)
    try:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        assert workdir.is_dir() and alive(orphan), "kill -9 leaves both behind"

        young = sweep_ocr_leftovers(tmp_path, min_age_seconds=3600, unlocked_age_seconds=3600)
        assert young.removed == [] and alive(orphan), "younger than the lease: kept"

        swept = sweep_ocr_leftovers(tmp_path, min_age_seconds=0, unlocked_age_seconds=3600)
        assert swept.removed == [workdir] and orphan in swept.killed
        assert not workdir.exists()
        deadline = time.monotonic() + 10
        while alive(orphan) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(orphan)
    finally:
        if alive(orphan):
            os.kill(orphan, signal.SIGKILL)


def test_a_directory_without_a_lock_is_removed_only_after_the_longest_ocr_run(
    tmp_path: Path,
) -> None:
    legacy = tmp_path / f"{WORKDIR_PREFIX}legacy"
    legacy.mkdir()
    (legacy / "source.pdf").write_bytes(b"%PDF-")
    kept = sweep_ocr_leftovers(tmp_path, min_age_seconds=0, unlocked_age_seconds=3600)
    assert kept.removed == [] and legacy.is_dir()
    old = time.time() - 7200
    os.utime(legacy / "source.pdf", (old, old))
    os.utime(legacy, (old, old))
    removed = sweep_ocr_leftovers(tmp_path, min_age_seconds=0, unlocked_age_seconds=3600)
    assert removed.removed == [legacy] and not legacy.exists()
