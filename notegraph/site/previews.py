"""What a hover preview shows of each note: more than its title.

A preview is `[title, kind, lead, points]`: a topic's lead paragraph and first key
points, where a person or concept is mentioned (topics and their videos), a video's
channel, length and first topics, a channel's videos. Plain text only (the page script
puts it in text nodes), built in one pass over the vault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from notegraph import cache
from notegraph.code_digest import code_digest
from notegraph.site.backlinks import (
    backlink_entries,
    frontmatter_mentions,
    split_spoken,
    videos_spoken_in,
)
from notegraph.slugs import format_timestamp
from notegraph.vault.read import Note, Vault
from notegraph.vault.text import SOURCE_LINE_RE

POINTS = 3  # list lines a preview shows
LEAD_CHARS = 280
_WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_MDLINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TIMESTAMP = re.compile(r"<a\s+class=\"yt-timestamp\"[^>]*>.*?</a>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")

Preview = list  # [title, kind, lead, [points]] (JSON)


def plain(markdown: str) -> str:
    """One line of markdown as plain text: links by their labels, no timestamps or tags."""
    text = _TIMESTAMP.sub("", markdown)
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _MDLINK.sub(lambda m: m.group(1), text)
    text = _TAGS.sub(" ", text)
    text = re.sub(r"[*_`]{1,3}", "", text)
    return re.sub(r"\s+", " ", text).strip()


def lead_and_points(body: str) -> tuple[str, list[str]]:
    """The first paragraph of prose and the first list items of a note body."""
    lead, points, para = "", [], []
    in_callout = False
    for line in body.splitlines():
        stripped = line.strip()
        in_callout = stripped.startswith(">") or (in_callout and bool(stripped))
        if in_callout or stripped.startswith(("#", "|", "```", "![[")):
            para = []
            continue
        item = _LIST_ITEM.match(line)
        if item:
            if len(points) < POINTS and plain(item.group(1)):
                points.append(plain(item.group(1)))
            para = []
        # generated notes open with where they come from: a preview names that as its kind
        elif stripped and not SOURCE_LINE_RE.match(stripped) and \
                not stripped.startswith("[Watch on YouTube]"):
            para.append(stripped)
        elif para and not lead:
            lead, para = plain(" ".join(para)), []
        if lead and len(points) >= POINTS:
            break
    if para and not lead:
        lead = plain(" ".join(para))
    if len(lead) > LEAD_CHARS:
        lead = lead[:LEAD_CHARS].rsplit(" ", 1)[0] + "…"
    return lead, points


Leads = Mapping[str, tuple[str, list[str]]]  # note id → (lead, points) of its body


def cached_leads(vault: Vault, cache_file: Path | None) -> dict[str, tuple[str, list[str]]]:
    """`lead_and_points` of every note's body, cached by the digest of its file: cleaning
    10,000 bodies costs half a second a build, and one note changes at a time."""
    data = cache.read_json(cache_file, code_digest("notegraph.site.previews")) or {}
    known = data.get("leads") if isinstance(data.get("leads"), dict) else {}
    by_digest: dict[str, list] = {}
    out = {}
    for note_id, note in vault.notes.items():
        hit = known.get(note.digest) if note.digest else None
        if not (isinstance(hit, list) and len(hit) == 2):
            hit = list(lead_and_points(note.body))
        if note.digest:
            by_digest[note.digest] = hit
        out[note_id] = (hit[0], list(hit[1]))
    if cache_file is not None and by_digest != known:
        cache.write_json(cache_file, code_digest("notegraph.site.previews"),
                         {"leads": by_digest})
    return out


def previews(vault: Vault, leads: Leads | None = None,
             speakers: Mapping[str, Collection[str]] | None = None,
             named: Mapping[str, Sequence[str]] | None = None) -> dict[str, Preview]:
    """The preview of every note, by its site-root-relative URL (`leads`: each note's
    `lead_and_points`, when the caller has them; `speakers`: video ID → the speaker
    labels of its transcript, to tell where a person speaks; `named`:
    `frontmatter_mentions(vault)`, when the caller has it)."""
    leads = leads if leads is not None else {
        i: lead_and_points(n.body) for i, n in vault.notes.items()}
    topics: dict[str, list[Note]] = {}
    for note in vault.notes.values():
        if note.video_id and note.type != "video":
            topics.setdefault(note.video_id, []).append(note)
    for notes in topics.values():
        notes.sort(key=lambda n: (n.number("start") or 0.0, n.id))
    video_titles = {n.video_id: n.title for n in vault.notes.values()
                    if n.type == "video" and n.video_id}
    named = frontmatter_mentions(vault) if named is None else named
    speaks_in = videos_spoken_in(speakers or {})
    out = {}
    for note_id, note in vault.notes.items():
        out[vault.urls[note_id]] = _preview(vault, note, topics, video_titles, leads,
                                            (named.get(note_id, ()), speaks_in))
    return out


def _preview(vault: Vault, note: Note, topics: dict[str, list[Note]],
             video_titles: dict[str, str], leads: Leads,
             mentions: tuple[Sequence[str], Mapping[str, Sequence[str]]]) -> Preview:
    lead, points = leads[note.id]
    kind = note.type if note.type != "note" else ""
    if note.type == "topic":
        start = note.number("start")
        video = video_titles.get(note.video_id or "", "")
        kind = " · ".join(x for x in (video, format_timestamp(start) if start else "") if x)
    elif note.type == "video":
        mine = topics.get(note.video_id or "", [])
        duration = note.number("duration")
        lead = " · ".join(x for x in (note.name("channel") or "",
                                      format_timestamp(duration) if duration else "",
                                      f"{len(mine)} topics" if mine else "") if x)
        points = [f"{format_timestamp(t.number('start') or 0)} {t.title}" for t in mine[:POINTS]]
    elif note.type in ("person", "concept"):
        lead, points = _mentions(vault, note, video_titles, leads, *mentions)
    elif note.type == "channel":
        n = len(points) if not lead.endswith(":") else sum(
            1 for line in note.body.splitlines() if _LIST_ITEM.match(line))
        lead = f"{n} video{'s' if n != 1 else ''}" if lead.endswith(":") or not lead else lead
    return [note.title, kind, lead or note.summary, points]


def _mentions(vault: Vault, note: Note, video_titles: dict[str, str], leads: Leads,
              named: Sequence[str], speaks_in: Mapping[str, Sequence[str]]
              ) -> tuple[str, list[str]]:
    """Where a person or concept comes up, as on its page: "Mentioned in 4 topics of 2
    videos" and the first topics with their video; a person's topics where they only
    speak count apart ("…; speaks in 12 others")."""
    entries = backlink_entries(vault, vault.backlinks.get(note.id, ()), named=named,
                               speaker=note.title if note.type == "person" else "")
    parts = split_spoken(vault, entries, note.title, speaks_in.get(note.title, ())) \
        if note.type == "person" else (entries, ())
    about, spoken = ([vault.notes[e.source] for e in part
                      if vault.notes[e.source].type == "topic"] for part in parts)
    if not about and not spoken:
        return leads[note.id]
    verb = "Discussed" if note.type == "concept" else "Mentioned" if about else "Speaks"
    first = about or spoken
    videos = {s.video_id for s in first}
    lead = (f"{verb} in {len(first)} topic{'s' if len(first) != 1 else ''}"
            f" of {len(videos)} video{'s' if len(videos) != 1 else ''}")
    if about and spoken:
        lead += f"; speaks in {len(spoken)} other{'s' if len(spoken) != 1 else ''}"
    videos = {s.video_id for s in (*about, *spoken)}
    points = []
    for s in (*about, *spoken)[:POINTS]:
        video = video_titles.get(s.video_id or "", "")
        points.append(f"{s.title} — {video}" if video and len(videos) > 1 else s.title)
    return lead, points


def preview_files(vault: Vault, shards: int, shard_of: Callable[[str], int],
                  cache_file: Path | None = None,
                  speakers: Mapping[str, Collection[str]] | None = None,
                  named: Mapping[str, Sequence[str]] | None = None
                  ) -> list[tuple[str, dict[str, Preview]]]:
    """`previews/N.json` contents: the previews split in `shards` by `shard_of(url)`
    (bodies' leads cached in `cache_file`, when given; `speakers`, `named`: see
    `previews`)."""
    split: list[dict[str, Preview]] = [{} for _ in range(shards)]
    for url, preview in previews(vault, cached_leads(vault, cache_file), speakers,
                                 named).items():
        split[shard_of(url)][url] = preview
    return [(f"previews/{i}.json", shard) for i, shard in enumerate(split)]
