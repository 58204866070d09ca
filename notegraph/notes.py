"""Topics → markdown notes of the vault (topic, video, person, concept, channel notes).

Pure: `render_vault` takes every video's topics and what the vault already holds, and
returns the notes to write; `notegraph.note_files` writes them without losing edits.

Transcript text is untrusted. Everything from it that lands in a note is neutralised:
HTML characters become entities (`<script>` stays text), `[` `]` become entities (a
`[[` said in a transcript never becomes a link), and markdown/Obsidian markup
characters are backslash-escaped. Link labels are stripped of link syntax.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml

from notegraph.concepts import ConceptIndex, build_concept_index, concept_key
from notegraph.models import Sentence, Topic
from notegraph.slugs import format_timestamp, is_youtube_id, link_key, slugify, unique_slug
from notegraph.store import content_hash
from notegraph.text.cleanup import is_unidentified

GENERATOR = "notegraph"
FOLDERS = {"topic": "topics", "video": "videos", "person": "people", "concept": "concepts",
           "channel": "channels"}
MAX_RELATED, MIN_RELATED, RELATED_THRESHOLD = 6, 3, 0.35


# ---------------------------------------------------------------- escaping

# python-markdown honours backslash escapes only for these; the rest become entities
_BACKSLASH_RE = re.compile(r"([\\`*_#{}])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;",
             "|": "&#124;", "~": "&#126;", "=": "&#61;", "$": "&#36;", "^": "&#94;",
             "%": "&#37;"}
_ENTITY_RE = re.compile("[" + re.escape("".join(_ENTITIES)) + "]")


def escape_text(text: str) -> str:
    """Untrusted text → inert inline markdown (renders as the same characters)."""
    text = " ".join(str(text).split())
    text = _BACKSLASH_RE.sub(r"\\\1", text)  # first: the entities below contain "#"
    text = _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(0)], text)
    # a line starting like a list item would change the note's structure
    text = re.sub(r"^(\d+)\.(?=\s)", r"\1\\.", text)
    return re.sub(r"^([-+])(?=\s)", r"\\\1", text)


# Link and HTML syntax in a label becomes look-alike text, so "arrays [part 2]" still
# reads as such: `[part 2]` → `(part 2)`, `C<3` → `C‹3`, `A | B` → `A / B`.
_LABEL_CHARS = str.maketrans({"[": "(", "]": ")", "<": "‹", ">": "›", "|": "/"})


def link_label(text: str) -> str:
    """Text safe inside `[[target|label]]` and `##` headings: no link/HTML syntax."""
    text = re.sub(r"[#^`]", "", str(text).translate(_LABEL_CHARS))
    return " ".join(text.split()) or "untitled"


def wikilink(target: str, label: str | None = None) -> str:
    """`[[target]]` or `[[target|label]]`."""
    target = link_label(target)
    if label is None or link_label(label) == target:
        return f"[[{target}]]"
    return f"[[{target}|{link_label(label)}]]"


def timestamp_anchor(seconds: float) -> str:
    """The seed's timestamp: `<a class="yt-timestamp" data-t="HH:MM:SS">[HH:MM:SS]</a>`."""
    t = format_timestamp(seconds)
    return f'<a class="yt-timestamp" data-t="{t}">[{t}]</a>'


def moment_link(video_id: str, seconds: float) -> str:
    """A time in a note about several videos: a YouTube link when the ID is one."""
    t = format_timestamp(seconds)
    if is_youtube_id(video_id):
        return f"[{t}](https://www.youtube.com/watch?v={video_id}&t={int(seconds)}s)"
    return t


def link_terms(text: str, terms: dict[str, str], done: set[str]) -> str:
    """Link the first occurrence of each term in escaped `text`.

    `terms` maps a surface form (as it may appear in the text) to its link target;
    targets already in `done` are not linked again (one link per target per note).
    """
    pending = {s: t for s, t in terms.items() if t not in done and s.strip()}
    if not pending:
        return text
    pattern = re.compile(
        r"(?<![\w\[|])(" + "|".join(re.escape(s) for s in sorted(pending, key=len, reverse=True))
        + r")(?![\w\]])", re.IGNORECASE)
    lowered = {s.lower(): t for s, t in pending.items()}

    def repl(m: re.Match[str]) -> str:
        target = lowered.get(m.group(1).lower())
        if target is None or target in done:
            return m.group(1)
        done.add(target)
        return wikilink(target, m.group(1))

    return pattern.sub(repl, text)


