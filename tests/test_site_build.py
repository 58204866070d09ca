"""`notegraph build` on a small fixture project: goldens, determinism, incremental, XSS."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from notegraph import api
from notegraph.config import load_config
from notegraph.site.build import ASSETS_DIR, PREVIEW_SHARDS, build_site

FIXTURE = Path(__file__).parent / "fixtures" / "site_project"
GOLDENS = Path(__file__).parent / "golden" / "site"
GOLDEN_PAGES = ["index.html", "topics/empathy_in_machines/index.html",
                "videos/what_makes_us_human/index.html", "people/ada_lovelace/index.html",
                "journal/my_reading_notes/index.html", "all/index.html", "404.html"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def build(root: Path, **overrides: str):
    return build_site(load_config(root, overrides), extensions=[])


def site_files(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_golden_pages(project: Path, update_goldens: bool) -> None:
    build(project)
    for rel in GOLDEN_PAGES:
        actual = (project / "site" / rel).read_text(encoding="utf-8")
        golden = GOLDENS / rel.replace("/", "__")
        if update_goldens:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(actual, encoding="utf-8")
        assert golden.exists(), f"{golden} missing: run pytest --update-goldens"
        assert actual == golden.read_text(encoding="utf-8"), (
            f"{rel} differs from its golden; if intended, run pytest --update-goldens")


def test_same_input_gives_byte_identical_site(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(FIXTURE, a)
    shutil.copytree(FIXTURE, b)
    build(a)
    build(b)
    assert site_files(a) == site_files(b)
    shutil.rmtree(a / "site")
    build(a)  # from the warm render cache
    assert site_files(a) == site_files(b)


def test_second_build_with_nothing_changed_does_nothing(project: Path) -> None:
    first = build(project)
    assert first.written and first.rendered_bodies == 9
    second = build(project)
    assert second.up_to_date and second.written == [] and second.rendered_bodies == 0


def test_rebuild_after_deleting_site_renders_no_markdown(project: Path) -> None:
    build(project)
    shutil.rmtree(project / "site")
    again = build(project)
    assets = len([p for p in ASSETS_DIR.iterdir() if p.is_file()])
    assert again.rendered_bodies == 0
    assert len(again.written) == again.pages + PREVIEW_SHARDS + assets


def test_adding_a_note_rewrites_only_what_it_touches(project: Path) -> None:
    build(project)
    (project / "content/notes/journal/new_thought.md").write_text(
        "---\ntitle: New thought\n---\nMore on [[embodiment]].\n", encoding="utf-8")
    result = build(project)
    pages = {w for w in result.written if w.endswith(".html")}
    assert pages == {"journal/new_thought/index.html", "concepts/embodiment/index.html",
                     "all/index.html", "index.html"}
    assert result.rendered_bodies == 1


def test_removing_a_note_removes_its_page(project: Path) -> None:
    build(project)
    (project / "content/notes/journal/my_reading_notes.md").unlink()
    result = build(project)
    assert "journal/my_reading_notes/index.html" in result.removed
    assert not (project / "site/journal/my_reading_notes").exists()


def test_transcript_text_is_shown_never_run(project: Path) -> None:
    (project / "content/notes/topics/xss.md").write_text(
        '---\ntype: topic\ntitle: "<script>alert(3)</script>"\nvideoId: abcDEF12345\n'
        'people: ["<img src=x onerror=alert(4)>"]\n---\n'
        "They said <script>alert(1)</script> and <img src=x onerror=alert(2)>.\n",
        encoding="utf-8")
    build(project)
    for page in ("topics/xss/index.html", "topics/empathy_in_machines/index.html",
                 "videos/what_makes_us_human/index.html", "all/index.html"):
        html = (project / "site" / page).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
    xss = (project / "site/topics/xss/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xss
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in xss  # the title too
    video = (project / "site/videos/what_makes_us_human/index.html").read_text(encoding="utf-8")
    assert "Empathy &lt;b&gt;and&lt;/b&gt; machines" in video  # chapter from the transcript


def test_urls_are_relative_and_canonical_uses_base_url(project: Path) -> None:
    build(project, base_url="https://example.org/notes/")
    topic = (project / "site/topics/empathy_in_machines/index.html").read_text(encoding="utf-8")
    assert ('<link rel="canonical" href="https://example.org/notes/topics/'
            'empathy_in_machines/">') in topic
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', topic)
    internal = [h for h in hrefs if not h.startswith(("http", "#"))]
    assert internal and all(not h.startswith("/") for h in internal)
    assert 'href="../../assets/notegraph.css"' in topic
    assert 'href="/notes/assets/notegraph.css"' in (project / "site/404.html").read_text(
        encoding="utf-8")


def test_topic_page_has_player_timestamps_and_search_hooks(project: Path) -> None:
    build(project)
    html = (project / "site/topics/empathy_in_machines/index.html").read_text(encoding="utf-8")
    assert 'id="player" data-video-id="abcDEF12345" data-start="65"' in html
    assert 'href="https://www.youtube.com/watch?v=abcDEF12345&amp;t=130"' in html
    assert "data-pagefind-body" in html and 'data-pagefind-meta="title"' in html
    # filter values, in an element whose text search ignores (it ran into excerpts)
    assert '<span hidden data-pagefind-ignore><span data-pagefind-filter="channel">' \
        'Minds and Machines</span><span data-pagefind-filter="people">Ada Lovelace</span>' in html
    assert 'class="wikilink missing"' in html


def test_generated_source_lines_are_shown_once(project: Path) -> None:
    # the kicker above the title names channel and video; the body's "From:" line, which
    # Obsidian needs, is not repeated under it. A hand-written note keeps every line.
    topic = project / "content/notes/topics/empathy_in_machines.md"
    assert "From: [[" in topic.read_text(encoding="utf-8")
    hand = project / "content/notes/hand_from.md"
    hand.write_text("---\ntitle: Hand\n---\n\nFrom: [[Minds and Machines]] <br/>\n\nText.\n",
                    encoding="utf-8")
    build(project)
    html = (project / "site/topics/empathy_in_machines/index.html").read_text(encoding="utf-8")
    kicker, body = html.split('<div class="note-body">', 1)
    assert "Minds and Machines" in kicker and "From:" not in body
    assert "From:" in (project / "site/hand_from/index.html").read_text(encoding="utf-8")


def test_user_templates_override_the_defaults(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates/person.html").write_text(
        '{% extends "note.html" %}{% block content %}PERSON {{ page.title }}{% endblock %}',
        encoding="utf-8")
    build(project)
    assert "PERSON Ada Lovelace" in (project / "site/people/ada_lovelace/index.html").read_text(
        encoding="utf-8")
    assert "Mentioned in" in (project / "site/concepts/empathy/index.html").read_text(
        encoding="utf-8")  # other templates still come from the defaults


def test_check_reports_every_kind_of_problem(project: Path) -> None:
    report = api.check(load_config(project))
    assert report.counts() == {"unresolved-link": 1, "malformed-timestamp": 1,
                               "timestamp-outside-video": 1, "parse": 1}
    assert "topics/the_body_as_interface.md: timestamp 01:51:55 is past the end" in "\n".join(
        str(p) for p in report.problems)


def test_serve_serves_and_rebuilds_on_change(project: Path) -> None:
    config = load_config(project)
    stop = threading.Event()
    port_holder: dict[str, int] = {}

    import http.server

    original = http.server.ThreadingHTTPServer.server_bind

    def bind(self):  # record the free port the OS picked
        original(self)
        port_holder["port"] = self.server_address[1]

    http.server.ThreadingHTTPServer.server_bind = bind  # type: ignore[method-assign]
    try:
        thread = threading.Thread(target=api.serve, args=(config,),
                                  kwargs={"port": 0, "poll": 0.1, "stop": stop,
                                          "max_seconds": 30, "extensions": []},
                                  daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while "port" not in port_holder and time.monotonic() < deadline:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port_holder['port']}/people/ada_lovelace/"
        assert "Ada Lovelace" in urllib.request.urlopen(url, timeout=5).read().decode()
        note = project / "content/notes/people/ada_lovelace.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nShe loved poetical science.\n",
                        encoding="utf-8")
        while time.monotonic() < deadline:
            if "poetical science" in urllib.request.urlopen(url, timeout=5).read().decode():
                break
            time.sleep(0.1)
        else:
            pytest.fail("serve did not rebuild after a note changed")
    finally:
        stop.set()
        http.server.ThreadingHTTPServer.server_bind = original  # type: ignore[method-assign]
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.shared
@pytest.mark.slow
def test_foreign_vault_sample_builds_and_check_reports_dangling_links(
        shared_data: Path, tmp_path: Path) -> None:
    sample = shared_data / "vault-sample"
    if not sample.is_dir():
        pytest.skip(f"{sample} is absent")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "notes").symlink_to(sample)
    result = build(tmp_path)
    assert result.pages > 2397
    site = tmp_path / "site"
    assert (site / "cleoabram").is_dir()  # invisible marks dropped from the URL
    assert all(p.resolve().is_relative_to(site.resolve()) for p in site.rglob("*"))
    report = api.check(load_config(tmp_path))
    counts = report.counts()
    assert counts["unresolved-link"] > 1000 and counts.get("malformed-timestamp", 0) > 0
    assert "parse" not in counts


def test_build_loads_the_vault_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`api.build` looks for transcripts without notes, then renders: one vault load."""
    import notegraph.site.build as site_build
    import notegraph.vault.read as vault_module

    loads: list[Path] = []
    real = vault_module.load_vault

    def counting(notes_dir: Path, *args, **kwargs):
        loads.append(notes_dir)
        return real(notes_dir, *args, **kwargs)

    monkeypatch.setattr(vault_module, "load_vault", counting)
    monkeypatch.setattr(site_build, "load_vault", counting)
    result = api.build(load_config(project), extensions=[])
    assert result.pages > 0 and not result.up_to_date
    assert (project / "site" / "topics" / "empathy_in_machines" / "index.html").is_file()
    assert len(loads) == 1


