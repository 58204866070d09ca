"""Topics → markdown notes of the vault (topic, video, person, concept, channel notes).

Pure: `compose_vault` takes every video's topics and what the vault already holds, and
returns the notes to write; `notegraph.notes.files` writes them without losing edits.
Names and slugs come from `notegraph.notes.names`; every piece of transcript text goes
through `notegraph.notes.markdown`, which makes it inert.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml

from notegraph.graph.build import GraphNote, build_graph
from notegraph.graph.related import related_all
from notegraph.models import Sentence, Topic, VideoTopics
from notegraph.notes.markdown import (
    audio_link,
    escape_text,
    link_label,
    link_terms,
    moment_link,
    timestamp_anchor,
    wikilink,
)
from notegraph.notes.names import NamesInUse, VaultNames, name_vault, topic_key
from notegraph.slugs import format_timestamp, is_youtube_id, link_key
from notegraph.store import content_hash
from notegraph.text.cleanup import is_unidentified
from notegraph.topics.concepts import concept_key
from notegraph.vault.text import CHANNEL_LINE, VIDEO_LINE

GENERATOR = "notegraph"
FOLDERS = {"topic": "topics", "video": "videos", "person": "people", "concept": "concepts",
           "channel": "channels"}
MAX_RELATED = 6

# (video id, topic index) → its related topics, each as (video, index, topic)
_Related = dict[tuple[str, int], list[tuple[VideoTopics, int, Topic]]]


# ---------------------------------------------------------------- data in, notes out

@dataclass(frozen=True)
class GeneratedNote:
    """A note to write at `content/notes/<folder>/<slug>.md`."""

    kind: str
    key: str  # stable identity, e.g. "topic:VIDEO@123" or "person:lisa randall"
    slug: str
    title: str
    frontmatter: dict[str, Any]
    body: str

    @property
    def relpath(self) -> str:
        return f"{FOLDERS[self.kind]}/{self.slug}.md"

    @property
    def fingerprint(self) -> str:
        return body_fingerprint(self.body)

    def text(self, kept: dict[str, Any] | None = None) -> str:
        """The whole file: YAML frontmatter (with generator and fingerprint), then body.

        `kept`: frontmatter a person added to the previous version (tags, aliases…),
        carried over: keys we do not generate are kept, aliases are merged.
        """
        meta = {"type": self.kind, **self.frontmatter}
        for key, value in (kept or {}).items():
            if key == "aliases" and isinstance(value, list) and "aliases" in meta:
                meta["aliases"] = list(dict.fromkeys([*meta["aliases"], *map(str, value)]))
            elif key not in meta and key not in ("generator", "fingerprint"):
                meta[key] = value
        meta.update({"generator": GENERATOR, "fingerprint": self.fingerprint})
        head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
        return f"---\n{head}---\n\n{self.body}"


def body_fingerprint(body: str) -> str:
    """Content hash of a note body (blank lines around it do not count as an edit)."""
    return content_hash(body.strip() + "\n")


def _first_mention(sentences: Sequence[Sentence], forms: Sequence[str],
                   speaker: str | None = None) -> float | None:
    patterns = [re.compile(rf"(?<!\w){re.escape(f)}(?!\w)", re.IGNORECASE) for f in forms if f]
    for s in sentences:
        if speaker and s.speaker == speaker:
            return s.start
        if any(p.search(s.text) for p in patterns):
            return s.start
    return None


def with_linked_concepts(videos: Sequence[VideoTopics], phrases: Iterable[str],
                         min_mentions: int = 2) -> list[VideoTopics]:
    """`videos` whose topics also carry the concepts a person linked by hand
    (`[[theory of mind]]` in a hand-written note) wherever the talk says them.

    A phrase is added only when the vault's transcripts say it `min_mentions` times in
    all (a keyphrase said once per episode is below any one topic's threshold, yet a
    person found it worth a link); it is added to the topics that say it, so its concept
    note lists true mentions. Only phrases of 2–4 words ending in a lower-case word
    qualify ("theory of mind", "ELIZA effect"): names and titles ("Alan Turing") are
    people, works or notes, not concepts, and a phrase that is a topic's title links
    to that topic.
    """
    # a link that names a topic already resolves to it: no concept needed
    titles = {link_key(t.title) for v in videos for t in v.topics}
    wanted = []
    for phrase in dict.fromkeys(" ".join(p.split()) for p in phrases):
        words = phrase.split()
        if 2 <= len(words) <= 4 and words[-1][:1].islower() and concept_key(phrase) \
                and link_key(phrase) not in titles:
            wanted.append(phrase)
    if not wanted:
        return list(videos)
    patterns = {p: re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])", re.IGNORECASE)
                for p in wanted}
    said: dict[tuple[int, int], list[str]] = {}
    totals = dict.fromkeys(wanted, 0)
    for vi, v in enumerate(videos):
        for ti, t in enumerate(v.topics):
            text = " ".join(s.text for s in t.segment.sentences)
            for phrase, pattern in patterns.items():
                n = len(pattern.findall(text))
                if n:
                    totals[phrase] += n
                    said.setdefault((vi, ti), []).append(phrase)
    out = []
    for vi, v in enumerate(videos):
        topics = []
        for ti, t in enumerate(v.topics):
            have = {concept_key(c) for c in t.concepts}
            extra = [p for p in said.get((vi, ti), [])
                     if totals[p] >= min_mentions and concept_key(p) not in have]
            topics.append(dataclasses.replace(t, concepts=(*t.concepts, *extra)) if extra else t)
        out.append(dataclasses.replace(v, topics=tuple(topics)))
    return out


def compose_vault(videos: Sequence[VideoTopics], existing: NamesInUse | None = None
                  ) -> list[GeneratedNote]:
    """Every generated note of the vault, from every video's topics."""
    videos = sorted(videos, key=lambda v: v.video_id)
    names = name_vault(videos, existing or NamesInUse())
    related = _related_topics([(v, i, t) for v in videos for i, t in enumerate(v.topics)])
    notes: list[GeneratedNote] = []
    mentions: dict[str, list[str]] = {}  # person/concept/channel key → lines of its note
    for v in videos:
        notes.extend(_video_notes(v, names, related, mentions))
    return notes + _entity_notes(names, mentions)


