"""Agreement documents: Word files that open and carry both names, and Markdown."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from toolkit.errors import SettingsError
from toolkit.relationships.agreements import (
    AGREEMENT_PLACEHOLDERS,
    read_agreement_template,
    write_agreements,
)
from toolkit.relationships.changes import confirm_first_meeting, end_pair, renew_pair
from toolkit.relationships.lifecycle import Lifecycle

from .relationship_helpers import make_store


def text_of(path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_each_running_pair_gets_a_word_and_a_markdown_agreement(tmp_path):
    with make_store(tmp_path) as store:
        confirm_first_meeting(store, 1, "2026-10-20")
        end_pair(store, 3, "2026-11-01", reason="did not start")
        written = write_agreements(store, tmp_path / "agreements")
    assert written["pair_id"].tolist() == [1, 2]
    first = text_of(written.loc[0, "docx"])
    for expected in ("Ada One, Physics", "Ed Mentor, Mathematics", "Start date: 1 Oct 2026",
                     "End of the term: 1 Oct 2027 (it can be renewed for 12 more months at a "
                     "time, as often as you both wish)",
                     "Confidentiality", "Boundaries", "Our next meeting", "Signatures"):
        assert expected in first
    assert "Bea Two" in text_of(written.loc[1, "docx"])
    markdown = (tmp_path / "agreements" / "agreement_pair-0002.md").read_text(encoding="utf-8")
    assert "**Mentee:** Bea Two, Chemistry" in markdown
    assert "**Mentor:** Flo Mentor, Biology" in markdown
    assert "{" not in markdown
    # File names carry pair numbers only, never names.
    names = sorted(p.name for p in (tmp_path / "agreements").iterdir())
    assert names == ["agreement_pair-0001.docx", "agreement_pair-0001.md",
                     "agreement_pair-0002.docx", "agreement_pair-0002.md"]


def test_the_renewal_sentence_follows_the_lifecycle(tmp_path):
    with make_store(tmp_path) as store:
        confirm_first_meeting(store, 1, "2026-10-20")
        renew_pair(store, 1, "2027-09-01")
        once = write_agreements(store, tmp_path / "a", pair_ids=[1, 2], formats=("md",),
                                lifecycle=Lifecycle(max_renewals=1))
        never = write_agreements(store, tmp_path / "b", pair_ids=[2], formats=("md",),
                                 lifecycle=Lifecycle(max_renewals=0))
    texts = [Path(p).read_text(encoding="utf-8") for p in [*once["md"], *never["md"]]]
    assert "1 Oct 2028 (it cannot be renewed again)" in texts[0]
    assert "1 Oct 2027 (it can be renewed once, for 12 more months" in texts[1]
    assert "1 Oct 2027 (it cannot be renewed)" in texts[2]


def test_chosen_pairs_formats_and_the_leads_own_template(tmp_path):
    own = tmp_path / "ours.md"
    own.write_text("# Our agreement\n\n- **Between:** {mentee_name} and {mentor_name}\n\n"
                   "Dear {mentee_first_name}, write to {mentor_email} {{by e-mail}}.\n",
                   encoding="utf-8")
    with make_store(tmp_path) as store:
        written = write_agreements(store, tmp_path / "out", pair_ids=[3], formats=("docx",),
                                   template=own)
        assert list(written.columns) == ["pair_id", "docx"]
        assert text_of(written.loc[0, "docx"]).splitlines() == [
            "Our agreement", "Between: Cy Three and Ed Mentor",
            "Dear Cy, write to mentor.one@example.org {by e-mail}."]
        with pytest.raises(SettingsError, match=r"no mentoring pair \[9\]"):
            write_agreements(store, tmp_path / "out", pair_ids=[9])
        with pytest.raises(SettingsError, match="UnMentoring conversations have no agreement"):
            write_agreements(store, tmp_path / "out", scheme="unmentoring")
        with pytest.raises(SettingsError, match="'docx' and/or 'md'"):
            write_agreements(store, tmp_path / "out", formats=("pdf",))
    with pytest.raises(SettingsError, match="does not exist"):
        read_agreement_template(tmp_path / "missing.md")


def test_an_agreement_template_with_an_unknown_placeholder_stops_before_writing(tmp_path):
    own = tmp_path / "ours.md"
    own.write_text("# Agreement\n\nMentee: {mentee_nmae}\n", encoding="utf-8")
    with make_store(tmp_path) as store, pytest.raises(
            SettingsError, match=r"\{mentee_nmae\}.*did you mean \{mentee_name\}"):
        write_agreements(store, tmp_path / "out", template=own)
    assert not (tmp_path / "out").exists()
    shipped = read_agreement_template()
    assert set(shipped.fields) <= set(AGREEMENT_PLACEHOLDERS)
    assert "renewal_text" in shipped.fields