@pytest.mark.slow
def test_build_writes_notes_for_a_transcript_without_notes_then_renders(tmp_path: Path) -> None:
    transcripts = tmp_path / "content" / "transcripts"
    transcripts.mkdir(parents=True)
    # An imported file with no public media (issue 13): no player, no YouTube link.
    data = json.loads((Path(__file__).parent / "fixtures" / "notes_talk.json").read_text())
    (transcripts / "fixture-talk.json").write_text(json.dumps(data))
    config = load_config(tmp_path)
    result = api.build(config, extensions=[])
    topics = sorted((tmp_path / "content/notes/topics").glob("*.md"))
    assert topics, "no topic notes were generated"
    page = tmp_path / "site" / "topics" / topics[0].stem / "index.html"
    html = page.read_text(encoding="utf-8")
    assert 'id="player"' not in html and "youtube" not in html
    assert '<span class="yt-timestamp" data-t="' in html
    assert result.pages > len(topics)
    again = api.build(config, extensions=[])
    assert again.up_to_date and again.written == []
    # The same talk as a feed episode: an <audio> player, timestamps into its audio.
    data["media"] = {"kind": "audio", "url": "https://cdn.example.org/talk.mp3"}
    (transcripts / "fixture-talk.json").write_text(json.dumps(data))
    api.build(config, extensions=[])
    html = page.read_text(encoding="utf-8")
    assert '<audio id="player" controls preload="metadata" data-video-id="fixture-talk"' in html
    assert 'href="https://cdn.example.org/talk.mp3#t=' in html and "youtube" not in html


