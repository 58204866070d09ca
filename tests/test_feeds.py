"""RSS feed and sitemap: dates from frontmatter, ordering, escaping, absolute URLs."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from notegraph.site.plugins import feeds
from notegraph.vault.read import build_vault, parse_note


def _vault(*files: tuple[str, str]):
    return build_vault(Path("."), [parse_note(rel, text.encode()) for rel, text in files])


def test_note_date_reads_strings_dates_and_datetimes():
    v = _vault(("a.md", "---\ndate: 2024-06-17\n---\nx"),
               ("b.md", "---\npublished: '20240618'\n---\nx"),
               ("c.md", "---\nadded: 2024-06-19T10:00:00\n---\nx"),
               ("d.md", "---\ndate: not a date\n---\nx"),
               ("e.md", "no frontmatter"))
    got = {i: feeds.note_date(n) for i, n in v.notes.items()}
    assert got == {"a": dt.date(2024, 6, 17), "b": dt.date(2024, 6, 18),
                   "c": dt.date(2024, 6, 19), "d": None, "e": None}


def test_feed_lists_newest_first_skips_hubs_and_escapes_untrusted_text():
    v = _vault(("old.md", "---\ntitle: Old\ndate: 2020-01-01\n---\nAn old note about things."),
               ("new.md", "---\ntitle: New <script>alert(1)</script>\ndate: 2025-01-01\n---\n"
                          "Body with <img src=x onerror=alert(1)> and \x07 a bell & more text."),
               ("undated.md", "---\ntitle: Undated\n---\nNo date here at all, sadly."),
               ("people/p.md", "---\ntype: person\ntitle: Someone\ndate: 2030-01-01\n---\n"))
    entries = feeds.feed_entries(v)
    assert [e.title for e in entries] == ["New <script>alert(1)</script>", "Old", "Undated"]
    xml = feeds.rss(entries, title="My & notes", base_url="https://ex.org/sub/")
    root = ET.fromstring(xml)  # well-formed despite the control character
    items = root.findall("./channel/item")
    assert items[0].findtext("title") == "New <script>alert(1)</script>"  # text, not markup
    assert "<script>" not in xml
    assert items[0].findtext("link") == "https://ex.org/sub/new/"
    assert items[0].findtext("pubDate") == "Wed, 01 Jan 2025 00:00:00 +0000"
    assert items[2].find("pubDate") is None
    assert root.findtext("./channel/title") == "My & notes"


def test_sitemap_and_relative_urls_without_base(tmp_path: Path):
    for rel in ["", "a/", "a/b/", "pagefind/x/", "404/"]:
        (tmp_path / rel).mkdir(parents=True, exist_ok=True)
        (tmp_path / rel / "index.html").write_text("<p>x</p>")
    paths = feeds.page_paths(tmp_path)
    assert paths == ["", "a/", "a/b/"]
    root = ET.fromstring(feeds.sitemap(paths, "https://ex.org/"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert [e.text for e in root.findall("s:url/s:loc", ns)] == [
        "https://ex.org/", "https://ex.org/a/", "https://ex.org/a/b/"]
    assert feeds.absolute("", "a/") == "a/"

