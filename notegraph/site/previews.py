"""What a hover preview shows of each note: more than its title.

A preview is `[title, kind, lead, points]`: a topic's lead paragraph and first key
points, where a person or concept is mentioned (topics and their videos), a video's
channel, length and first topics, a channel's videos. Plain text only (the page script
puts it in text nodes), built in one pass over the vault.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from notegraph.slugs import format_timestamp
from notegraph.vault.read import Note, Vault

POINTS = 3  # list lines a preview shows
LEAD_CHARS = 280
_WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_MDLINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TIMESTAMP = re.compile(r"<a\s+class=\"yt-timestamp\"[^>]*>.*?</a>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")
# generated notes open with where they come from; a preview names that as its kind
_SOURCE_LINE = re.compile(r"^(?:From|Video|Watch on YouTube)\b")

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
        elif stripped and not _SOURCE_LINE.match(stripped):
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


def previews(vault: Vault) -> dict[str, Preview]:
    """The preview of every note, by its site-root-relative URL."""
    topics: dict[str, list[Note]] = {}
    for note in vault.notes.values():
        if note.video_id and note.type != "video":
            topics.setdefault(note.video_id, []).append(note)
    for notes in topics.values():
        notes.sort(key=lambda n: (n.number("start") or 0.0, n.id))
    video_titles = {n.video_id: n.title for n in vault.notes.values()
                    if n.type == "video" and n.video_id}
    out = {}
    for note_id, note in vault.notes.items():
        out[vault.urls[note_id]] = _preview(vault, note, topics, video_titles)
    return out


def _preview(vault: Vault, note: Note, topics: dict[str, list[Note]],
             video_titles: dict[str, str]) -> Preview:
    lead, points = lead_and_points(note.body)
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
        lead, points = _mentions(vault, note, video_titles)
    elif note.type == "channel":
        n = len(points) if not lead.endswith(":") else sum(
            1 for line in note.body.splitlines() if _LIST_ITEM.match(line))
        lead = f"{n} video{'s' if n != 1 else ''}" if lead.endswith(":") or not lead else lead
    return [note.title, kind, lead or note.summary, points]


def _mentions(vault: Vault, note: Note, video_titles: dict[str, str]
              ) -> tuple[str, list[str]]:
    """Where a person or concept comes up: "Mentioned in 4 topics of 2 videos" and the
    first topics with their video."""
    sources, seen = [], set()
    for b in vault.backlinks.get(note.id, ()):
        src = vault.notes[b.source]
        if src.type == "topic" and src.id not in seen:
            seen.add(src.id)
            sources.append(src)
    if not sources:
        lead, points = lead_and_points(note.body)
        return lead, points
    videos = {s.video_id for s in sources}
    verb = "Discussed" if note.type == "concept" else "Mentioned"
    lead = (f"{verb} in {len(sources)} topic{'s' if len(sources) != 1 else ''}"
            f" of {len(videos)} video{'s' if len(videos) != 1 else ''}")
    points = []
    for s in sources[:POINTS]:
        video = video_titles.get(s.video_id or "", "")
        points.append(f"{s.title} — {video}" if video and len(videos) > 1 else s.title)
    return lead, points


def preview_files(vault: Vault, shards: int, shard_of: Callable[[str], int]
                  ) -> list[tuple[str, dict[str, Preview]]]:
    """`previews/N.json` contents: the previews split in `shards` by `shard_of(url)`."""
    split: list[dict[str, Preview]] = [{} for _ in range(shards)]
    for url, preview in previews(vault).items():
        split[shard_of(url)][url] = preview
    return [(f"previews/{i}.json", shard) for i, shard in enumerate(split)]