def test_tags_that_slugify_alike_share_one_page(project: Path) -> None:
    notes = project / "content/notes/journal"
    (notes / "upper.md").write_text("---\ntags: [AI, Ethics]\n---\nUpper.\n", encoding="utf-8")
    (notes / "hash.md").write_text("---\ntags: ['#ai']\n---\nHash.\n", encoding="utf-8")
    result = build(project)
    tag_pages = [w for w in result.written if w.startswith("tags/")]
    assert len(tag_pages) == len(set(tag_pages))
    html = (project / "site/tags/ai/index.html").read_text(encoding="utf-8")
    assert all(t in html for t in ("My reading notes", "upper", "hash"))


def test_video_page_lists_topics_once(project: Path) -> None:
    video = project / "content/notes/videos/what_makes_us_human.md"
    video.write_text(video.read_text(encoding="utf-8") + "\n## Topics\n\n- [[Empathy in machines]]"
                     "\n\n## Notes\n\nKept.\n", encoding="utf-8")
    build(project)
    html = (project / "site/videos/what_makes_us_human/index.html").read_text(encoding="utf-8")
    # one list of moments: the creator's chapters with the topics inside them
    assert html.count("<h2>Chapters</h2>") == 1 and "<h2>Topics</h2>" not in html
    assert '<h2 id="topics"' not in html and "Kept." in html
    assert html.count(">Empathy in machines</a>") == 1


