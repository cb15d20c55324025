"""The statuses a pair goes through, named once for every part of the toolkit.

A pair is *proposed* when it is made, *active* once its first meeting is recorded, and ends
*renewed* (for another term), *ended* or *withdrawn*.
"""

from __future__ import annotations

__all__ = [
    "FINISHED",
    "MATCHED",
    "RUNNING",
    "STATUSES",
    "TRANSITIONS",
]

#: Every status, in the order of a pair's life.
STATUSES: tuple[str, ...] = ("proposed", "active", "renewed", "ended", "withdrawn")

#: Pairs still running: they hold the mentor's place and the mentee has a mentor.
RUNNING: tuple[str, ...] = ("proposed", "active", "renewed")

#: Pairs that are over: never proposed again.
FINISHED: tuple[str, ...] = ("ended", "withdrawn")

#: Pairs that got going (a first meeting was recorded at some point).
MATCHED: tuple[str, ...] = ("active", "renewed", "ended", "withdrawn")

#: The changes of status the lifecycle allows, from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("active", "ended", "withdrawn"),
    "active": ("renewed", "ended", "withdrawn"),
    "renewed": ("renewed", "ended", "withdrawn"),
    "ended": (),
    "withdrawn": (),
}
