"""The demo's relationships step, on the sample scheme."""

from __future__ import annotations

import docx

from toolkit.demo import run_demo


def test_demo_follows_the_pairs_and_writes_agreements(sample_dir, tmp_path, capsys):
    ctx = run_demo(tmp_path / "out", sample_dir=sample_dir)
    out = capsys.readouterr().out
    assert "Recorded 1 withdrawal(s)" in out
    assert "Mentor whose mentees all withdrew (1)" in out
    files = sorted((tmp_path / "out" / "agreements").glob("*.docx"))
    assert len(files) > 60
    assert docx.Document(str(files[0])).paragraphs[0].text == "Mentoring agreement"
    assert ctx.outputs["timeline"].stat().st_size > 10_000
