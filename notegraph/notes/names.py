"""Names for every generated note: slugs unique across the vault and link targets.

Pure. People, concepts and channels are linked by name, so they get their natural slugs
first; topics (whose links always name the slug) after. A slug a note had last time is
kept while it is free, so regenerated notes keep their file names; hand-written notes'
slugs and names are never taken.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from notegraph.models import Topic, VideoTopics
from notegraph.notes.markdown import link_label
from notegraph.slugs import link_key, slugify, unique_slug
from notegraph.topics.concepts import ConceptIndex, build_concept_index, concept_key
from notegraph.topics.people import is_country


@dataclass(frozen=True)
class NamesInUse:
    """The names the notes folder already uses, which naming must respect.

    - `taken`: slugs of hand-written notes (never reused);
    - `claimed`: link keys of hand-written notes' stems, titles and aliases: a person or
      concept a person already wrote a note about gets no generated note (the links
      resolve to theirs);
    - `concept_names`: titles of generated concept notes, kept as videos are added;
    - `slugs`: the slug each generated note had last time (stable file names).
    """

    taken: frozenset[str] = frozenset()
    claimed: frozenset[str] = frozenset()
    concept_names: tuple[str, ...] = ()
    slugs: dict[str, str] = field(default_factory=dict)


def topic_key(video_id: str, topic: Topic) -> str:
    """A topic's stable identity: its video and start second."""
    return f"topic:{video_id}@{int(topic.segment.start)}"


def _video_short_name(video: VideoTopics) -> str:
    head = re.split(r"\s*[:|–—]\s*|\s+-\s+", video.title, maxsplit=1)[0]
    return " ".join(head.split()[:4]) or video.video_id


class _SlugBook:
    """Assigns slugs unique across the vault, reusing last run's when still free."""

    def __init__(self, existing: NamesInUse) -> None:
        self.taken: set[str] = set(existing.taken)
        self.previous = existing.slugs
        self.assigned: dict[str, str] = {}

    def reserve_previous(self, keys: Iterable[str]) -> None:
        for key in keys:
            slug = self.previous.get(key)
            if slug and slug not in self.taken:
                self.taken.add(slug)
                self.assigned[key] = slug

    def slug(self, key: str, *bases: str) -> str:
        if key in self.assigned:
            return self.assigned[key]
        candidates = [b for b in bases if b]
        for base in candidates:
            if base not in self.taken:
                self.taken.add(base)
                self.assigned[key] = base
                return base
        slug = unique_slug(candidates[0] if candidates else "note", self.taken)
        self.assigned[key] = slug
        return slug


@dataclass(frozen=True)
class VaultNames:
    """Every generated note's name, slug and link target, by kind and key.

    Keys: a video's id, a topic's `topic_key`, and the `link_key` of a person's or a
    channel's name; concepts are keyed by `concept_key` (see `ConceptIndex`).
    """

    concepts: ConceptIndex
    people: dict[str, str]
    channels: dict[str, str]
    video_slug: dict[str, str]
    topic_slug: dict[str, str]
    person_slug: dict[str, str]
    channel_slug: dict[str, str]
    concept_slug: dict[str, str]
    person_target: dict[str, str] = field(default_factory=dict)
    channel_target: dict[str, str] = field(default_factory=dict)
    concept_target: dict[str, str] = field(default_factory=dict)