# ---------------------------------------------------------------- data in, notes out

@dataclass(frozen=True)
class VideoTopics:
    """One video's metadata and topics, with a unit vector per topic (for related notes)."""

    video_id: str
    title: str
    channel: str
    duration: float
    source: str
    topics: tuple[Topic, ...]
    vectors: tuple[tuple[float, ...], ...] = ()
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExistingVault:
    """What the notes folder already holds that generation must respect.

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


def topic_key(video_id: str, topic: Topic) -> str:
    """A topic's stable identity: its video and start second."""
    return f"topic:{video_id}@{int(topic.segment.start)}"


def _video_short_name(video: VideoTopics) -> str:
    head = re.split(r"\s*[:|–—]\s*|\s+-\s+", video.title, maxsplit=1)[0]
    return " ".join(head.split()[:4]) or video.video_id


class _SlugBook:
    """Assigns slugs unique across the vault, reusing last run's when still free."""

    def __init__(self, existing: ExistingVault) -> None:
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
    note lists true mentions. Only lower-case phrases of 2–4 words qualify: names and
    titles are people, works or notes, not concepts.
    """
    wanted = []
    for phrase in dict.fromkeys(" ".join(p.split()) for p in phrases):
        words = phrase.split()
        if 2 <= len(words) <= 4 and phrase[:1].islower() and concept_key(phrase):
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


def render_vault(videos: Sequence[VideoTopics], existing: ExistingVault | None = None
                 ) -> list[GeneratedNote]:
    """Every generated note of the vault, from every video's topics."""
    existing = existing or ExistingVault()
    videos = sorted(videos, key=lambda v: v.video_id)
    concepts = build_concept_index(
        (c for v in videos for t in v.topics for c in t.concepts), existing.concept_names)
    people_names: dict[str, str] = {}
    for v in videos:
        for t in v.topics:
            for p in t.people:
                people_names.setdefault(link_key(p), p)
    channels = {link_key(v.channel): v.channel for v in videos if v.channel}
    # a concept that is really a person or channel name is not a concept
    not_concepts = {concept_key(n) for n in [*people_names.values(), *channels.values()]}

    book = _SlugBook(existing)
    topic_keys = [topic_key(v.video_id, t) for v in videos for t in v.topics]
    entity_keys = ([f"channel:{k}" for k in channels] + [f"video:{v.video_id}" for v in videos]
                   + [f"person:{k}" for k in people_names]
                   + [f"concept:{k}" for k in concepts.names])
    # people, concepts and channels are linked by name, so they get their natural slugs
    # before topics (whose links always name the slug)
    book.reserve_previous(entity_keys)

    video_slug = {v.video_id: book.slug(f"video:{v.video_id}", slugify(v.title or v.video_id),
                                        slugify(f"{v.title} {v.video_id}")) for v in videos}
    person_slug = {k: book.slug(f"person:{k}", slugify(n))
                   for k, n in sorted(people_names.items()) if k not in existing.claimed}
    # a channel named like a person ("Lex Fridman") leaves the plain slug to the person
    channel_slug = {k: book.slug(f"channel:{k}", *([slugify(n)] if k not in people_names else [])
                                 , slugify(n + " channel"))
                    for k, n in sorted(channels.items())}
    concept_slug = {k: book.slug(f"concept:{k}", slugify(n))
                    for k, n in sorted(concepts.names.items())
                    if k not in not_concepts and link_key(n) not in existing.claimed}
    book.reserve_previous(topic_keys)
    topic_slug: dict[str, str] = {}
    for v in videos:
        for t in v.topics:
            key = topic_key(v.video_id, t)
            topic_slug[key] = book.slug(key, slugify(t.title),
                                        slugify(f"{t.title} {_video_short_name(v)}"))

    # link targets: a bare name when it resolves only to its note, else slug|name
    claims: dict[str, int] = {}
    for name in [*channels.values(), *people_names.values(), *concepts.names.values()]:
        claims[link_key(name)] = claims.get(link_key(name), 0) + 1
    for v in videos:
        for t in v.topics:
            claims[link_key(t.title)] = claims.get(link_key(t.title), 0) + 1

    def target(name: str, slug: str | None) -> str:
        """`name` when only its note answers to it, else the note's unique slug."""
        if slug is not None and link_key(link_label(name)) != link_key(name):
            return slug  # link syntax in the name (`[Live] | C<3`): only the slug is exact
        if slug is None or link_key(slug) == link_key(name):
            return name  # the file stem matches: stems resolve before titles and aliases
        if claims.get(link_key(name), 0) <= 1 and link_key(name) not in existing.claimed:
            return name
        return slug

    channel_target = {k: target(n, channel_slug[k]) for k, n in channels.items()}
    person_target = {k: target(n, person_slug.get(k)) for k, n in people_names.items()}
    concept_target = {k: target(n, concept_slug.get(k)) for k, n in concepts.names.items()
                      if k not in not_concepts}

    notes: list[GeneratedNote] = []
    mentions_of: dict[str, list[str]] = {}  # person/concept key → mention lines
    videos_of_channel: dict[str, list[str]] = {}
    all_topics = [(v, i, t) for v in videos for i, t in enumerate(v.topics)]
    related = _related_topics(all_topics)

    for v in videos:
        ck = link_key(v.channel) if v.channel else None
        from_line = (f"From: {wikilink(channel_target[ck], v.channel)} <br/>" if ck else "")
        vslug = video_slug[v.video_id]
        vlink = wikilink(vslug, v.title or v.video_id)
        topic_lines = []
        for i, t in enumerate(v.topics):
            key = topic_key(v.video_id, t)
            slug = topic_slug[key]
            tlink = wikilink(slug, t.title)
            topic_lines.append(f"- {tlink} {timestamp_anchor(t.segment.start)}")
            concept_keys = [concept_key(c) for c in t.concepts]
            concept_keys = [k for k in dict.fromkeys(concept_keys) if k in concept_target]
            body = _topic_body(v, t, from_line, vlink, concepts, concept_keys, concept_target,
                               person_target,
                               [(topic_slug[topic_key(ov.video_id, ot)], ot.title)
                                for ov, _, ot in related.get((v.video_id, i), [])])
            notes.append(GeneratedNote(
                kind="topic", key=key, slug=slug, title=t.title,
                frontmatter={"title": t.title, "videoId": v.video_id, "channel": v.channel,
                             "start": _secs(t.segment.start), "end": _secs(t.segment.end),
                             "people": [people_names[link_key(p)] for p in t.people],
                             "concepts": [concepts.names[k] for k in concept_keys],
                             # LLM-written notes: how many sentences the check kept,
                             # re-cited and dropped (see notegraph.grounding)
                             **({"grounding": dict(t.meta["grounding"])}
                                if "grounding" in t.meta else {})},
                body=body))
            sentences = t.segment.sentences
            for p in t.people:
                pk = link_key(p)
                at = _first_mention(sentences, [p], speaker=p)
                at = t.segment.start if at is None else at
                mentions_of.setdefault(f"person:{pk}", []).append(
                    f"- {tlink} in {vlink} at {moment_link(v.video_id, at)}")
            for k in concept_keys:
                forms = [concepts.names[k], *concepts.aliases.get(k, ())]
                at = _first_mention(sentences, forms)
                at = t.segment.start if at is None else at
                mentions_of.setdefault(f"concept:{k}", []).append(
                    f"- {tlink} in {vlink} at {moment_link(v.video_id, at)}")
        if ck:
            videos_of_channel.setdefault(ck, []).append(f"- {vlink}")
        notes.append(_video_note(v, vslug, from_line, topic_lines, person_target))

    for k, name in sorted(people_names.items()):
        if k in person_slug:
            notes.append(GeneratedNote(
                kind="person", key=f"person:{k}", slug=person_slug[k], title=name,
                frontmatter={"title": name, "aliases": []},
                body="Mentioned in:\n\n" + "\n".join(mentions_of.get(f"person:{k}", [])) + "\n"))
    for k, name in sorted(concepts.names.items()):
        if k in concept_slug:
            notes.append(GeneratedNote(
                kind="concept", key=f"concept:{k}", slug=concept_slug[k], title=name,
                frontmatter={"title": name, "aliases": list(concepts.aliases.get(k, ()))},
                body="Discussed in:\n\n" + "\n".join(mentions_of.get(f"concept:{k}", [])) + "\n"))
    for k, name in sorted(channels.items()):
        notes.append(GeneratedNote(
            kind="channel", key=f"channel:{k}", slug=channel_slug[k], title=name,
            frontmatter={"title": name},
            body="Videos:\n\n" + "\n".join(videos_of_channel.get(k, [])) + "\n"))
    return notes


