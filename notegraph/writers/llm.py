"""The optional LLM writer: seed-style prose notes, every sentence grounded in the transcript.

It rewrites the topics the extractive writer made (their segment, title, people and
concepts) one topic at a time, so a transcript of any length never overflows a context
window. For each topic the model gets the video title, the topic's sentences each
prefixed with its `[HH:MM:SS]`, and the people and concepts already known, and replies
with one JSON object (`parse_reply` validates it). Every sentence of the reply then goes
through `notegraph.topics.grounding`: kept when a cited moment supports it, re-cited when another
moment of the topic clearly does, dropped otherwise; the counts land in `Topic.grounding`
(`grounding: {kept, recited, dropped}`), which the note's frontmatter records.

Any failure for a topic — server down, bad key, rate limit, timeout, a reply that is not
the requested JSON, or nothing left after grounding — leaves that topic's extractive
version in place (with a warning): a run never produces a half-written note.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from notegraph.config import Config
from notegraph.errors import ConfigError, LLMError
from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic
from notegraph.report import Reporter, SilentReporter
from notegraph.slugs import format_timestamp, link_key
from notegraph.topics.grounding import (
    Claim,
    GroundingChecker,
    GroundingReport,
    Thresholds,
    contains_words,
    plain_text,
)
from notegraph.writers.base import Writer, WriterContext
from notegraph.writers.chat import CachedChat, ChatClient, MalformedReply
from notegraph.writers.reply_schema import reply_schema

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"
SYSTEM_PROMPT = "topic_note_system.txt"
USER_PROMPT = "topic_note.txt"
# The transcript lines sent for one topic stay under this many characters (≈ 6k tokens),
# so small local models with 8k contexts cope; longer topics are thinned evenly.
MAX_EXCERPT_CHARS = 24_000
MAX_SECTIONS = 6
MAX_TITLE_WORDS = 12

_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
# Any time-like token the model wrote into its prose: only grounded citations may survive.
_STAMP_RE = re.compile(r"[\[(]?\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b[\])]?")
_WORD_RE = re.compile(r"[a-z0-9]+")


# --------------------------------------------------------------------------- the reply

@dataclass(frozen=True)
class DraftSection:
    """A section of the model's reply, before grounding."""

    heading: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Draft:
    """The model's reply for one topic, validated but not yet grounded."""

    title: str
    lead: tuple[Claim, ...]
    sections: tuple[DraftSection, ...]
    people: tuple[str, ...]
    concepts: tuple[str, ...]


def _json_object(text: str) -> dict[str, Any]:
    """The JSON object in a reply, tolerating code fences and a reasoning preamble."""
    text = _THINK_RE.sub("", text).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise MalformedReply("no JSON object in the reply")
    try:
        data = json.loads(text[start:end + 1])
    except json.JSONDecodeError as exc:
        raise MalformedReply(f"invalid JSON: {exc.msg} at char {exc.pos}") from exc
    if not isinstance(data, dict):
        raise MalformedReply("the reply is not a JSON object")
    return data


def _claims(items: Any, where: str) -> tuple[Claim, ...]:
    if not isinstance(items, list):
        raise MalformedReply(f"{where} must be a list of {{text, cite}} objects")
    claims = []
    for n, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise MalformedReply(f"{where}[{n}] must be an object with a 'text' string")
        cite = item.get("cite", item.get("cites", []))
        if isinstance(cite, str):
            cite = [cite]
        if not isinstance(cite, list):
            raise MalformedReply(f"{where}[{n}].cite must be a list of timestamps")
        if item["text"].strip():
            claims.append(Claim(item["text"], tuple(str(c) for c in cite)))
    return tuple(claims)


def _names(items: Any) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(x.strip() for x in items if isinstance(x, str) and x.strip())