def name_vault(videos: Sequence[VideoTopics], existing: NamesInUse) -> VaultNames:
    """Slugs and link targets of every note generated from `videos` (sorted by id)."""
    concepts = build_concept_index(
        (c for v in videos for t in v.topics for c in t.concepts), existing.concept_names)
    people: dict[str, str] = {}
    for v in videos:
        for t in v.topics:
            for p in t.people:
                people.setdefault(link_key(p), p)
    channels = {link_key(v.channel): v.channel for v in videos if v.channel}
    names = _slugs(videos, existing, concepts, people, channels)
    return _with_targets(names, videos, existing)


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def not_concepts(people: Iterable[str], channels: Iterable[str], concepts: ConceptIndex
                 ) -> set[str]:
    """Concept keys that are really a person or a channel: their whole name, or a known
    person's surname said alone ("Trump", "Biden" were concepts of six topics beside the
    people Donald Trump and Joe Biden); not a country ("Jordan")."""
    people = list(people)
    out = {concept_key(n) for n in [*people, *channels]}
    surnames = set()
    for name in people:
        words = [w for w in name.split() if w.lower().strip(".,") not in _NAME_SUFFIXES]
        if len(words) > 1:
            surnames.add(concept_key(words[-1]))
    for key, name in concepts.names.items():
        if key in surnames and " " not in name and name[:1].isupper() and \
                not name.isupper() and not is_country(name):
            out.add(key)
    return out


def _slugs(videos: Sequence[VideoTopics], existing: NamesInUse, concepts: ConceptIndex,
           people: dict[str, str], channels: dict[str, str]) -> VaultNames:
    skipped = not_concepts(people.values(), channels.values(), concepts)
    book = _SlugBook(existing)
    book.reserve_previous([f"channel:{k}" for k in channels]
                          + [f"video:{v.video_id}" for v in videos]
                          + [f"person:{k}" for k in people]
                          + [f"concept:{k}" for k in concepts.names])
    video_slug = {v.video_id: book.slug(f"video:{v.video_id}", slugify(v.title or v.video_id),
                                        slugify(f"{v.title} {v.video_id}")) for v in videos}
    person_slug = {k: book.slug(f"person:{k}", slugify(n))
                   for k, n in sorted(people.items()) if k not in existing.claimed}
    # a channel named like a person ("Lex Fridman") leaves the plain slug to the person
    channel_slug = {k: book.slug(f"channel:{k}", *([slugify(n)] if k not in people else []),
                                 slugify(n + " channel"))
                    for k, n in sorted(channels.items())}
    concept_slug = {k: book.slug(f"concept:{k}", slugify(n))
                    for k, n in sorted(concepts.names.items())
                    if k not in skipped and link_key(n) not in existing.claimed}
    book.reserve_previous([topic_key(v.video_id, t) for v in videos for t in v.topics])
    topic_slug = {topic_key(v.video_id, t): book.slug(
        topic_key(v.video_id, t), slugify(t.title), slugify(f"{t.title} {_video_short_name(v)}"))
        for v in videos for t in v.topics}
    return VaultNames(concepts, people, channels, video_slug, topic_slug, person_slug,
                      channel_slug, concept_slug)


def _with_targets(names: VaultNames, videos: Sequence[VideoTopics],
                  existing: NamesInUse) -> VaultNames:
    """Link targets: a bare name when it resolves only to its note, else the slug."""
    claims: dict[str, int] = {}
    for name in [*names.channels.values(), *names.people.values(),
                 *names.concepts.names.values(), *(t.title for v in videos for t in v.topics)]:
        claims[link_key(name)] = claims.get(link_key(name), 0) + 1

    def target(name: str, slug: str | None) -> str:
        if slug is not None and link_key(link_label(name)) != link_key(name):
            return slug  # link syntax in the name (`[Live] | C<3`): only the slug is exact
        if slug is None or link_key(slug) == link_key(name):
            return name  # the file stem matches: stems resolve before titles and aliases
        if claims.get(link_key(name), 0) <= 1 and link_key(name) not in existing.claimed:
            return name
        return slug

    skipped = not_concepts(names.people.values(), names.channels.values(), names.concepts)
    return dataclasses.replace(
        names,
        channel_target={k: target(n, names.channel_slug[k]) for k, n in names.channels.items()},
        person_target={k: target(n, names.person_slug.get(k)) for k, n in names.people.items()},
        concept_target={k: target(n, names.concept_slug.get(k))
                        for k, n in names.concepts.names.items() if k not in skipped})
