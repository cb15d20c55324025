"""UnMentoring (random coffee): each month, pair every active participant with someone new.

- :mod:`~toolkit.unmentoring.participants`: read and check the sign-up list.
- :mod:`~toolkit.unmentoring.draw`: the draw itself (an engine: pure functions).
- :mod:`~toolkit.unmentoring.statistics`: repeats and a summary that names nobody (engine).
- :mod:`~toolkit.unmentoring.history`: the history file of rounds and its log of seeds.
- :mod:`~toolkit.unmentoring.service`: load the rounds and save a drawn round, from the
  history file or the scheme store (what the ``draw`` command and the draw panel call).
- :mod:`~toolkit.unmentoring.announcements`: e-mail drafts, mail-merge list, calendar files.
"""

from toolkit.unmentoring.announcements import read_email_template, write_announcements
from toolkit.unmentoring.draw import default_seed, draw_round, round_labels
from toolkit.unmentoring.history import append_history, history_summary, read_history
from toolkit.unmentoring.participants import participant_summary, read_participants
from toolkit.unmentoring.service import load_exclusions, load_history, load_rounds, save_round
from toolkit.unmentoring.statistics import draw_statistics, repeat_pairs

__all__ = [
    "append_history",
    "default_seed",
    "draw_round",
    "draw_statistics",
    "history_summary",
    "load_exclusions",
    "load_history",
    "load_rounds",
    "participant_summary",
    "read_email_template",
    "read_history",
    "read_participants",
    "repeat_pairs",
    "round_labels",
    "save_round",
    "write_announcements",
]