def parse_reply(text: str) -> Draft:
    """Validate the model's JSON reply; raise `MalformedReply` naming what is wrong."""
    data = _json_object(text)
    sections_raw = data.get("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        raise MalformedReply("'sections' must be a non-empty list")
    sections = []
    for n, sec in enumerate(sections_raw[:MAX_SECTIONS]):
        if not isinstance(sec, dict) or not isinstance(sec.get("heading"), str):
            raise MalformedReply(f"sections[{n}] must be an object with a 'heading' string")
        sections.append(DraftSection(sec["heading"],
                                     _claims(sec.get("sentences"), f"sections[{n}].sentences")))
    title = data.get("title")
    return Draft(
        title=title if isinstance(title, str) else "",
        lead=_claims(data.get("lead", []), "lead"),
        sections=tuple(sections),
        people=_names(data.get("people")),
        concepts=_names(data.get("concepts")),
    )


# -------------------------------------------------------------------------- the prompt

def prompt_environment(config: Config) -> jinja2.Environment:
    """Prompt templates: `<templates_dir>/prompts/` first, then the built-in ones."""
    loaders = [jinja2.FileSystemLoader(str(config.templates_path / "prompts")),
               jinja2.FileSystemLoader(str(PROMPTS_DIR))]
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders),
                              undefined=jinja2.StrictUndefined, autoescape=False,
                              keep_trailing_newline=True)


def excerpt_lines(sentences: Sequence[Sentence], budget: int = MAX_EXCERPT_CHARS
                  ) -> list[dict[str, str]]:
    """`{stamp, speaker, text}` per sentence; an over-long topic is thinned evenly
    (every k-th sentence) so the prompt fits while still covering the whole topic."""
    total = sum(len(s.text) + 12 for s in sentences)
    step = max(1, -(-total // budget))
    return [{"stamp": format_timestamp(s.start), "speaker": s.speaker or "",
             "text": " ".join(s.text.split())}
            for s in sentences[::step]]


def build_messages(env: jinja2.Environment, context: WriterContext, topic: Topic,
                   people: Sequence[str], concepts: Sequence[str], *,
                   schema_enforced: bool = False) -> list[dict[str, str]]:
    """The chat messages (system + user) for one topic."""
    try:
        system = env.get_template(SYSTEM_PROMPT).render()
        user = env.get_template(USER_PROMPT).render(
            video_title=context.title or context.video_id, channel=context.channel,
            topic_title=topic.title, chapter_title=topic.segment.chapter_title or "",
            lines=excerpt_lines(topic_sentences(topic)), people=list(people),
            concepts=list(concepts), schema_enforced=schema_enforced)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"prompt template: {exc}; fix or remove your copy in "
                          "<templates_dir>/prompts/") from exc
    return [{"role": "system", "content": system.strip()},
            {"role": "user", "content": user.strip()}]


# ----------------------------------------------------------------- from draft to topic

def clean_text(text: str) -> str:
    """One line of prose: no HTML, no time-like tokens (only grounded ones are added
    back, by the note renderer), no markdown block syntax at the start."""
    text = _TAG_RE.sub("", text)
    text = _STAMP_RE.sub("", text)
    text = " ".join(text.split())
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    return text.lstrip("#>*-+| ").strip()


def _words(text: str) -> list[str]:
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w
            for w in _WORD_RE.findall(text.lower())]


def _looks_like_full_name(name: str) -> bool:
    parts = name.split()
    return 2 <= len(parts) <= 4 and all(p[:1].isupper() for p in parts)


def _accept_names(proposed: Iterable[str], known: Sequence[str], words: list[str],
                  limit: int, *, people: bool = False) -> list[str]:
    """Names the model proposes that the topic's own words bear out (precision first: a
    wrong person link is worse than a missing one); a known name keeps its known
    spelling, and a new person needs a full name ("Ada Lovelace", not "sourdough")."""
    by_key = {link_key(k): k for k in known}
    out: list[str] = []
    for name in proposed:
        name = clean_text(name)
        if not name or len(name) > 80:
            continue
        canonical = by_key.get(link_key(name))
        if canonical is None:
            if people and not _looks_like_full_name(name):
                continue
            canonical = name
        if contains_words(words, _words(canonical)) and canonical not in out:
            out.append(canonical)
    return out[:limit]


