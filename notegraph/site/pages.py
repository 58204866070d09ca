"""Typed page objects: what each page of the site shows, before any HTML is made.

`site_pages` and `note_page` turn a resolved `Vault` into `Page`s (home, all-notes, tags,
404; one per note). A page's `data` holds only frozen values (strings, numbers, tuples,
the dataclasses below), so `repr(page)` is a stable digest of everything the page shows: the build
re-renders a page exactly when that changes.

URLs inside pages are site-root-relative (`topics/foo/`); templates prefix them with
`root` (`../../`), so the site works from any sub-path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from notegraph.models import Media
from notegraph.site.backlinks import (
    backlink_entries,
    frontmatter_mentions,
    group_by_video,
    split_spoken,
    videos_spoken_in,
)
from notegraph.site.media import NONE, media_of, moment_href
from notegraph.site.render import RenderedNote
from notegraph.site.videos import VideoInfo
from notegraph.slugs import format_timestamp, slugify
from notegraph.vault.read import Note, Vault
from notegraph.vault.text import CHANNEL_LINE

BACKLINKS_SHOWN = 100
HOME_LIST = 12
PERSON, CONCEPT, TOPIC, VIDEO, CHANNEL = "person", "concept", "topic", "video", "channel"


@dataclass(frozen=True)
class NoteRef:
    """A link to a note as lists show it."""

    title: str
    url: str
    summary: str = ""
    meta: str = ""  # a short side label: a time, a count, a type


@dataclass(frozen=True)
class Moment:
    """A time in a video or episode: a topic or a chapter, with its link."""

    seconds: int
    label: str  # HH:MM:SS
    title: str
    href: str  # youtube.com/watch?v=ID&t=N, AUDIO_URL#t=N, or "" (no public media)
    url: str = ""  # the topic note's page, when there is one
    topics: tuple[Moment, ...] = ()  # a chapter's topics (those not named like it)


@dataclass(frozen=True)
class Player:
    """The page's player: YouTube's embed, or an `<audio>` of the episode's enclosure."""

    video_id: str
    start: int = 0
    kind: str = "youtube"  # or "audio" (then `src` is the enclosure's URL)
    src: str = ""


@dataclass(frozen=True)
class Page:
    """One output page: where it goes, which template renders it and what it shows."""

    kind: str  # home, note, topic, video, channel, person, concept, index, tag, tags, 404
    url: str  # site-root-relative URL, "" for the home page
    output: str  # file under site/, e.g. `topics/foo/index.html`
    template: str
    title: str
    note_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def depth(self) -> int:
        """How many folders deep the output file is (for relative URLs)."""
        return self.output.count("/")


BodyRenderer = Callable[[Note, str], RenderedNote]


@dataclass
class SiteIndex:
    """Lookups over the vault that several pages share (computed once per build)."""

    vault: Vault
    videos: Mapping[str, VideoInfo]
    channel_of: dict[str, str | None] = field(default_factory=dict)
    topics_of_video: dict[str, list[Note]] = field(default_factory=dict)
    video_note_of: dict[str, Note] = field(default_factory=dict)
    videos_of_channel: dict[str, list[Note]] = field(default_factory=dict)
    degree: dict[str, int] = field(default_factory=dict)
    # note id → the notes naming it in their frontmatter `people`/`concepts` (shown as
    # links on their pages, so they are "mentioned in" too, sentence or not)
    named_by: dict[str, list[str]] = field(default_factory=dict)
    # speaker name → the videos whose transcripts label them (person pages' "Speaks in")
    speaks_in: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, vault: Vault, videos: Mapping[str, VideoInfo]) -> SiteIndex:
        """Compute the shared lookups in one pass over the notes."""
        idx = cls(vault, videos)
        for note in vault.notes.values():
            idx.channel_of[note.id] = _channel_of(vault, note)
            vid = note.video_id
            if vid and note.type == VIDEO:
                idx.video_note_of.setdefault(vid, note)
            elif vid:
                idx.topics_of_video.setdefault(vid, []).append(note)
            idx.degree[note.id] = len(vault.backlinks.get(note.id, ()))
        idx.named_by = frontmatter_mentions(vault)
        idx.speaks_in = videos_spoken_in({v: i.speakers for v, i in videos.items()})
        for notes in idx.topics_of_video.values():
            notes.sort(key=lambda n: (n.number("start") or 0.0, n.id))
        for note in vault.notes.values():
            ch = idx.channel_of[note.id]
            if note.type == VIDEO and ch:
                idx.videos_of_channel.setdefault(ch, []).append(note)
        return idx

    def media(self, video_id: str) -> Media:
        """Where the timestamps of `video_id` lead (see `notegraph.site.media`)."""
        info = self.videos.get(video_id)
        return info.media if info is not None else media_of(video_id, None)

    def ref(self, note_id: str, meta: str = "", with_summary: bool = False) -> NoteRef:
        """A `NoteRef` to a note."""
        note = self.vault.notes[note_id]
        return NoteRef(note.title, self.vault.urls[note_id],
                       note.summary if with_summary else "", meta)

    def channel_name(self, note: Note) -> str:
        """The channel a note belongs to, as a name (for search filters)."""
        ch = self.channel_of.get(note.id)
        if ch:
            return self.vault.notes[ch].title
        return note.name("channel") or ""


