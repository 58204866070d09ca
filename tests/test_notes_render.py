"""Topic → markdown: escaping, links, frontmatter, fingerprints, related notes."""

from __future__ import annotations

import re

import pytest
import yaml

from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic, VideoTopics
from notegraph.notes.compose import body_fingerprint, compose_vault, with_linked_concepts
from notegraph.notes.markdown import escape_text, link_terms
from notegraph.notes.names import NamesInUse
from notegraph.slugs import WIKILINK_RE, link_key, parse_wikilink


@pytest.mark.parametrize(("raw", "must_not", "must"), [
    ("<script>alert(1)</script>", "<script>", "&lt;script&gt;"),
    ("see [[fake link]] here", "[[", "&#91;&#91;fake link&#93;&#93;"),
    ("a | b", "|", "&#124;"),
    ("#hashtag and **bold**", "**", "\\#hashtag"),
    ("1. not a list", None, "1\\. not a list"),
    ("- not a list", None, "\\- not a list"),
    ("a %%comment%% b", "%%", "&#37;&#37;comment"),
    ("==marked== and ~~struck~~", "==", "&#126;&#126;struck"),
    ("50% of us, 2 = 2 ~ 3", "&#", "50% of us, 2 = 2 ~ 3"),  # single ones read as said
])
def test_escape_text_neutralises_markup(raw: str, must_not: str | None, must: str) -> None:
    out = escape_text(raw)
    if must_not:
        assert must_not not in out
    assert must in out


def test_escaped_text_renders_as_the_same_characters() -> None:
    import markdown

    raw = "<b>x</b> [[y]] a_b *c* 5 > 3 & `d` #e 50% %%f%% ==g== ~~h~~ $i$"
    html = markdown.markdown(escape_text(raw))
    assert "<b>" not in html and "<code>" not in html and "<em>" not in html
    text = re.sub(r"<[^>]+>", "", html)
    import html as htmllib

    assert htmllib.unescape(text) == raw


def test_link_terms_links_each_target_once_and_keeps_the_spoken_form() -> None:
    done: set[str] = set()
    out = link_terms("Dark matter and dark matter again, said Vera Rubin.",
                     {"dark matter": "dark matter", "Vera Rubin": "Vera Rubin"}, done)
    assert out == "[[dark matter|Dark matter]] and dark matter again, said [[Vera Rubin]]."
    assert link_terms("dark matter", {"dark matter": "dark matter"}, done) == "dark matter"


def _video(vid: str, title: str, topics: list[tuple[str, float, float, list[str]]],
           vectors: list[list[float]]) -> VideoTopics:
    out = []
    for name, start, end, concepts in topics:
        s = Sentence(start + 1, start + 5, f"We discuss {concepts[0]} here, <b>really</b>.",
                     "Ann Lee")
        seg = Segment(vid, start, end, (s,), None)
        out.append(Topic(seg, name, f"Ann Lee talks about {concepts[0]}.",
                         (Section("Part one", (KeyPoint(s.text, s.start, s.speaker),)),),
                         tuple(concepts), ("Ann Lee",)))
    return VideoTopics(vid, title, "Ann Lee", 600.0, "youtube:manual", tuple(out),
                       tuple(tuple(v) for v in vectors))