def _secs(x: float) -> float | int:
    r = round(float(x), 3)
    return int(r) if r == int(r) else r


def _topic_body(v: VideoTopics, t: Topic, from_line: str, vlink: str, concepts: ConceptIndex,
                concept_keys: list[str], concept_target: dict[str, str],
                person_target: dict[str, str], related: list[tuple[str, str]]) -> str:
    terms: dict[str, str] = {}
    for p in t.people:
        terms[p] = person_target[link_key(p)]
    for k in concept_keys:
        for form in [concepts.names[k], *concepts.aliases.get(k, ())]:
            terms.setdefault(form, concept_target[k])
    done: set[str] = set()
    span = f"{format_timestamp(t.segment.start)}–{format_timestamp(t.segment.end)}"
    lines = [from_line, f"Video: {vlink} ({span})", ""] if from_line else \
        [f"Video: {vlink} ({span})", ""]
    if t.lead:
        lines += [link_terms(escape_text(t.lead), terms, done), ""]
    prose = t.meta.get("writer") == "llm"  # the model writes paragraphs, not key points
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
    lines += [f"{where} · {format_timestamp(v.duration)}", "", "## Topics", "", *topic_lines, ""]
    people = sorted({p for t in v.topics for p in t.people})
    if people:
        lines += ["## People", "",
                  *[f"- {wikilink(person_target[link_key(p)], p)}" for p in people], ""]
    fm: dict[str, Any] = {"title": v.title or v.video_id, "videoId": v.video_id,
                          "channel": v.channel, "url": url, "duration": _secs(v.duration)}
    return GeneratedNote(kind="video", key=f"video:{v.video_id}", slug=slug,
                         title=v.title or v.video_id, frontmatter=fm, body="\n".join(lines))


