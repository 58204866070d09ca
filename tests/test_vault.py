"""Vault loading: tolerant parsing, links with context, backlinks, safe URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from notegraph.vault.frontmatter import split_frontmatter
from notegraph.vault.read import assign_urls, load_vault, parse_note

FIXTURE = Path(__file__).parent / "fixtures" / "site_project" / "content" / "notes"


def test_loads_every_note_and_resolves_links() -> None:
    vault = load_vault(FIXTURE)
    assert len(vault.notes) == 9
    topic = vault.notes["topics/empathy_in_machines"]
    assert topic.type == "topic" and topic.video_id == "abcDEF12345"
    assert topic.number("start") == 65 and topic.names("people") == ("Ada Lovelace",)
    targets = dict(zip([link.target for link in topic.links], vault.resolved[topic.id],
                       strict=True))
    assert targets["Ada Lovelace"] == "people/ada_lovelace"
    assert targets["embodied_cognition"] == "concepts/embodiment"  # by alias
    assert targets["Nobody Knows This"] is None
    assert [(u.source, u.target) for u in vault.unresolved] == [
        ("topics/empathy_in_machines", "Nobody Knows This")]


def test_broken_frontmatter_is_reported_not_fatal() -> None:
    vault = load_vault(FIXTURE)
    broken = vault.notes["journal/broken"]
    assert broken.title == "broken" and "fine body" in broken.body
    assert "title:" not in broken.body  # the broken block is still hidden
    assert vault.problems and vault.problems[0][0] == "journal/broken"


def test_unclosed_frontmatter_and_bad_bytes() -> None:
    note = parse_note("a.md", b"---\ntitle: x\nno end\n\xff body [[b]]")
    assert len(note.problems) == 2 and note.links[0].target == "b"


@pytest.mark.parametrize(("text", "meta", "body", "problem"), [
    ("---\ntitle: A\n---\n\nBody\n", {"title": "A"}, "\nBody\n", None),
    ("---\r\ntitle: A\r\n---\r\n\r\nBody\r\n", {"title": "A"}, "\nBody\n", None),  # CRLF
    ("\ufeff---\ntitle: A\n---\nBody", {"title": "A"}, "Body", None),  # a BOM
    ("---\ntitle: A\n...\nBody", {"title": "A"}, "Body", None),  # YAML's end-of-document
    ("---\ntitle: A\n---", {"title": "A"}, "", None),  # the file ends at the closing line
    ("---  \ntitle: A\n--- \nBody", {"title": "A"}, "Body", None),  # trailing spaces
    ("---\n---\nBody", {}, "Body", None),  # empty frontmatter
    ("No frontmatter\n---\n", {}, "No frontmatter\n---\n", None),
    ("---\ntitle: A\nno end", {}, "---\ntitle: A\nno end", "never closed"),
    ("----\nA rule first.\n", {}, "----\nA rule first.\n", None),  # not an opener
    ("--- not yaml\nText\n---\n", {}, "--- not yaml\nText\n---\n", None),
    ("---", {}, "---", "never closed"),  # an opener and nothing else
    ("---\ntitle: [A\n---\nBody", {}, "Body", "not valid YAML"),
    ("---\n- a list\n---\nBody", {}, "Body", "not a mapping"),
])
def test_split_frontmatter(text: str, meta: dict, body: str, problem: str | None) -> None:
    problems: list[str] = []
    assert split_frontmatter(text, problems) == (meta, body)
    assert [problem in p for p in problems] == ([True] if problem else [])


@pytest.mark.parametrize(("yaml_value", "names"), [
    ('["[[Maya Okafor]]"]', ("Maya Okafor",)),  # Obsidian's list-of-links property
    ('"[[Maya Okafor]], [[Ada Lovelace]]"', ("Maya Okafor", "Ada Lovelace")),
    ("[[Maya Okafor]]", ("Maya Okafor",)),  # unquoted: YAML reads a list in a list
    ('["[[maya_okafor|Maya]]", "[[Ada#Early life]]"]', ("maya_okafor", "Ada")),  # targets
    ("[Maya Okafor, ' Ada ']", ("Maya Okafor", "Ada")),
    ('["[[ ]]", "", null]', ()),  # empty links and values name nobody
    ("Maya [[Okafor]]", ("Maya [[Okafor]]",)),  # only a whole value is a link
    ("", ()),
])
def test_frontmatter_names_drop_wikilink_brackets(yaml_value: str, names: tuple) -> None:
    note = parse_note("t.md", f"---\npeople: {yaml_value}\n---\nBody".encode())
    assert note.names("people") == names


@pytest.mark.parametrize(("yaml_value", "name"), [
    ('"[[The Show]]"', "The Show"),
    ("The Show, Inc", "The Show, Inc"),  # one name: commas are part of it
    ("2024", "2024"),
    ("[The Show]", None),  # a list is no single name
    ("", None),
])
def test_frontmatter_single_name(yaml_value: str, name: str | None) -> None:
    note = parse_note("t.md", f"---\nchannel: {yaml_value}\n---\nBody".encode())
    assert note.name("channel") == name


def test_backlinks_carry_the_sentence_around_the_link() -> None:
    vault = load_vault(FIXTURE)
    back = {b.source: b.context for b in vault.backlinks["people/ada_lovelace"]}
    assert back["topics/empathy_in_machines"] == "Ada Lovelace argues that empathy needs a body."
    assert back["journal/my_reading_notes"] == (
        "I liked Empathy in machines and countess of lovelace.")


def test_links_inside_code_are_not_links() -> None:
    note = parse_note("n.md", b"`[[a]]` and\n```\n[[b]]\n```\n[[c]]")
    assert [link.target for link in note.links] == ["c"]


def test_urls_are_slugs_that_cannot_escape_the_site() -> None:
    notes = [parse_note(p, b"x") for p in (
        "../../etc/passwd.md", "a b/C D.md", "\u2068cleo\u2069/cleo.md", "cleo/cleo.md",
        "graph.md", "assets/x.md", "caf\u00e9/\u00fc.md", "x/.md")]
    urls = assign_urls(notes)
    for url in urls.values():
        assert url.endswith("/") and ".." not in url and "//" not in url
        assert all(part and set(part) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")
                   for part in url[:-1].split("/"))
    assert len(set(urls.values())) == len(urls)
    assert urls["graph"] != "graph/" and not urls["assets/x"].startswith("assets/")


def test_parse_cache_reuses_unchanged_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("[[b]]", encoding="utf-8")
    (notes / "b.md").write_text("B", encoding="utf-8")
    first = load_vault(notes, tmp_path / "cache")
    again = load_vault(notes, tmp_path / "cache")
    assert again.notes["a"] == first.notes["a"] and again.resolved["a"] == ("b",)
    (tmp_path / "cache" / "vault-parse.pickle").write_bytes(b"corrupt")
    assert load_vault(notes, tmp_path / "cache").resolved["a"] == ("b",)


def test_parse_cache_records_a_few_changed_notes_beside_its_base(tmp_path: Path) -> None:
    notes, cache_dir = tmp_path / "notes", tmp_path / "cache"
    notes.mkdir()
    for k in range(5):
        (notes / f"n{k}.md").write_text(f"Note {k} links [[n{(k + 1) % 5}]].", encoding="utf-8")
    load_vault(notes, cache_dir)
    base = cache_dir / "vault-parse.pickle"
    stamp = base.stat().st_mtime_ns
    (notes / "new.md").write_text("New, linking [[n0]].", encoding="utf-8")
    (notes / "n4.md").unlink()
    vault = load_vault(notes, cache_dir)
    # the base file is not rewritten for two changes: they go to the changes file
    assert base.stat().st_mtime_ns == stamp and base.with_name(base.name + ".changes").is_file()
    again = load_vault(notes, cache_dir)
    assert again == vault and set(again.notes) == {"n0", "n1", "n2", "n3", "new"}
    assert again.notes["new"] == vault.notes["new"] and again.resolved["new"] == ("n0",)


def test_dict_pickle_rewrites_its_base_when_changes_pile_up(tmp_path: Path) -> None:
    from notegraph.cache import DictPickle

    path = tmp_path / "d.pickle"
    store = DictPickle(path, "v1", max_changes=2)
    store.read()
    store.write({"a": 1, "b": 2, "c": 3})
    changes = path.with_name("d.pickle.changes")
    assert not changes.exists()
    store = DictPickle(path, "v1", max_changes=2)
    assert store.read() == {"a": 1, "b": 2, "c": 3}
    store.write({"a": 1, "b": 20})  # one changed, one removed: changes only
    assert changes.exists() and DictPickle(path, "v1").read() == {"a": 1, "b": 20}
    store = DictPickle(path, "v1", max_changes=2)
    store.read()
    store.write({"a": 10, "b": 20, "d": 4})  # three changes against the base: rewritten
    assert not changes.exists() and DictPickle(path, "v1").read() == {"a": 10, "b": 20, "d": 4}
    # a changes file never applies to another base, nor to another version
    store.write({"a": 10, "b": 20, "d": 5})
    assert DictPickle(path, "v1").read()["d"] == 5
    assert DictPickle(path, "v2").read() == {}
    stale = changes.read_bytes()
    DictPickle(path, "v1", max_changes=0).write({"x": 1})
    changes.write_bytes(stale)
    assert DictPickle(path, "v1").read() == {"x": 1}


def test_backlink_context_is_the_sentence_across_hard_wrapped_lines() -> None:
    body = ("# Heading with [[h]]\n\nWe argue that machines\ncan feel with [[Empathy]] when they\n"
            "are embodied. Another sentence.\n\n> [!info] Related\n> - [[Alpha]]\n"
            "> - [[Beta]] is **good**\n>   and wrapped[^1]\n\n- item [[Gamma]]\n  goes on.\n"
            "- item two\n\nA claim <a class=\"yt-timestamp\" data-t=\"00:01:02\">[00:01:02]</a>"
            " about ==[[Delta|delta]]== and ![a picture](x.png).\n")
    note = parse_note("n.md", body.encode())
    contexts = {link.target: link.context for link in note.links}
    assert contexts == {
        "h": "Heading with h",  # a heading is a block of its own
        "Empathy": "We argue that machines can feel with Empathy when they are embodied.",
        "Alpha": "Alpha",  # list items do not run into each other
        "Beta": "Beta is good and wrapped",
        "Gamma": "item Gamma goes on.",
        "Delta": "A claim about delta and a picture.",
    }


def test_backlink_context_of_a_table_row_is_its_cells_not_its_pipes() -> None:
    body = ("| Talk | Who | Topics |\n|---|---|---|\n"
            "| [[Moravec's paradox\\|Moravec]] | [[Lena Whitfield]] | Moravec, *Dreyfus* |\n")
    note = parse_note("n.md", body.encode())
    contexts = {link.target: link.context for link in note.links}
    assert contexts == {"Moravec's paradox": "Moravec · Lena Whitfield · Moravec, Dreyfus",
                        "Lena Whitfield": "Moravec · Lena Whitfield · Moravec, Dreyfus"}


def test_source_lines_open_generated_notes_only() -> None:
    from notegraph.vault.text import summary_text, without_source_lines

    body = ("From: [[c|Channel]] <br/>\nVideo: [[v|A video]] (00:00:38–00:02:55)\n\n"
            "The lead paragraph says what the topic is about, at some length.\n")
    assert without_source_lines(body).startswith("The lead paragraph")
    assert summary_text(body).startswith("The lead paragraph")
    prose = "From the start, this hand-written note was about something else entirely.\n"
    assert without_source_lines(prose) == prose  # prose that merely opens on "From"
    assert summary_text(prose).startswith("From the start")
