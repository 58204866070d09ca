"""Obsidian `![[note]]` embeds and inline `#tags` on the built site."""

from __future__ import annotations

import shutil
from pathlib import Path

from notegraph.config import load_config
from notegraph.site.build import build_site
from notegraph.vault.text import inline_tags

FIXTURE = Path(__file__).parent / "fixtures" / "site_project"

NOTES = {
    "journal/alpha.md": "---\ntitle: Alpha\n---\nAlpha opens with #embodiment talk.\n\n"
                        "![[beta]]\n\nAnd ![[beta]] inside a sentence.\n\n"
                        "![[beta#Second part]]\n",
    "journal/beta.md": "---\ntitle: Beta <i>\n---\nBeta's own words about #Empathy and "
                       "[[Ada Lovelace]].\n\n![[alpha]]\n\n## Second part\nOnly this part.\n",
    "journal/self.md": "---\ntitle: Self\n---\nA loop: ![[self]] and `#not_a_tag`.\n\n"
                       "## Not #heading_tag\nhttps://example.org/page#frag &#39; #123\n",
}


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    for rel, text in NOTES.items():
        (root / "content/notes" / rel).write_text(text, encoding="utf-8")
    build_site(load_config(root, {}), extensions=[])
    return root / "site"


def test_inline_tags_skip_code_headings_urls_and_numbers() -> None:
    assert inline_tags(NOTES["journal/self.md"]) == []
    assert inline_tags('<a href="#fn:1">x</a> <sup id="#y">') == []
    assert inline_tags("x #ai, #nested/tag and #AI.\n```\n#code\n```\n") == [
        "ai", "nested/tag", "AI"]


def test_embed_transcludes_one_level_and_never_loops(tmp_path: Path) -> None:
    site = _site(tmp_path)
    alpha = (site / "journal/alpha/index.html").read_text(encoding="utf-8")
    # the whole note, titled and escaped, with its links made relative to this page
    assert ('<div class="embed"><a class="wikilink embed-title" href="../../journal/beta/"'
            in alpha)
    assert "Beta &lt;i&gt;" in alpha
    assert "Beta&#39;s own words" in alpha or "Beta's own words" in alpha
    assert 'href="../../people/ada_lovelace/"' in alpha
    # beta embeds alpha back: inside the embed that is a link card, not another copy
    assert alpha.count("<p>Alpha opens with") == 1
    assert 'class="wikilink embed"' in alpha and ">Alpha</a>" in alpha
    assert 'href="../../tags/empathy/">#Empathy</a>' in alpha  # tags inside embeds link
    # a section embed shows only that section
    assert alpha.count("Only this part.") == 2  # whole-note embed + section embed
    assert "Beta &lt;i&gt; › Second part" in alpha
    selfpage = (site / "journal/self/index.html").read_text(encoding="utf-8")
    assert selfpage.count("<p>A loop:") == 1 and 'class="wikilink embed"' in selfpage


def test_inline_tags_get_tag_pages_and_links(tmp_path: Path) -> None:
    site = _site(tmp_path)
    alpha = (site / "journal/alpha/index.html").read_text(encoding="utf-8")
    assert '<a class="tag" href="../../tags/embodiment/">#embodiment</a> talk' in alpha
    tag_page = (site / "tags/empathy/index.html").read_text(encoding="utf-8")
    assert "journal/beta/" in tag_page
    assert not (site / "tags/not_a_tag").exists() and not (site / "tags/heading_tag").exists()
    assert not (site / "tags/123").exists() and not (site / "tags/frag").exists()