@pytest.fixture
def vault() -> list:
    a = _video("aaaaaaaaaaa", "Talk A", [("Dark matter", 0, 100, ["dark matter", "galaxies"]),
                                         ("Sleep", 100, 200, ["sleep"]),
                                         ("Coffee", 200, 300, ["coffee"])],
               [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    b = _video("bbbbbbbbbbb", "Talk B", [("Galaxies", 0, 100, ["Galaxy", "dark matters"]),
                                         ("Introduction", 100, 200, ["sleep"])],
               [[0.9, 0.1, 0], [0, 0.8, 0.2]])
    return compose_vault([a, b])


def _keys(notes: list) -> set[str]:
    keys = set()
    for n in notes:
        keys |= {link_key(n.slug), link_key(n.title)}
        keys |= {link_key(a) for a in n.frontmatter.get("aliases", [])}
    return keys


def test_no_generated_link_dangles(vault: list) -> None:
    keys = _keys(vault)
    links = [parse_wikilink(m.group(2)).target for n in vault for m in WIKILINK_RE.finditer(n.body)]
    assert links
    assert [t for t in links if link_key(t) not in keys] == []


def test_slugs_are_unique_and_in_the_seed_style(vault: list) -> None:
    slugs = [n.slug for n in vault]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", s) for s in slugs)


def test_concepts_are_canonical_across_videos(vault: list) -> None:
    concepts = [n for n in vault if n.kind == "concept"]
    names = sorted(n.title for n in concepts)
    assert names.count("dark matter") == 1 and "dark matters" not in names
    assert len([n for n in names if n.lower().startswith("galax")]) == 1


def test_topic_note_shape_and_frontmatter(vault: list) -> None:
    note = next(n for n in vault if n.kind == "topic" and n.title == "Dark matter")
    text = note.text()
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["type"] == "topic" and meta["generator"] == "notegraph"
    assert meta["videoId"] == "aaaaaaaaaaa" and meta["start"] == 0 and meta["end"] == 100
    assert meta["people"] == ["Ann Lee"] and "dark matter" in meta["concepts"]
    assert meta["fingerprint"] == body_fingerprint(note.body)
    assert note.body.startswith("From: [[")
    assert '<a class="yt-timestamp" data-t="00:00:01">[00:00:01]</a>' in note.body
    assert "<b>" not in note.body and "&lt;b&gt;" in note.body
    assert "> [!info] Related Concepts" in note.body


def _callout(vault: list, title: str) -> list[str]:
    note = next(n for n in vault if n.kind == "topic" and n.title == title)
    callout = note.body.split("> [!info] Related Concepts")[1]
    return [parse_wikilink(m.group(2)).text for m in WIKILINK_RE.finditer(callout)]


def test_related_notes_come_from_other_videos(vault: list) -> None:
    """By meaning (topic vectors) and shared concepts, from the one related engine; an
    episode's own topics are on its video note, not in the callout."""
    # "Galaxies" is close in meaning and shares "dark matter"; "Introduction" shares
    # nothing; "Sleep" and "Coffee" are the same video's
    assert _callout(vault, "Dark matter") == ["Galaxies"]
    # "Sleep" first: closer in meaning, and the shared concept "sleep"
    assert _callout(vault, "Introduction") == ["Sleep", "Coffee"]


def test_a_topic_with_nothing_related_lists_its_concepts() -> None:
    one = _video("aaaaaaaaaaa", "Talk A", [("Dark matter", 0, 100, ["dark matter"]),
                                           ("Coffee", 100, 200, ["coffee"])], [[1, 0], [0, 1]])
    assert _callout(compose_vault([one]), "Coffee") == ["coffee"]


def test_hand_written_notes_keep_their_names(vault: list) -> None:
    a = _video("aaaaaaaaaaa", "Talk A", [("Dark matter", 0, 100, ["dark matter"])], [[1, 0]])
    notes = compose_vault([a], NamesInUse(taken=frozenset({"dark_matter"}),
                                            claimed=frozenset({"dark matter"})))
    assert not any(n.kind == "concept" and n.title == "dark matter" for n in notes)
    topic = next(n for n in notes if n.kind == "topic")
    assert topic.slug != "dark_matter"
    assert "[[dark matter]]" in topic.body  # resolves to the person's own note


def test_person_and_concept_notes_list_every_mention(vault: list) -> None:
    person = next(n for n in vault if n.kind == "person")
    assert person.title == "Ann Lee"
    assert person.body.count("- [[") == 5
    assert "https://www.youtube.com/watch?v=aaaaaaaaaaa&t=1s" in person.body


def test_channel_named_like_a_person_does_not_steal_the_persons_link(vault: list) -> None:
    channel = next(n for n in vault if n.kind == "channel")
    person = next(n for n in vault if n.kind == "person")
    assert person.slug == "ann_lee" and channel.slug == "ann_lee_channel"
    topic = next(n for n in vault if n.kind == "topic")
    assert topic.body.startswith("From: [[ann_lee_channel|Ann Lee]] <br/>")


def test_people_and_concepts_get_their_natural_slug_before_topics() -> None:
    a = _video("aaaaaaaaaaa", "Talk A", [("Ann Lee", 0, 100, ["dark matter"]),
                                         ("Dark matter", 100, 200, ["dark matter"])], [[1, 0]])
    notes = compose_vault([a], NamesInUse(slugs={"topic:aaaaaaaaaaa@0": "old_topic_slug"}))
    by_kind = {(n.kind, n.title): n.slug for n in notes}
    assert by_kind[("person", "Ann Lee")] == "ann_lee"
    assert by_kind[("concept", "dark matter")] == "dark_matter"
    assert by_kind[("topic", "Ann Lee")] == "old_topic_slug"  # stable across runs
    assert by_kind[("topic", "Dark matter")] == "dark_matter_talk_a"


def test_an_unidentified_speaker_is_never_shown() -> None:
    s = Sentence(1.0, 5.0, "We discuss dark matter here.", "unidentified (turn 4)")
    topic = Topic(Segment("ccccccccccc", 0.0, 10.0, (s,), None), "Dark matter", "",
                  (Section("Dark matter halo", (KeyPoint(s.text, s.start, s.speaker),)),),
                  ("dark matter",), ())
    notes = compose_vault([VideoTopics("ccccccccccc", "Talk C", "Show", 60.0, "youtube:manual",
                                      (topic,), ((1.0, 0.0),))])
    (note,) = [n for n in notes if n.kind == "topic"]
    assert "unidentified" not in note.body
    assert "- We discuss [[dark matter]] here." in note.body


def test_a_concept_linked_by_hand_is_added_where_the_talk_says_it() -> None:
    """Said once per talk (below a topic's threshold) but twice in the vault, and
    linked in a hand-written note: the concept is added to the topics that say it."""
    # each topic's one sentence is "We discuss <first concept> here"
    a = _video("aaaaaaaaaaa", "Talk A", [("Galaxies", 0, 100, ["galaxies"]),
                                         ("Sleep", 100, 200, ["sleep"])], [[1, 0], [0, 1]])
    b = _video("bbbbbbbbbbb", "Talk B", [("More galaxies", 0, 100, ["galaxies", "stars"])],
               [[1, 0]])
    videos = with_linked_concepts([a, b], ["discuss galaxies", "discuss sleep",
                                           "Discuss Galaxies", "we discuss galaxies here too"])
    assert [list(t.concepts) for v in videos for t in v.topics] == [
        ["galaxies", "discuss galaxies"],  # said twice in the vault: added where said
        ["sleep"],                         # "discuss sleep" said once: not enough
        ["galaxies", "stars", "discuss galaxies"]]
    notes = compose_vault(videos)
    assert any(n.kind == "concept" and n.title == "discuss galaxies" for n in notes)