def _video_notes(v: VideoTopics, names: VaultNames, related: _Related,
                 mentions: dict[str, list[str]]) -> list[GeneratedNote]:
    """The topic notes of one video, then its video note; adds to `mentions` the lines
    its people, concepts and channel list."""
    ck = link_key(v.channel) if v.channel else None
    from_line = (f"{CHANNEL_LINE}{wikilink(names.channel_target[ck], v.channel)} <br/>"
                 if ck else "")
    vlink = wikilink(names.video_slug[v.video_id], v.title or v.video_id)
    notes, topic_lines = [], []
    for i, t in enumerate(v.topics):
        key = topic_key(v.video_id, t)
        tlink = wikilink(names.topic_slug[key], t.title)
        topic_lines.append(f"- {tlink} {timestamp_anchor(t.segment.start)}")
        concept_keys = [k for k in dict.fromkeys(names.concepts.key(c) for c in t.concepts)
                        if k in names.concept_target]
        others = [(names.topic_slug[topic_key(ov.video_id, ot)], ot.title)
                  for ov, _, ot in related.get((v.video_id, i), [])]
        body = _topic_body(v, t, from_line, vlink, names, concept_keys, others)
        notes.append(GeneratedNote(kind="topic", key=key, slug=names.topic_slug[key],
                                   title=t.title, body=body,
                                   frontmatter=_topic_frontmatter(v, t, names, concept_keys)))
        _add_mentions(mentions, v, t, tlink, vlink, names, concept_keys)
    if ck:
        mentions.setdefault(f"channel:{ck}", []).append(f"- {vlink}")
    notes.append(_video_note(v, names.video_slug[v.video_id], from_line, topic_lines,
                             names.person_target))
    return notes


