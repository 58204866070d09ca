"""Markdown rendering: wikilinks, callouts, timestamps, and that raw HTML never runs."""

from __future__ import annotations

import pytest

from notegraph.site.render import LinkTarget, NoteRenderer, heading_anchor

LINKS = {
    ("empathy", None): LinkTarget("../../concepts/empathy/", "Empathy", "concepts/empathy/"),
    ("empathy", "In short"): LinkTarget("../../concepts/empathy/", "Empathy",
                                        "concepts/empathy/"),
    ("ada lovelace", None): LinkTarget("../../people/ada/", "Ada Lovelace", "people/ada/"),
}


@pytest.fixture(scope="module")
def renderer() -> NoteRenderer:
    return NoteRenderer()


@pytest.mark.parametrize(("source", "expected"), [
    # a link named by its note's title: its words weigh little in search (the note's own)
    ("[[empathy]]", '<a class="wikilink" data-note="concepts/empathy/" '
                    'data-pagefind-weight="0.2" href="../../concepts/empathy/">empathy</a>'),
    ("[[empathy|feeling with]]", '<a class="wikilink" data-note="concepts/empathy/" '
                                 'href="../../concepts/empathy/">feeling with</a>'),
    ("[[Empathy|feeling with]]", ">feeling with</a>"),
    ("[[empathy | feeling with]]", ">feeling with</a>"),  # spaces around | (foreign vaults)
    ("[[empathy#In short]]", 'href="../../concepts/empathy/#in-short">empathy › In short</a>'),
    ("[[nobody here]]", '<a class="wikilink missing" title="Missing note: nobody here">'
                        "nobody here</a>"),
    ("`[[empathy]]`", "<code>[[empathy]]</code>"),  # not in code
    ("![[empathy]]", 'class="wikilink embed"'),
    # Pagefind spaces a weighted element from what follows ("Lena Whitfield : We…"): the
    # punctuation glued to the link goes inside the weighted span
    ("[[empathy]]: we", '<span data-pagefind-weight="0.2"><a class="wikilink" '
                        'data-note="concepts/empathy/" href="../../concepts/empathy/">'
                        "empathy</a>:</span> we"),
    ("[[empathy]]'s reach", "empathy</a>'s</span> reach"),
    ("[[empathy]] and", 'data-pagefind-weight="0.2" href="../../concepts/empathy/">'
                        "empathy</a> and"),
    # in a table Obsidian escapes the alias pipe: still a link with its label
    ("| a |\n|---|\n| [[empathy\\|feeling with]] |\n",
     '<td><a class="wikilink" data-note="concepts/empathy/" href="../../concepts/empathy/">'
     "feeling with</a></td>"),
    ("[[empathy\\|feeling with]] too", 'href="../../concepts/empathy/">feeling with</a> too'),
])
def test_wikilinks(renderer: NoteRenderer, source: str, expected: str) -> None:
    assert expected in renderer.render(source, LINKS).html


def test_fallback_resolver_used_for_links_not_in_the_map(renderer: NoteRenderer) -> None:
    html = renderer.render("[[Other]]", {},
                           fallback=lambda t, h: LinkTarget("../o/", t, "o/")).html
    assert 'href="../o/"' in html and ">Other</a>" in html


def test_timestamp_becomes_a_link_to_the_moment_with_seek_data(renderer: NoteRenderer) -> None:
    src = 'Claim <a class="yt-timestamp" data-t="01:18:18">[01:18:18]</a>.'
    html = renderer.render(src, {}, video_id="U5OD8MjYnOM").html
    assert 'href="https://www.youtube.com/watch?v=U5OD8MjYnOM&amp;t=4698"' in html
    assert 'data-seconds="4698"' in html and 'data-video-id="U5OD8MjYnOM"' in html
    assert ">[01:18:18]</a>" in html


def test_short_and_malformed_timestamps(renderer: NoteRenderer) -> None:
    short = renderer.render('<a class="yt-timestamp" data-t="05:57">[05:57]</a>', {},
                            video_id="abcDEF12345").html
    assert "t=357" in short and "[00:05:57]" in short
    bad = renderer.render('<a class="yt-timestamp" data-t="51:95:00">[51:95:00]</a>', {},
                          video_id="abcDEF12345").html
    assert 'class="yt-timestamp malformed"' in bad and "youtube.com" not in bad
    no_video = renderer.render('<a class="yt-timestamp" data-t="00:00:10">[00:00:10]</a>',
                               {}).html
    assert "<span" in no_video and "href" not in no_video


