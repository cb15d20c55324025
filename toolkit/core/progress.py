"""Progress bars for long work, shown in terminals and notebooks, silent when piped."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from tqdm.auto import tqdm

__all__ = ["stages"]


@contextmanager
def stages(names: Sequence[str], desc: str, enabled: bool | None = None) -> Iterator[Any]:
    """Show a bar that moves through named stages; call the yielded function to move on.

    Parameters
    ----------
    names : sequence of str
        The stages, in order (e.g. ``["reading", "pairing", "writing"]``).
    desc : str
        What the bar is for, shown before it.
    enabled : bool, optional
        Force the bar on or off; by default it shows only when writing to a terminal or a
        notebook (``tqdm.auto``), so scripts and logs stay clean.

    Examples
    --------
    >>> with stages(["reading", "writing"], "Demo", enabled=False) as step:
    ...     step("reading")
    ...     step("writing")
    """
    bar = tqdm(total=len(names), desc=desc, disable=None if enabled is None else not enabled,
               leave=False, bar_format="{desc}: {n}/{total} {postfix}")
    done = 0

    def step(name: str) -> None:
        nonlocal done
        if done:
            bar.update(1)
        done += 1
        bar.set_postfix_str(name)

    try:
        yield step
        bar.update(max(0, len(names) - bar.n))
    finally:
        bar.close()
