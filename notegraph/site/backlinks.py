"""Backlinks as readers take them in at scale: one entry per linking note, grouped by video.

A note linked 100 times from one episode would otherwise list 100 lines, each repeating
the episode's title. Here every linking note is one `BacklinkEntry` (all the sentences
around its links to this page, its time in the video), and on person and concept pages
the entries are grouped by the video they come from (`BacklinkGroup`), in the video's
order. Templates show the first `SHOWN_PER_GROUP` entries of a group and fold the rest
into a `<details>`, likewise the sentences of one entry beyond `SHOWN_CONTEXTS`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from notegraph.slugs import format_timestamp
from notegraph.vault.read import Backlink, Note, Vault

SHOWN_PER_GROUP = 5  # entries of a group shown before "N more"
SHOWN_CONTEXTS = 1  # sentences of one entry shown before "N more mentions"
# The list a generated person or concept note starts with ("Mentioned in:" + one line per
# topic, each repeating its video's title): the grouped backlinks show the same, once.
_MENTION_LIST = re.compile(r"^(?:Mentioned|Discussed) in:[ \t]*\n(?:[ \t]*\n)*"
                           r"(?:[ \t]*[-*+][ \t].*\n?)+", re.M)


@dataclass(frozen=True)
class BacklinkEntry:
    """A note linking here: its title, URL, time in its video and the sentences."""

    source: str  # the linking note's id
    title: str
    url: str
    contexts: tuple[str, ...]
    time: str = ""  # HH:MM:SS where the linking topic starts, "" for other notes
    seconds: int = -1


@dataclass(frozen=True)
class BacklinkGroup:
    """The entries coming from one video (or, with an empty title, from no video)."""

    title: str
    url: str
    entries: tuple[BacklinkEntry, ...]


def backlink_entries(vault: Vault, backlinks: Sequence[Backlink],
                     exclude: frozenset[str] = frozenset(),
                     speaker: str = "", named: Sequence[str] = (), title: str = ""
                     ) -> tuple[BacklinkEntry, ...]:
    """One entry per linking note (first-seen order), minus the notes in `exclude`.

    `speaker`: on a person's page, their name; sentences in which others speak of them
    come before the ones they say themselves ("Name: …", a key point's speaker label),
    so the sentence shown is one that mentions them. `named`: notes naming this one in
    their frontmatter only (a topic's people and concepts), listed after, sentence-less.
    `title`: this page's; a "sentence" that is only the link's label (a list of titles,
    such as a note's Related callout) says nothing and is not shown."""
    contexts: dict[str, list[str]] = {}
    for b in backlinks:
        if b.source in exclude:
            continue
        seen = contexts.setdefault(b.source, [])
        if b.context and b.context not in seen and b.context != title:
            seen.append(b.context)
    for source in named:
        if source not in exclude:
            contexts.setdefault(source, [])
    said = f"{speaker}:" if speaker else None
    out = []
    for source, texts in contexts.items():
        if said:
            texts = sorted(texts, key=lambda t: t.startswith(said))  # stable
        note = vault.notes[source]
        if note.type in ("person", "concept", "channel") and note.frontmatter.get("generator"):
            texts = []  # a generated hub's sentence only repeats this page's title
        start = note.number("start") if note.video_id else None
        out.append(BacklinkEntry(source, note.title, vault.urls[source], tuple(texts),
                                 format_timestamp(start) if start is not None else "",
                                 int(start) if start is not None else -1))
    return tuple(out)


def frontmatter_mentions(vault: Vault) -> dict[str, list[str]]:
    """Note id → the notes naming it in their frontmatter `people`/`concepts`: pages
    show those names as links, so a topic naming a concept mentions it, body link or not."""
    out: dict[str, list[str]] = {}
    for note in vault.notes.values():
        for name in dict.fromkeys((*note.names("people"), *note.names("concepts"))):
            target = vault.resolve(name, note.id)
            if target and target != note.id:
                out.setdefault(target, []).append(note.id)
    return out


def videos_spoken_in(speakers: Mapping[str, Collection[str]]) -> dict[str, list[str]]:
    """Speaker name → the videos whose transcripts label them, from video ID → labels."""
    out: dict[str, list[str]] = {}
    for vid, names in speakers.items():
        for name in names:
            out.setdefault(name, []).append(vid)
    return out


def split_spoken(vault: Vault, entries: Sequence[BacklinkEntry], speaker: str,
                 speaks_in: Collection[str] = ()
                 ) -> tuple[tuple[BacklinkEntry, ...], tuple[BacklinkEntry, ...]]:
    """A person's page: (entries where they are spoken of, entries that link here only
    by their own speaker label). A host speaks in nearly every topic of their show: listed
    with excerpts of their own lines, those entries buried the few where others talk
    about them; the second kind is listed without sentences. A video page naming its
    speakers goes with its topics they speak in (it heads their group there), and so does
    a topic of that video naming them in its frontmatter only; `speaks_in`: the videos
    whose transcripts label them as a speaker, where such a topic goes there too."""
    said = f"{speaker}:"
    mentioned, spoken = [], []
    for e in entries:
        if e.contexts and all(t.startswith(said) for t in e.contexts):
            spoken.append(replace(e, contexts=()))
        else:
            mentioned.append(e)
    videos = {vault.notes[e.source].video_id for e in spoken} | set(speaks_in)

    def a_speakers_video(e: BacklinkEntry) -> bool:
        # or a topic of it naming them in its frontmatter only: they speak in that video
        note = vault.notes[e.source]
        return note.video_id in videos and (
            note.type == "video" or (note.type == "topic" and not e.contexts))

    return (tuple(e for e in mentioned if not a_speakers_video(e)),
            tuple(spoken) + tuple(replace(e, contexts=()) for e in mentioned
                                  if a_speakers_video(e)))


def group_by_video(vault: Vault, entries: Sequence[BacklinkEntry],
                   video_note_of: Mapping[str, Note]) -> tuple[BacklinkGroup, ...]:
    """`entries` grouped by the video of their note, videos by title, in-video by time;
    entries from no video (hand-written notes, video pages) come last, untitled."""
    groups: dict[str, list[BacklinkEntry]] = {}
    for e in entries:
        note = vault.notes[e.source]
        vid = note.video_id if note.type != "video" else None
        groups.setdefault(vid or "", []).append(e)
    # a video page linking here is its group's heading already
    groups[""] = [e for e in groups.get("", ()) if not (
        vault.notes[e.source].type == "video" and vault.notes[e.source].video_id in groups)]
    out = []
    for vid, items in groups.items():
        if not vid:
            continue
        items.sort(key=lambda e: (e.seconds, e.title.casefold()))
        video = video_note_of.get(vid)
        title = video.title if video else vid
        url = vault.urls[video.id] if video else ""
        out.append(BacklinkGroup(title, url, tuple(items)))
    out.sort(key=lambda g: g.title.casefold())
    if groups.get(""):
        out.append(BacklinkGroup("", "", tuple(groups[""])))
    return tuple(out)


def without_mention_list(body: str) -> str:
    """A generated person/concept body minus its "Mentioned in:" list (see above)."""
    return _MENTION_LIST.sub("", body, count=1)