def test_callout_with_title_and_list(renderer: NoteRenderer) -> None:
    src = "> [!info] Related Concepts\n>\n> Explore:\n> - [[empathy]]\n> - [[missing]]\n"
    html = renderer.render(src, LINKS).html
    assert '<div class="callout callout-info" data-callout="info">' in html
    assert '<div class="callout-title">Related Concepts</div>' in html
    assert "<ul data-pagefind-ignore" in html and html.count("<li>") == 2
    assert "[!info]" not in html


def test_lists_of_links_only_are_not_indexed(renderer: NoteRenderer) -> None:
    """A list that is only wikilinks (a video's People, a Related callout) is a way to
    other notes: search ignores it, so a page is not found (nor excerpted) by it."""
    links = renderer.render("## People\n\n- [[empathy]]\n- [[missing]]\n", LINKS).html
    assert '<ul data-pagefind-ignore="">' in links
    said = renderer.render("- [[empathy]] is what we lack\n- [[missing]]\n", LINKS).html
    assert "<ul>" in said and "data-pagefind-ignore" not in said
    callout = renderer.render("> [!info] Related Concepts\n>\n> - [[empathy]]\n", LINKS).html
    assert 'data-callout="info" data-pagefind-ignore=""' in callout  # its title too


def test_plain_blockquote_stays_a_blockquote(renderer: NoteRenderer) -> None:
    assert "<blockquote>" in renderer.render("> just a quote", {}).html


def test_tables_code_footnotes_and_heading_anchors(renderer: NoteRenderer) -> None:
    src = ("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = '<b>'\n```\n\n"
           "Text.[^1]\n\n## A heading\n\n[^1]: note\n")
    html = renderer.render(src, {}).html
    assert "<table>" in html and "<td>1</td>" in html
    assert "x = &#39;&lt;b&gt;&#39;" in html or "x = '&lt;b&gt;'" in html
    assert 'class="footnote-ref"' in html
    assert '<h2 id="a-heading">' in html and heading_anchor("A heading") == "a-heading"


def test_toc_only_for_long_notes(renderer: NoteRenderer) -> None:
    assert renderer.render("## One\n## Two\n", {}).toc == ()
    toc = renderer.render("## One\n## Two\n### Three\n## Four\n", {}).toc
    assert [(t.level, t.name) for t in toc] == [(2, "One"), (2, "Two"), (3, "Three"), (2, "Four")]


def test_list_right_after_a_paragraph_is_a_list(renderer: NoteRenderer) -> None:
    assert "<ul>" in renderer.render("Related:\n- [[empathy]]\n- b\n", LINKS).html


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil></iframe>",
    "<svg onload=alert(1)>",
])
def test_raw_html_is_shown_never_run(renderer: NoteRenderer, attack: str) -> None:
    html = renderer.render(f"Someone said {attack} on air.\n\n{attack}\n", {}).html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<svg" not in html and '<a href="javascript' not in html
    assert "&lt;" in html  # the characters are shown


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT&#58;alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,<script>",
                                 "vbscript:x"])
def test_unsafe_link_urls_are_removed(renderer: NoteRenderer, url: str) -> None:
    html = renderer.render(f"[click]({url})", {}).html
    assert 'href="#unsafe-url-removed"' in html


@pytest.mark.parametrize("url", ["https://example.org/a?b=1", "../other/", "#part",
                                 "mailto:a@b.c", "page.html"])
def test_safe_link_urls_are_kept(renderer: NoteRenderer, url: str) -> None:
    assert "unsafe-url-removed" not in renderer.render(f"[ok]({url})", {}).html


def test_wikilink_label_is_escaped(renderer: NoteRenderer) -> None:
    html = renderer.render("[[empathy|<b onmouseover=x>hi</b>]]", LINKS).html
    assert "<b" not in html and "&lt;b onmouseover=x&gt;hi&lt;/b&gt;" in html


def test_renderer_is_reusable_without_leaking_state(renderer: NoteRenderer) -> None:
    first = renderer.render("Text.[^1]\n\n[^1]: one\n", {}).html
    second = renderer.render("Other.\n", {}).html
    assert "footnote" in first and "footnote" not in second
