"""The files a matching run writes: ``pairs.csv``, ``unmatched.csv`` and ``run.json``.

When the scheme's rules leave people out, ``outside_rules.csv`` (``email, role, reason``)
lists them too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from toolkit.core.version import __version__, library_versions
from toolkit.io.outputs import atomic_write, write_csv_atomic, write_csv_blocks_atomic
from toolkit.pairing.matching import PAIR_COLUMNS, MatchResult

__all__ = ["file_fingerprints", "write_match_outputs"]


def file_fingerprints(files: Mapping[str, str | Path | None]) -> dict[str, dict]:
    """Record each input file given (by role) with its path and SHA-256, for ``run.json``.

    Roles whose value is None or empty are left out; a path that is not a file gets a
    ``sha256`` of None.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.json"
    >>> _ = p.write_text("{}")
    >>> info = file_fingerprints({"weights": p, "locks": None})
    >>> list(info), info["weights"]["sha256"][:12]
    (['weights'], '44136fa355b3')
    """
    return {role: {"path": str(path),
                   "sha256": (hashlib.sha256(Path(path).read_bytes()).hexdigest()
                              if Path(path).is_file() else None)}
            for role, path in files.items() if path}


def write_match_outputs(result: MatchResult, out: str | Path, run_info: dict | None = None,
                        eligible_path: str | Path | None = None) -> dict[str, Path]:
    """Write ``pairs.csv``, ``unmatched.csv`` and ``run.json`` (and the eligible pairs).

    Everyone the scheme's rules leave out (``result.outside``) is listed in
    ``outside_rules.csv``, written only when there is someone to list.

    Parameters
    ----------
    result : MatchResult
        What :func:`~toolkit.pairing.matching.match_mentors` returned.
    out : str or Path
        The output folder.
    run_info : dict, optional
        More to record in ``run.json`` (input file, fingerprint, skipped rows).
    eligible_path : str or Path, optional
        Where to write every allowed pair (``mentee_email, mentor_email, score``).

    Returns
    -------
    dict of str to Path
        The files written, by short name.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from toolkit.pairing.matching import match_mentors
    >>> people = pd.DataFrame({"email": ["a", "b"], "department": ["X", "Y"],
    ...                        "level": [0, 2], "role": ["mentee", "mentor"]})
    >>> written = write_match_outputs(match_mentors(people), tempfile.mkdtemp())
    >>> sorted(written), pd.read_csv(written["pairs"]).columns.tolist()[:3]
    (['pairs', 'run', 'unmatched'], ['mentee_email', 'mentor_email', 'score'])
    """
    out = Path(out)
    written = {}
    pairs = result.pairs[PAIR_COLUMNS].copy()
    pairs[PAIR_COLUMNS[2:]] = pairs[PAIR_COLUMNS[2:]].round(6)
    written["pairs"] = write_csv_atomic(pairs, out / "pairs.csv")
    written["unmatched"] = write_csv_atomic(result.unmatched[["mentee_email", "reason"]],
                                            out / "unmatched.csv")
    if len(result.outside):
        written["outside_rules"] = write_csv_atomic(result.outside[["email", "role", "reason"]],
                                                    out / "outside_rules.csv")
    if eligible_path is not None:
        # A block of mentees at a time: a national scheme allows hundreds of millions of pairs.
        written["eligible"] = write_csv_blocks_atomic(
            (block.assign(score=block["score"].round(6))
             for block in result.eligible_blocks()), eligible_path)
    info = {
        "command": "match",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "toolkit_version": __version__,
        **(run_info or {}),
        "objective": result.settings["objective"],
        "settings": result.settings,
        "versions": library_versions(),
        "totals": result.totals,
        "outputs": sorted(p.name for p in written.values()),
    }
    written["run"] = atomic_write(out / "run.json", lambda tmp: tmp.write_text(
        json.dumps(info, indent=2, default=str) + "\n", encoding="utf-8"))
    return written
