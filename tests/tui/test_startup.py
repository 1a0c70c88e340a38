"""Start-up: the collector is paused while samverkan starts and always resumed.

samverkan.runtime.startup pauses CPython's cyclic GC during start-up (see its docstring and
scripts/bench_tui.py); these tests make sure nothing is left running without it.
"""

from __future__ import annotations

import gc
import subprocess
import sys

from tuikit import SIZE, settle

from samverkan.runtime.startup import pause_gc, resume_gc


async def test_the_tui_resumes_the_collector_after_its_first_frame(make_app, orgnr) -> None:
    app = make_app("stockholm")
    app.services.register_organisation("Förening", orgnr(1))
    pause_gc()
    try:
        assert not gc.isenabled()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert type(app.screen).__name__ == "CollaborationsScreen"
            assert gc.isenabled(), "the collector stayed off after the first screen"
    finally:
        resume_gc()
        gc.enable()


def test_a_cli_command_runs_with_the_collector(tmp_path) -> None:
    """The console script pauses the collector; a command resumes it before it runs."""
    code = (
        "import gc, sys\n"
        "from samverkan.cli import make_cli\n"
        "import click\n"
        "seen = []\n"
        "@click.command('probe')\n"
        "def probe():\n"
        "    seen.append(gc.isenabled())\n"
        "import samverkan.cli as c\n"
        "real = c.make_cli\n"
        "def patched():\n"
        "    group = real(); group.add_command(probe); return group\n"
        "c.make_cli = patched\n"
        "try:\n"
        f"    c.main(['--db', {str(tmp_path / 'x.db')!r}, 'probe'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(seen)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[True]", out.stdout + out.stderr