def _topic_frontmatter(v: VideoTopics, t: Topic, names: VaultNames,
                       concept_keys: list[str]) -> dict[str, Any]:
    return {"title": t.title, "videoId": v.video_id, "channel": v.channel,
            "start": _secs(t.segment.start), "end": _secs(t.segment.end),
            "people": [names.people[link_key(p)] for p in t.people],
            "concepts": [names.concepts.names[k] for k in concept_keys],
            # LLM-written notes: how many sentences the check kept, re-cited and dropped
            # (see notegraph.topics.grounding)
            **({"grounding": t.grounding.to_dict()} if t.grounding is not None else {})}


def _add_mentions(mentions: dict[str, list[str]], v: VideoTopics, t: Topic, tlink: str,
                  vlink: str, names: VaultNames, concept_keys: list[str]) -> None:
    """Where the topic mentions each of its people and concepts (first mention)."""
    sentences = t.segment.sentences
    for p in t.people:
        at = _first_mention(sentences, [p], speaker=p)
        at = t.segment.start if at is None else at
        mentions.setdefault(f"person:{link_key(p)}", []).append(
            f"- {tlink} in {vlink} at {moment_link(v.video_id, at)}")
    for k in concept_keys:
        forms = [names.concepts.names[k], *names.concepts.aliases.get(k, ())]
        at = _first_mention(sentences, forms)
        at = t.segment.start if at is None else at
        mentions.setdefault(f"concept:{k}", []).append(
            f"- {tlink} in {vlink} at {moment_link(v.video_id, at)}")


def _entity_notes(names: VaultNames, mentions: dict[str, list[str]]) -> list[GeneratedNote]:
    """Person, concept and channel notes: each lists where it comes up."""
    notes = []
    for k, name in sorted(names.people.items()):
        if k in names.person_slug:
            notes.append(GeneratedNote(
                kind="person", key=f"person:{k}", slug=names.person_slug[k], title=name,
                frontmatter={"title": name, "aliases": []},
                body="Mentioned in:\n\n" + "\n".join(mentions.get(f"person:{k}", [])) + "\n"))
    for k, name in sorted(names.concepts.names.items()):
        if k in names.concept_slug:
            notes.append(GeneratedNote(
                kind="concept", key=f"concept:{k}", slug=names.concept_slug[k], title=name,
                frontmatter={"title": name,
                             "aliases": list(names.concepts.aliases.get(k, ()))},
                body="Discussed in:\n\n" + "\n".join(mentions.get(f"concept:{k}", []))
                + "\n"))
    for k, name in sorted(names.channels.items()):
        notes.append(GeneratedNote(
            kind="channel", key=f"channel:{k}", slug=names.channel_slug[k], title=name,
            frontmatter={"title": name},
            body="Videos:\n\n" + "\n".join(mentions.get(f"channel:{k}", [])) + "\n"))
    return notes


def _secs(x: float) -> float | int:
    r = round(float(x), 3)
    return int(r) if r == int(r) else r