def test_pages_rendered_by_worker_processes_equal_those_rendered_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`jobs` changes how fast a site is built, never a byte of it (local graphs included)."""
    from notegraph.site import build as site_build
    from notegraph.site.plugins.graph import GraphExtension

    monkeypatch.setattr(site_build, "NOTE_CHUNK", 2)  # several chunks from a small vault
    monkeypatch.setattr(site_build, "PARALLEL_FROM", 0)
    # which processes plan note pages (a file per process: workers cannot append to a list)
    pids = tmp_path / "pids"
    real_note_page = site_build.note_page

    def note_page(*args, **kwargs):
        (pids / str(os.getpid())).touch()
        return real_note_page(*args, **kwargs)

    monkeypatch.setattr(site_build, "note_page", note_page)
    sites, planners = {}, {}
    for jobs in (1, 2):
        root = tmp_path / f"jobs{jobs}"
        shutil.copytree(FIXTURE, root)
        pids.mkdir()
        result = build_site(load_config(root, {"jobs": jobs}),
                            extensions=[GraphExtension(embed=False)])
        assert result.rendered_bodies == 9  # as in-process: workers' renders come back
        sites[jobs] = site_files(root)
        planners[jobs] = {int(p.name) for p in pids.iterdir()}
        shutil.rmtree(pids)
    assert planners[1] == {os.getpid()}
    # planned in worker processes only (how the chunks spread over them is the pool's)
    assert planners[2] and os.getpid() not in planners[2]
    assert sites[1] == sites[2]
    assert any("ng-local" in html.decode() for html in sites[2].values())


def test_render_cache_drops_renders_no_build_uses_once_they_outnumber_the_live_ones(
        project: Path) -> None:
    import sqlite3

    def cached() -> int:
        db = sqlite3.connect(project / ".cache/notegraph/render-cache.sqlite")
        try:
            return db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0]
        finally:
            db.close()

    live = build(project).rendered_bodies  # 9 distinct bodies
    note = project / "content/notes/journal/my_reading_notes.md"
    text = note.read_text(encoding="utf-8")
    counts = []
    for i in range(live + 2):  # each edit leaves the previous render behind
        note.write_text(text + f"\nEdit {i}.\n", encoding="utf-8")
        build(project)
        counts.append(cached())
    assert counts[:live] == list(range(live + 1, 2 * live + 1))  # kept while few
    assert counts[live] == live  # then pruned to what the site uses
    assert max(counts) <= 2 * live
    shutil.rmtree(project / "site")
    assert build(project).rendered_bodies == 0  # the live renders survived the pruning