def _channel_of(vault: Vault, note: Note) -> str | None:
    """The channel note of `note`: frontmatter `channel`, else its `From: [[...]]` link."""
    value = note.name("channel")
    if value:
        found = vault.resolve(value, note.id)
        if found:
            return found
    targets = vault.resolved.get(note.id, ())
    for link, target in zip(note.links, targets, strict=False):
        if link.context.startswith(CHANNEL_LINE.rstrip()):
            return target
    return None


def site_pages(idx: SiteIndex) -> list[Page]:
    """The site-wide pages (home, all notes, tags, 404); each note has its `note_page`."""
    return [home_page(idx), all_notes_page(idx), *tag_pages(idx),
            Page("404", "404/", "404.html", "404.html", "Page not found")]


def home_page(idx: SiteIndex) -> Page:
    """Channels, latest videos, most-connected concepts and people (or notes)."""
    vault = idx.vault
    channel_ids = sorted({c for c in idx.channel_of.values() if c},
                         key=lambda c: (-idx.degree[c], vault.notes[c].title.casefold(), c))
    channels = tuple(idx.ref(c, meta=f"{idx.degree[c]} notes") for c in channel_ids)
    videos = sorted(vault.by_type(VIDEO), key=lambda n: (_date_key(n), n.title.casefold()))
    latest = tuple(idx.ref(n.id, meta=idx.channel_name(n), with_summary=True)
                   for n in videos[:HOME_LIST])

    def top(kinds: tuple[str, ...]) -> tuple[NoteRef, ...]:
        notes = [n for n in vault.notes.values() if n.type in kinds and n.id not in channel_ids]
        notes.sort(key=lambda n: (-idx.degree[n.id], n.title.casefold(), n.id))
        return tuple(idx.ref(n.id, meta=str(idx.degree[n.id])) for n in notes[:HOME_LIST]
                     if idx.degree[n.id] > 0)

    concepts, people = top((CONCEPT,)), top((PERSON,))
    connected = () if (concepts or people) else top(("note", TOPIC))
    data = {"channels": channels, "latest": latest, "concepts": concepts, "people": people,
            "connected": connected, "note_count": len(vault.notes)}
    return Page("home", "", "index.html", "index.html", "Home", data=data)