def _related_topics(all_topics: list[tuple[VideoTopics, int, Topic]]
                    ) -> dict[tuple[str, int], list[tuple[VideoTopics, int, Topic]]]:
    """3–6 most related topics for each, from other parts of the vault.

    Score: cosine similarity of topic vectors plus 0.05 per shared concept; topics of
    the same video count less, and its neighbouring topics are left out.
    """
    if not all_topics:
        return {}
    dims = {len(v.vectors[i]) for v, i, _ in all_topics if i < len(v.vectors)}
    dim = max(dims) if dims else 0
    mat = np.zeros((len(all_topics), dim), dtype=np.float32)
    for row, (v, i, _) in enumerate(all_topics):
        if i < len(v.vectors) and len(v.vectors[i]) == dim:
            mat[row] = v.vectors[i]
    sims = mat @ mat.T if dim else np.zeros((len(all_topics), len(all_topics)))
    # shared concepts, same-video penalty and neighbours, all as matrices (fast on
    # thousands of topics)
    vocab: dict[str, int] = {}
    rows = [[vocab.setdefault(concept_key(c), len(vocab)) for c in t.concepts]
            for _, _, t in all_topics]
    member = np.zeros((len(all_topics), max(1, len(vocab))), dtype=np.float32)
    for r, cols in enumerate(rows):
        member[r, cols] = 1.0
    scores = sims + 0.05 * (member @ member.T)
    video = np.array([hash(v.video_id) for v, _, _ in all_topics])
    index = np.array([i for _, i, _ in all_topics])
    same = video[:, None] == video[None, :]
    scores = scores - 0.15 * same
    excluded = same & (np.abs(index[:, None] - index[None, :]) <= 1)  # self and neighbours
    scores = np.where(excluded, -np.inf, scores)
    out = {}
    n = len(all_topics)
    for a, (va, ia, _) in enumerate(all_topics):
        row = scores[a]
        top = np.argpartition(-row, min(MAX_RELATED, n - 1))[:MAX_RELATED + 1] if n > 1 else []
        order = sorted((int(b) for b in top if np.isfinite(row[b])),
                       key=lambda b: (-row[b], b))[:MAX_RELATED]
        chosen = [b for b in order if row[b] >= RELATED_THRESHOLD]
        if len(chosen) < MIN_RELATED:
            chosen = order[:MIN_RELATED]
        out[(va.video_id, ia)] = [all_topics[b] for b in chosen]
    return out