def ground_draft(draft: Draft, topic: Topic, checker: GroundingChecker,
                 known_people: Sequence[str], known_concepts: Sequence[str]
                 ) -> tuple[Topic | None, GroundingReport]:
    """The topic rewritten from `draft`, keeping only grounded sentences; None when no
    section sentence survives (the caller keeps the extractive topic)."""
    words = _words(" ".join(s.text for s in topic.segment.sentences))
    people = list(topic.people) + _accept_names(
        draft.people, [*topic.people, *known_people], words, 8, people=True)
    concepts = list(topic.concepts) + _accept_names(
        draft.concepts, [*topic.concepts, *known_concepts], words, 10)
    people, concepts = list(dict.fromkeys(people)), list(dict.fromkeys(concepts))

    def prepare(claim: Claim) -> Claim:
        # Plain text: the note renderer escapes it and links the topic's people and
        # concepts itself, so a model's own [[links]] keep only their words.
        return Claim(clean_text(plain_text(claim.text)), claim.cited)

    lead_claims = [prepare(c) for c in draft.lead]
    section_claims = [[prepare(c) for c in sec.claims] for sec in draft.sections]
    flat = lead_claims + [c for claims in section_claims for c in claims]
    results, report = checker.ground_all(flat)
    lead_results, rest = results[:len(lead_claims)], results[len(lead_claims):]

    sections = []
    for sec, claims in zip(draft.sections, section_claims, strict=True):
        grounded, rest = rest[:len(claims)], rest[len(claims):]
        points = tuple(KeyPoint(g.text, g.start) for g in grounded if g is not None)
        heading = clean_text(plain_text(sec.heading))
        if points:
            sections.append(Section(heading or "Notes", points))
    if not sections:
        return None, report
    lead = " ".join(g.text for g in lead_results if g is not None) or topic.lead
    title = topic.title
    if not topic.segment.chapter_title:  # creator chapter titles win when present
        proposed = clean_text(plain_text(draft.title))
        if proposed and len(proposed.split()) <= MAX_TITLE_WORDS:
            title = proposed
    return Topic(segment=topic.segment, title=title, lead=lead, sections=tuple(sections),
                 concepts=tuple(concepts), people=tuple(people), writer="llm",
                 grounding=report), report


def topic_sentences(topic: Topic) -> list[Sentence]:
    """The sentences of the topic a note may cite: those starting inside its range."""
    seg = topic.segment
    return [s for s in seg.sentences if seg.start <= s.start <= seg.end]


# ---------------------------------------------------------------------------- the writer

class _ContextEmbedder:
    """The run's embedder as a writer sees it (`WriterContext.vectors` embeds sentences):
    claims are embedded by the same model, through the same cache, as the transcript."""

    name = "writer-context"

    def __init__(self, vectors: Callable[[Sequence[Sentence]], np.ndarray]) -> None:
        self._vectors = vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors([Sentence(0.0, 0.0, t) for t in texts])