def note_page(idx: SiteIndex, note: Note, render_body: BodyRenderer,
              extra: Mapping[str, Any]) -> Page:
    """The page of one note; its template depends on the note's type."""
    vault = idx.vault
    url = vault.urls[note.id]
    rendered = render_body(note, url)
    vid = note.video_id
    kind = note.type if note.type in (TOPIC, VIDEO, CHANNEL, PERSON, CONCEPT) else "note"
    channel = idx.channel_of.get(note.id)
    concepts = _resolve_names(idx, note, note.names("concepts"))
    discussed = _concepts_discussed(idx, note) if kind == VIDEO and not concepts else ()
    entries = backlink_entries(vault, vault.backlinks.get(note.id, ()),
                               _shown_elsewhere(idx, note, kind, channel) | set(discussed),
                               speaker=note.title if kind == PERSON else "",
                               named=idx.named_by.get(note.id, ()) if kind in (PERSON, CONCEPT)
                               else (), title=note.title)
    people = _resolve_names(idx, note, note.names("people"))
    if discussed:
        concepts = tuple((vault.notes[c].title, vault.urls[c]) for c in discussed)
    data: dict[str, Any] = {
        "body": rendered.html, "toc": rendered.toc, "backlinks": entries[:BACKLINKS_SHOWN],
        "backlinks_more": max(0, len(entries) - BACKLINKS_SHOWN), "backlink_groups": (),
        "spoken_groups": (),
        "people": people, "concepts": concepts,
        "channel": idx.ref(channel) if channel and channel != note.id else None,
        "channel_name": idx.channel_name(note),
        "tags": tuple((t, tag_url(t)) for t in note.tags),
        "type": note.type, "player": None, "video": None, "moments": (), "chapters": (),
        "videos": (), "extra": dict(extra), "summary": note.summary,
    }
    if kind == PERSON:
        entries, spoken = split_spoken(vault, entries, note.title,
                                       idx.speaks_in.get(note.title, ()))
        data["backlinks_more"] = max(0, len(entries) - BACKLINKS_SHOWN)
        data["spoken_groups"] = group_by_video(vault, spoken, idx.video_note_of)
    if kind in (PERSON, CONCEPT) or any(vault.notes[e.source].video_id for e in entries):
        # by video: a topic linked from three episodes' "Introduction"s tells them apart
        groups = group_by_video(vault, entries[:BACKLINKS_SHOWN], idx.video_note_of)
        data["backlink_groups"] = groups
        data["backlinks"] = tuple(e for g in groups for e in g.entries)
    media = idx.media(vid) if vid else Media(NONE)
    if vid and media.kind != NONE:
        data["player"] = Player(vid, int(note.number("start") or 0) if kind != VIDEO else 0,
                                media.kind, media.url)
    if vid:
        video_note = idx.video_note_of.get(vid)
        if video_note is not None and video_note.id != note.id:
            data["video"] = idx.ref(video_note.id)
        start, end = note.number("start"), note.number("end")
        if start is not None and kind != VIDEO:
            data["span"] = (format_timestamp(start),
                            format_timestamp(end) if end is not None else "")
    if kind == VIDEO and vid:
        data["moments"] = tuple(
            Moment(int(t.number("start") or 0), format_timestamp(t.number("start") or 0),
                   t.title, moment_href(media, vid, t.number("start") or 0), vault.urls[t.id])
            for t in idx.topics_of_video.get(vid, ()))
        info = idx.videos.get(vid)
        if info is not None:
            data["chapters"] = _chapters_with_topics(vid, media, info.chapters,
                                                     data["moments"])
            if data["chapters"]:
                data["moments"] = ()  # each topic is shown once, under its chapter
            data["duration"] = format_timestamp(info.duration) if info.duration else ""
    if kind == CHANNEL or idx.videos_of_channel.get(note.id):
        data["videos"] = tuple(idx.ref(v.id, with_summary=True)
                               for v in idx.videos_of_channel.get(note.id, ()))
    template = {TOPIC: "note.html", VIDEO: "video.html", CHANNEL: "channel.html",
                PERSON: "person.html", CONCEPT: "concept.html"}.get(kind, "note.html")
    return Page(kind, url, url + "index.html", template, note.title, note.id, data)


def _chapters_with_topics(vid: str, media: Media, chapters: Any,
                          topics: tuple[Moment, ...]) -> tuple[Moment, ...]:
    """The creator's chapters, each with the topics starting within it. A topic named
    like its chapter and starting with it is the chapter's own link, not a second line."""
    out = []
    starts = [c.start for c in chapters]
    for i, c in enumerate(chapters):
        end = starts[i + 1] if i + 1 < len(starts) else float("inf")
        inside = [t for t in topics if (c.start <= t.seconds < end)
                  or (i == 0 and t.seconds < c.start)]
        url = ""
        for t in inside:
            if t.title.casefold() == c.title.casefold() and abs(t.seconds - c.start) <= 30:
                url = t.url
                inside.remove(t)
                break
        out.append(Moment(int(c.start), format_timestamp(c.start), c.title,
                          moment_href(media, vid, c.start), url, tuple(inside)))
    return tuple(out)


def all_notes_page(idx: SiteIndex) -> Page:
    """Every note, grouped by type then title."""
    groups: dict[str, list[NoteRef]] = {}
    labels = {TOPIC: "Topics", VIDEO: "Videos", CHANNEL: "Channels", PERSON: "People",
              CONCEPT: "Concepts", "note": "Notes"}
    twins: dict[str, int] = {}
    for note in idx.vault.notes.values():
        twins[note.title.casefold()] = twins.get(note.title.casefold(), 0) + 1
    for note in sorted(idx.vault.notes.values(), key=lambda n: (n.title.casefold(), n.id)):
        label = labels.get(note.type, note.type.capitalize() + "s")
        # Notes of one title ("Introduction" of two videos) are told apart by their video.
        meta = _origin(idx, note) if twins[note.title.casefold()] > 1 else ""
        groups.setdefault(label, []).append(NoteRef(note.title, idx.vault.urls[note.id],
                                                    meta=meta))
    order = list(labels.values())
    ordered = sorted(groups.items(),
                     key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0]))
    data = {"groups": tuple((k, tuple(v)) for k, v in ordered),
            "note_count": len(idx.vault.notes)}
    return Page("index", "all/", "all/index.html", "notes.html", "All notes", data=data)


