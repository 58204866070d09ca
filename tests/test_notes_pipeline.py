"""The notes pipeline: incremental runs, never losing a person's work, the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from notes_helpers import HashEmbedder

from notegraph import store
from notegraph.cli import cli
from notegraph.config import Config, load_config
from notegraph.errors import InputError
from notegraph.models import Transcript
from notegraph.notes.generate import generate_notes

FIXTURE = Path(__file__).parent / "fixtures" / "notes_talk.json"


def _transcript() -> Transcript:
    return Transcript.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))


@pytest.fixture
def project(tmp_path: Path) -> Config:
    config = load_config(tmp_path)
    store.save_transcript(config.transcripts_path, _transcript())
    return config


def _topic(config: Config) -> Path:
    return config.notes_path / "topics" / "dark_matter_and_the_bullet_cluster.md"


def test_unchanged_transcript_is_not_processed_again(project: Config) -> None:
    embedder = HashEmbedder()
    first = generate_notes(project, embedder=embedder)
    assert first.processed == ("fixture-talk",) and first.written
    calls = embedder.calls
    second = generate_notes(project, embedder=embedder)
    assert second.processed == () and second.unchanged == ("fixture-talk",)
    assert second.written == () and embedder.calls == calls


def test_changed_transcript_is_processed_again(project: Config) -> None:
    generate_notes(project, embedder=HashEmbedder())
    t = _transcript()
    store.save_transcript(project.transcripts_path, replace(t, title=t.title + " (remastered)"))
    again = generate_notes(project, embedder=HashEmbedder())
    assert again.processed == ("fixture-talk",)


def test_hand_edited_note_is_kept_and_force_keeps_a_backup(project: Config) -> None:
    generate_notes(project, embedder=HashEmbedder())
    path = _topic(project)
    edited = path.read_text(encoding="utf-8") + "\nMy own thoughts.\n"
    path.write_text(edited, encoding="utf-8")

    result = generate_notes(project, ["fixture-talk"], force=False, embedder=HashEmbedder())
    assert path.resolve() in result.kept_edited
    assert path.read_text(encoding="utf-8") == edited

    generate_notes(project, ["fixture-talk"], force=True, embedder=HashEmbedder())
    assert "My own thoughts." not in path.read_text(encoding="utf-8")
    backup = path.with_name(path.name + ".bak")
    assert backup.read_text(encoding="utf-8") == edited
    # a second forced run over a second edit never overwrites the first backup
    path.write_text(edited + "again\n", encoding="utf-8")
    generate_notes(project, ["fixture-talk"], force=True, embedder=HashEmbedder())
    assert backup.read_text(encoding="utf-8") == edited
    assert path.with_name(path.name + ".bak2").read_text(encoding="utf-8") == edited + "again\n"


@pytest.mark.parametrize("resave", [
    lambda t: t.replace("\n", "\r\n"),  # an editor on Windows
    lambda t: "\ufeff" + t,  # an editor that writes a BOM
    lambda t: t.replace("\n---\n", "\n...\n", 1),  # YAML's end-of-document marker
], ids=["crlf", "bom", "dots"])
def test_a_generated_note_saved_differently_is_still_ours(project: Config, resave) -> None:
    # the notes writer reads frontmatter with the vault's rule: a re-saved, unedited
    # note is neither "hand-written" (never updated) nor "edited by hand"
    generate_notes(project, embedder=HashEmbedder())
    path = _topic(project)
    fresh = path.read_text(encoding="utf-8")
    path.write_bytes(resave(fresh).encode("utf-8"))
    t = _transcript()
    store.save_transcript(project.transcripts_path, replace(t, title=t.title + " (remastered)"))
    result = generate_notes(project, embedder=HashEmbedder())
    assert path.resolve() in result.written and not result.kept_edited
    assert path.read_bytes().startswith(b"---\ntype: topic")


def test_hand_written_notes_are_never_touched(project: Config) -> None:
    mine = project.notes_path / "topics" / "dark_matter_and_the_bullet_cluster.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("# My note about dark matter\n", encoding="utf-8")
    other = project.notes_path / "ideas.md"
    other.write_text("---\ntitle: Ideas\n---\nSee [[dark matter]].\n", encoding="utf-8")
    generate_notes(project, embedder=HashEmbedder())
    assert mine.read_text(encoding="utf-8") == "# My note about dark matter\n"
    assert other.read_text(encoding="utf-8").startswith("---\ntitle: Ideas")
    generated = list((project.notes_path / "topics").glob("dark_matter_and_the_bullet*.md"))
    assert len(generated) == 2  # ours got another slug


def test_stale_generated_notes_are_removed_unless_edited(project: Config) -> None:
    generate_notes(project, embedder=HashEmbedder())
    stale = project.notes_path / "topics" / "dark_matter_and_the_bullet_cluster.md"
    moved = stale.read_text(encoding="utf-8")
    ghost = stale.with_name("old_topic.md")
    ghost.write_text(moved, encoding="utf-8")  # an unedited note nobody generates any more
    kept = stale.with_name("old_edited.md")
    kept.write_text(moved + "\nmine\n", encoding="utf-8")
    generate_notes(project, embedder=HashEmbedder())
    assert not ghost.exists()
    assert kept.exists()


def test_unknown_video_id_is_a_clear_error(project: Config) -> None:
    with pytest.raises(InputError, match="no stored transcript 'nope'"):
        generate_notes(project, ["nope"], embedder=HashEmbedder())


def test_notes_command_reports_a_missing_transcript(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "notes", "missing-id"])
    assert result.exit_code != 0
    assert "no stored transcript 'missing-id'" in result.output
    assert "Traceback" not in result.output


def test_import_no_notes_writes_no_notes(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "import", "--no-notes",
                                      "--id", "fixture-talk", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content" / "transcripts" / "fixture-talk.json").exists()
    assert not (tmp_path / "content" / "notes").exists()


@pytest.mark.parametrize("cues", [[], [{"start": 0, "end": 1.5, "text": "Hi.", "speaker": None}]])
def test_tiny_transcripts_give_valid_notes(tmp_path: Path, cues: list) -> None:
    config = load_config(tmp_path)
    data = {"video_id": "tiny", "title": "", "channel": "", "language": "en",
            "source": "file:text", "is_generated": False, "duration": 1.5, "chapters": [],
            "cues": cues}
    store.save_transcript(config.transcripts_path, Transcript.from_dict(data))
    result = generate_notes(config, embedder=HashEmbedder())
    assert result.ok and result.processed == ("tiny",)
    video = config.notes_path / "videos" / "tiny.md"
    assert video.exists() and "type: video" in video.read_text(encoding="utf-8")


def test_frontmatter_a_person_added_survives_regeneration(project: Config) -> None:
    generate_notes(project, embedder=HashEmbedder())
    path = _topic(project)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\ntype: topic\n", "---\ntype: topic\ntags: [physics]\n"),
                    encoding="utf-8")
    t = _transcript()  # a changed transcript: every note is rewritten
    store.save_transcript(project.transcripts_path, replace(t, channel="Ada Park Live"))
    result = generate_notes(project, embedder=HashEmbedder())
    assert path.resolve() in result.written
    new = path.read_text(encoding="utf-8")
    assert "tags:\n- physics\n" in new and "Ada Park Live" in new
