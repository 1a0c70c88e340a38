"""Start-up without the cyclic garbage collector.

While samverkan starts, its imports (Textual, click, the plugins) allocate a few hundred
thousand objects and none of them is garbage, yet CPython's collector walks them again
each time an allocation threshold is crossed: about 45 ms of a 500 ms start of the TUI
on the benchmark machine (scripts/bench_tui.py). The entry points pause the collector
first thing; the TUI resumes it once its first screen is drawn and a CLI command before
it runs. Resuming freezes what start-up made (:func:`gc.freeze`), so later collections
do not walk those long-lived objects either.
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Stop automatic collection until :func:`resume_gc` (no-op if already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Undo :func:`pause_gc`: freeze the objects made so far, collect as usual again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