def _origin(idx: SiteIndex, note: Note) -> str:
    """Where a note comes from, to tell it from its namesakes: video, channel or folder."""
    video = idx.video_note_of.get(note.video_id or "")
    if video is not None and video.id != note.id:
        return video.title
    return idx.channel_name(note) or note.folder or note.type


def tag_pages(idx: SiteIndex) -> list[Page]:
    """One page per tag and a tag list (none when no note has tags)."""
    # Tags that slugify alike (`AI`, `ai`, `#ai`) are one tag: the URL is the identity,
    # shown with the alphabetically first spelling.
    by_url: dict[str, list[Note]] = {}
    names: dict[str, str] = {}
    for note in idx.vault.notes.values():
        for tag in note.tags:
            url = tag_url(tag)
            if not by_url.get(url) or by_url[url][-1] is not note:
                by_url.setdefault(url, []).append(note)
            names[url] = min(names.get(url, tag), tag)
    if not by_url:
        return []
    pages = []
    listing = []
    for url in sorted(by_url, key=lambda u: (names[u].casefold(), u)):
        tag = names[url]
        notes = tuple(idx.ref(n.id, with_summary=True) for n in by_url[url])
        listing.append((tag, url, len(notes)))
        pages.append(Page("tag", url, url + "index.html", "tag.html", f"#{tag}",
                          data={"tag": tag, "notes": notes}))
    pages.insert(0, Page("tags", "tags/", "tags/index.html", "tag.html", "Tags",
                         data={"tag": None, "tags": tuple(listing), "notes": ()}))
    return pages



def tag_url(tag: str) -> str:
    """The URL path of a tag's page (tags that slugify alike share it)."""
    return f"tags/{slugify(tag, max_words=20, fallback='tag')}/"


def _shown_elsewhere(idx: SiteIndex, note: Note, kind: str, channel: str | None
                     ) -> frozenset[str]:
    """Linking notes a page shows already, so not again as backlinks: a video's own
    topics (its Topics list) and the people its body lists; a topic's own video (its
    kicker); and the generated person, concept and channel notes the page names (its
    People and Concepts, its channel), whose "Discussed in" lists link back to every
    topic they name."""
    vault = idx.vault

    def generated_hub(note_id: str | None) -> bool:
        hub = vault.notes.get(note_id) if note_id else None
        return hub is not None and hub.type in (PERSON, CONCEPT, CHANNEL) and \
            bool(hub.frontmatter.get("generator"))

    out = {found for name in (*note.names("people"), *note.names("concepts"))
           if generated_hub(found := vault.resolve(name, note.id))}
    if generated_hub(channel):
        out.add(channel)
    if kind == VIDEO:
        out.update(t.id for t in idx.topics_of_video.get(note.video_id or "", ()))
        # the people its body lists (its People section)
        out.update(t for t in vault.resolved.get(note.id, ()) if generated_hub(t))
    elif note.video_id in idx.video_note_of:
        out.add(idx.video_note_of[note.video_id].id)
    out.discard(note.id)
    return frozenset(out)


def _concepts_discussed(idx: SiteIndex, note: Note) -> tuple[str, ...]:
    """A video page's Concepts: the generated concept notes linking to it (each lists the
    video beside the topic it is discussed in), by title. As backlinks they were 60-80
    sentence-less lines on a long episode's page."""
    vault = idx.vault
    found = {b.source for b in vault.backlinks.get(note.id, ())
             if vault.notes[b.source].type == CONCEPT
             and vault.notes[b.source].frontmatter.get("generator")}
    return tuple(sorted(found, key=lambda c: (vault.notes[c].title.casefold(), c)))


def _resolve_names(idx: SiteIndex, note: Note, names: tuple[str, ...]
                   ) -> tuple[tuple[str, str | None], ...]:
    """(name, url or None) for frontmatter names such as `people:` and `concepts:`.

    A name that resolves is shown as its note's title, so `embodiment` and `Embodiment`
    are one search filter value (and one spelling) across the site.
    """
    out = []
    for name in names:
        found = idx.vault.resolve(name, note.id)
        if found:
            out.append((idx.vault.notes[found].title, idx.vault.urls[found]))
        else:
            out.append((name, None))
    return tuple(out)


def _date_key(note: Note) -> str:
    """Sort key putting the newest dated note first (undated notes last)."""
    for key in ("published", "date", "uploaded", "added"):
        value = note.frontmatter.get(key)
        if value:
            digits = re.sub(r"\D", "", str(value))[:14].ljust(14, "0")
            return "".join(str(9 - int(d)) for d in digits)
    return "~"