def _topic_body(v: VideoTopics, t: Topic, from_line: str, vlink: str, names: VaultNames,
                concept_keys: list[str], related: list[tuple[str, str]]) -> str:
    concepts, concept_target = names.concepts, names.concept_target
    person_target = names.person_target
    terms: dict[str, str] = {}
    for p in t.people:
        terms[p] = person_target[link_key(p)]
    for k in concept_keys:
        for form in [concepts.names[k], *concepts.aliases.get(k, ())]:
            terms.setdefault(form, concept_target[k])
    done: set[str] = set()
    span = f"{format_timestamp(t.segment.start)}–{format_timestamp(t.segment.end)}"
    lines = [from_line, f"{VIDEO_LINE}{vlink} ({span})", ""] if from_line else \
        [f"{VIDEO_LINE}{vlink} ({span})", ""]
    if t.lead_points:
        # one sentence a line: one paragraph on the page, and each line's text is what
        # was said at its own timestamp
        lines += [f"{link_terms(escape_text(p.text), terms, done)} {timestamp_anchor(p.start)}"
                  for p in t.lead_points] + [""]
    elif t.lead:
        lines += [link_terms(escape_text(t.lead), terms, done), ""]
    prose = t.writer == "llm"  # the model writes paragraphs, not key points
    for section in t.sections:
        lines += [f"## {escape_text(link_label(section.heading))}", ""]
        if prose:
            lines.append(" ".join(f"{link_terms(escape_text(p.text), terms, done)} "
                                  f"{timestamp_anchor(p.start)}" for p in section.points))
            lines.append("")
            continue
        for point in section.points:
            text = link_terms(escape_text(point.text), terms, done)
            who = ""
            # any writer's point: only a real name is shown ("unidentified (turn 3)" is not)
            if point.speaker and not is_unidentified(point.speaker):
                who = (wikilink(person_target[link_key(point.speaker)], point.speaker)
                       if link_key(point.speaker) in person_target
                       else escape_text(point.speaker)) + ": "
            lines.append(f"- {who}{text} {timestamp_anchor(point.start)}")
        lines.append("")
    lines += ["> [!info] Related Concepts", ">"]
    if related:
        lines += [f"> - {wikilink(slug, title)}" for slug, title in related]
    else:
        lines += [f"> - {wikilink(concept_target[k], concepts.names[k])}" for k in concept_keys]
        if not concept_keys:
            lines.append(f"> - {vlink}")
    return "\n".join(lines) + "\n"


def _video_note(v: VideoTopics, slug: str, from_line: str, topic_lines: list[str],
                person_target: dict[str, str]) -> GeneratedNote:
    url = f"https://www.youtube.com/watch?v={v.video_id}" if is_youtube_id(v.video_id) else ""
    lines = [from_line, ""] if from_line else []
    where = f"[Watch on YouTube]({url})" if url else f"Transcript source: {escape_text(v.source)}"
    if not url and (url := audio_link(v.audio_url)):  # a podcast episode: its audio
        where = f"[Listen to the episode](<{url}>)"
    lines += [f"{where} · {format_timestamp(v.duration)}", "", "## Topics", "", *topic_lines, ""]
    people = sorted({p for t in v.topics for p in t.people})
    if people:
        lines += ["## People", "",
                  *[f"- {wikilink(person_target[link_key(p)], p)}" for p in people], ""]
    fm: dict[str, Any] = {"title": v.title or v.video_id, "videoId": v.video_id,
                          "channel": v.channel, "url": url, "duration": _secs(v.duration)}
    return GeneratedNote(kind="video", key=f"video:{v.video_id}", slug=slug,
                         title=v.title or v.video_id, frontmatter=fm, body="\n".join(lines))


def _related_topics(all_topics: list[tuple[VideoTopics, int, Topic]]) -> _Related:
    """Up to `MAX_RELATED` related topics of other videos for each topic, by the one
    related-notes engine (`notegraph.graph.related`): topic vectors for meaning, shared
    concepts for structure. The episode's own topics are on its video note already."""
    by_key = {topic_key(v.video_id, t): (v, i, t) for v, i, t in all_topics}
    concepts = {f"concept:{concept_key(c)}" for _, _, t in all_topics for c in t.concepts}
    g = build_graph([*(GraphNote(key, t.title, "topic",
                                 refs=tuple(f"concept:{concept_key(c)}" for c in t.concepts))
                       for key, (_, _, t) in by_key.items()),
                     *(GraphNote(c, c, "concept") for c in sorted(concepts))])
    vectors = {key: np.asarray(v.vectors[i], dtype=np.float32)
               for key, (v, i, _) in by_key.items() if i < len(v.vectors) and v.vectors[i]}
    if len({len(x) for x in vectors.values()}) > 1:
        vectors = {}  # topics embedded by different models: relate by concepts only
    groups = {key: v.video_id for key, (v, _, _) in by_key.items()}
    lists = related_all(g, MAX_RELATED, vectors=vectors, kinds=frozenset({"topic"}),
                        groups=groups)
    return {(v.video_id, i): [by_key[r.note_id] for r in lists.get(key, ())
                              if groups[r.note_id] != v.video_id]
            for key, (v, i, _) in by_key.items()}