class LLMWriter:
    """Rewrites extractive topics with a language model, grounded sentence by sentence.

    Plugs into `notegraph.writers` as `writer = "llm"`. `client` defaults to a
    `ChatClient` for `config.llm`; `fallback` (default: the extractive writer) makes the
    draft each topic starts from and is what a failed topic keeps.
    """

    name = "llm"

    def __init__(self, config: Config, reporter: Reporter | None = None, *,
                 client: CachedChat | None = None, thresholds: Thresholds | None = None,
                 fallback: Writer | None = None) -> None:
        from notegraph.writers.extractive import ExtractiveWriter

        self.config = config
        self.reporter = reporter or SilentReporter()
        self.client = client or make_client(config)
        self.thresholds = thresholds or Thresholds()
        self.fallback = fallback or ExtractiveWriter()
        self.env = prompt_environment(config)
        self._disabled: str | None = None  # set by a fatal failure: stop asking
        self._lock = threading.Lock()
        self.totals = GroundingReport()
        self.fallbacks = 0
        self._told_schema = False
        self.schema = reply_schema(config.llm.max_tokens)

    def write_topic(self, segment: Segment, context: WriterContext) -> Topic:
        """One topic (the `Writer` protocol); `write_topics` does a video's at once."""
        return self.write_topics([segment], context)[0]

    def write_topics(self, segments: Sequence[Segment], context: WriterContext
                     ) -> list[Topic]:
        """The LLM version of each segment's topic, or its extractive one where that failed.

        Requests run `llm.max_concurrency` at a time; grounding runs in this thread.
        """
        drafts = [self.fallback.write_topic(seg, context) for seg in segments]
        return self.rewrite(drafts, context)

    def _ask(self, messages: list[dict[str, str]]) -> Draft | LLMError:
        """One topic's draft, or the error that prevented it (never raises LLMError)."""
        with self._lock:
            disabled = self._disabled
        if disabled:
            return LLMError(disabled, fatal=True)
        try:
            return self.client.complete(messages, parse_reply, self.schema)
        except LLMError as exc:
            if exc.fatal:
                with self._lock:
                    self._disabled = self._disabled or str(exc)
            return exc

    def rewrite(self, topics: Sequence[Topic], context: WriterContext) -> list[Topic]:
        """Each (extractive) topic rewritten by the model and grounded, or kept as it is."""
        people = list(dict.fromkeys([*context.people, *context.vault_people,
                                     *(p for t in topics for p in t.people)]))
        concepts = list(dict.fromkeys(c for t in topics for c in t.concepts))
        enforced = bool(getattr(self.client, "enforces_schema", False))
        jobs = [build_messages(self.env, context, t, people, concepts, schema_enforced=enforced)
                for t in topics]
        workers = max(1, min(self.config.llm.max_concurrency, len(jobs)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            replies = list(pool.map(self._ask, jobs))
        refused = getattr(self.client, "schema_refused", None)
        if refused and not self._told_schema:
            self._told_schema = True
            self.reporter.info(f"the LLM server does not take our reply schema ({refused}); "
                               "asking with a weaker format or the prompt alone")
        embedder = _ContextEmbedder(context.vectors)
        vocab_context = [context.title, context.channel, *context.people, *context.speakers]
        out = []
        reported_fatal = False
        for topic, draft in zip(topics, replies, strict=True):
            label = f"{context.video_id} at {format_timestamp(topic.segment.start)}"
            if isinstance(draft, LLMError):
                if not (draft.fatal and reported_fatal):
                    rest = " for this and the remaining topics" if draft.fatal else ""
                    self.reporter.warn(f"{label}: LLM writer failed ({draft}); kept the "
                                       f"extractive note{rest}")
                reported_fatal = reported_fatal or draft.fatal
                out.append(self._fallback(topic, str(draft)))
                continue
            checker = GroundingChecker(topic_sentences(topic), embedder, self.thresholds,
                                       context=vocab_context)
            written, report = ground_draft(draft, topic, checker, people, concepts)
            self.totals = self.totals + report
            if written is None:
                self.reporter.warn(f"{label}: no sentence of the model's note passed the "
                                   f"grounding check ({report.dropped} dropped); kept the "
                                   "extractive note")
                out.append(self._fallback(topic, "nothing grounded"))
                continue
            self.reporter.debug(f"{label}: grounding kept {report.kept}, re-cited "
                                f"{report.recited}, dropped {report.dropped}")
            out.append(written)
        return out

    def _fallback(self, topic: Topic, reason: str) -> Topic:
        self.fallbacks += 1
        # provisional: the pipeline retries this transcript on its next run
        return dataclasses.replace(topic, writer="extractive", fallback=reason,
                                   provisional=True)


def make_client(config: Config) -> CachedChat:
    """The model behind the writer: an OpenAI-compatible server, or (backend =
    "llama-cpp") a GGUF file run in this process."""
    if config.llm.backend == "llama-cpp":
        from notegraph.writers.llama_cpp import LlamaCppClient

        return LlamaCppClient(config.llm, config.cache_path, root=config.root)
    return ChatClient(config.llm, config.cache_path)


def make_writer(config: Config, reporter: Reporter) -> Writer:
    """The `llm` entry point of `notegraph.writers`."""
    return LLMWriter(config, reporter)
