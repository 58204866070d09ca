"""Note markdown → safe HTML, done like Obsidian.

One `NoteRenderer` (one python-markdown instance, reset between notes) renders every
note of a build. On top of tables, fenced code, footnotes and heading anchors it adds:

- wikilinks `[[target#heading|label]]` → resolved links, or visibly missing ones;
- callouts `> [!info] Title` → `<div class="callout">`;
- `<a class="yt-timestamp" data-t="HH:MM:SS">` → a link to that moment of the video,
  with data attributes the page script uses to seek an embedded player instead;
- `<br>` kept; every other piece of raw HTML is shown as text (never run): note bodies
  come from transcripts and foreign tools, so they are untrusted.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import slugify as toc_slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from notegraph.models import Media
from notegraph.site.media import YOUTUBE, moment_href
from notegraph.slugs import format_timestamp, parse_timestamp, parse_wikilink
from notegraph.vault.links import cached_link_key
from notegraph.vault.text import INLINE_TAG_RE

# Bump when the HTML this module produces changes, so cached renders are not reused.
RENDER_VERSION = "8"
TOC_MIN_HEADINGS = 4
LINK_SEARCH_WEIGHT = "0.2"  # Pagefind weight of words that only name another note
# Punctuation glued to a link ("[[Lena Whitfield]]: …", "[[Ada]]'s"): Pagefind puts a
# space after an element with a weight of its own, so it goes inside that element
GLUED_AFTER_LINK = re.compile(r"['’]s\b|[:;,.!?)]+")
_SAFE_URL_RE = re.compile(r"^(?:https?:|mailto:|#|/|\.{0,2}/|[^:/?#]+(?:[/?#]|$))", re.I)


@dataclass(frozen=True)
class LinkTarget:
    """Where one wikilink points, as the renderer needs it."""

    href: str | None  # None: the note does not exist (rendered as missing)
    title: str = ""
    note_url: str = ""  # site-root-relative URL of the target note (for hover previews)


@dataclass(frozen=True)
class TocEntry:
    """One heading in a note's table of contents."""

    level: int
    id: str
    name: str


@dataclass(frozen=True)
class RenderedNote:
    """The HTML of a note body and its table of contents (empty for short notes)."""

    html: str
    toc: tuple[TocEntry, ...]


def heading_anchor(heading: str) -> str:
    """The `id` a heading gets, so `[[note#Heading]]` can point at it."""
    return toc_slugify(heading, "-")


def timestamp_url(video_id: str, seconds: float) -> str:
    """The YouTube URL of one moment of a video."""
    return moment_href(Media(YOUTUBE), video_id, seconds)


Resolver = Callable[[str, str | None], LinkTarget]


class NoteRenderer:
    """Renders note bodies; create one per build and call `render` for each note."""

    def __init__(self) -> None:
        self._ext = _NotegraphExtension()
        self._md = markdown.Markdown(
            extensions=["tables", "fenced_code", "footnotes", "sane_lists",
                        "toc", self._ext],
            extension_configs={"toc": {"permalink": "#", "permalink_class": "anchor",
                                       "permalink_title": "Link to this section",
                                       "toc_depth": "2-4"}},
            output_format="html",
        )

    def render(self, body: str, links: Mapping[tuple[str, str | None], LinkTarget],
               video_id: str | None = None, fallback: Resolver | None = None,
               tags: Mapping[str, str] | None = None,
               embeds: Mapping[tuple[str, str | None], str] | None = None,
               media: Media | None = None) -> RenderedNote:
        """Render `body`; `links` maps (link_key(target), heading) to where it points,
        `tags` an inline `#tag` (casefolded) to its tag page (other `#words` stay text),
        `embeds` a `![[target]]` key to the rendered HTML it transcludes (the rest of the
        embeds are shown as link cards), `media` where `video_id`'s timestamps lead
        (default: YouTube's page of the video)."""
        self._md.reset()
        self._ext.links = links
        self._ext.tags = tags or {}
        self._ext.embeds = embeds or {}
        self._ext.fallback = fallback
        self._ext.video_id = video_id
        self._ext.anchors = set()
        self._ext.media = media if media is not None else Media(YOUTUBE)
        html = self._md.convert(body)
        toc = tuple(_flatten(getattr(self._md, "toc_tokens", [])))
        return RenderedNote(html, toc if len(toc) >= TOC_MIN_HEADINGS else ())


def _flatten(tokens: list[dict]) -> list[TocEntry]:
    out = []
    for t in tokens:
        out.append(TocEntry(int(t["level"]), str(t["id"]), _strip_tags(str(t["name"]))))
        out.extend(_flatten(t.get("children", [])))
    return out


def _strip_tags(text: str) -> str:
    # toc names are already HTML-escaped by python-markdown; templates escape again,
    # so turn entities back into characters here.
    return html.unescape(re.sub(r"<[^>]*>", "", text))


class _NotegraphExtension(Extension):
    """Registers the wikilink, timestamp, line-break, callout and safety processors."""

    def __init__(self) -> None:
        super().__init__()
        self.links: Mapping[tuple[str, str | None], LinkTarget] = {}
        self.fallback: Resolver | None = None
        self.video_id: str | None = None
        self.anchors: set[str] = set()  # ids given to timestamps of the note being rendered
        self.media: Media = Media(YOUTUBE)
        self.tags: Mapping[str, str] = {}
        self.embeds: Mapping[tuple[str, str | None], str] = {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Raw HTML is untrusted: without these two processors it is escaped as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_TimestampPattern(self), "yt_timestamp", 185)
        md.inlinePatterns.register(_BreakPattern(), "html_br", 184)
        md.inlinePatterns.register(_WikiLinkPattern(self, md), "wikilink", 175)
        md.inlinePatterns.register(_TagPattern(self), "inline_tag", 174)
        md.parser.blockprocessors.register(_CalloutProcessor(md.parser), "callout", 21)
        md.treeprocessors.register(_SafeUrls(md), "safe_urls", 1)
        md.treeprocessors.register(_LinkListsUnindexed(md), "link_lists", 0)
        # After fenced code is stashed (25), so code blocks are left alone.
        md.preprocessors.register(_ListSpacing(md), "list_spacing", 22)


# how Python-Markdown keeps a backslash-escaped character until the end ("\x02124\x03")
_ESCAPED_RE = re.compile(f"{markdown.util.STX}(\\d+){markdown.util.ETX}")


class _WikiLinkPattern(InlineProcessor):
    def __init__(self, ext: _NotegraphExtension, md: markdown.Markdown) -> None:
        super().__init__(r"(!?)\[\[([^\[\]\n]+?)\]\]", md)
        self.ext = ext

    def handleMatch(self, m: re.Match, data: str):
        # a backslash escape ran first: `[[a\\|b]]` in a table holds a placeholder for "|"
        inner = _ESCAPED_RE.sub(lambda e: chr(int(e.group(1))), self.unescape(m.group(2)))
        wl = parse_wikilink(inner)
        key = (cached_link_key(wl.target), wl.heading)
        target = self.ext.links.get(key)
        if target is None:
            target = (self.ext.fallback(wl.target, wl.heading) if self.ext.fallback
                      else LinkTarget(None))
        label = wl.label or (wl.heading if not wl.target else wl.text)
        if not wl.label and target.title and "_" in wl.target and " " not in wl.target:
            # `[[the_body_as_interface]]` reads better as the note's title.
            label = f"{target.title} › {wl.heading}" if wl.heading else target.title
        if target.href is None:
            el = ET.Element("a", {"class": "wikilink missing",
                                  "title": f"Missing note: {wl.target}"})
        else:
            href = target.href
            if wl.heading:
                href = f"{href}#{heading_anchor(wl.heading)}"
            el = ET.Element("a", {"class": "wikilink", "href": href})
            if target.title and label.casefold() == target.title.casefold():
                # A link named by its note's title: those words are that note's own,
                # so search ranks the linked note (or the moment itself) above this one.
                el.set("data-pagefind-weight", LINK_SEARCH_WEIGHT)
            if target.note_url:
                el.set("data-note", target.note_url)
        el.text = label
        inner = self.ext.embeds.get(key) if m.group(1) and target.href else None
        if inner is not None and data.strip() == m.group(0):
            # `![[note]]` alone in its paragraph: the note's body, framed and titled;
            # stashed as raw HTML, so the paragraph becomes the block itself. (Inside a
            # sentence it stays a link card: a block cannot sit in a paragraph.)
            el.set("class", "wikilink embed-title")
            if not wl.label and target.title:
                el.text = f"{target.title} › {wl.heading}" if wl.heading else target.title
            block = (f'<div class="embed">{ET.tostring(el, encoding="unicode")}'
                     f'<div class="embed-body">{inner}</div></div>')
            return self.md.htmlStash.store(block), m.start(0), m.end(0)
        if m.group(1):
            el.set("class", el.get("class", "") + " embed")
            if not wl.label and target.title:  # a card names the note by its title
                el.text = f"{target.title} › {wl.heading}" if wl.heading else target.title
        if el.get("data-pagefind-weight"):
            el, end = _weighted(el, data, m.end(0))
            return el, m.start(0), end
        return el, m.start(0), m.end(0)


def _weighted(link: ET.Element, data: str, end: int) -> tuple[ET.Element, int]:
    """`link` with a search weight, and the punctuation glued to it, in one span (or
    alone when none follows); and where the match ends."""
    glued = GLUED_AFTER_LINK.match(data, end)
    if glued is None:
        return link, end
    span = ET.Element("span", {"data-pagefind-weight": link.attrib.pop("data-pagefind-weight")})
    span.append(link)
    link.tail = glued.group()
    return span, glued.end()


class _TagPattern(InlineProcessor):
    """An Obsidian `#tag` the note is tagged with → a link to its tag page."""

    def __init__(self, ext: _NotegraphExtension) -> None:
        super().__init__(INLINE_TAG_RE.pattern)
        self.ext = ext

    def handleMatch(self, m: re.Match, data: str):
        tag = m.group(1).rstrip("/-")
        href = self.ext.tags.get(tag.casefold())
        if href is None:
            return None, None, None
        el = ET.Element("a", {"class": "tag", "href": href})
        el.text = f"#{tag}"
        return el, m.start(0), m.start(0) + 1 + len(tag)


class _TimestampPattern(InlineProcessor):
    def __init__(self, ext: _NotegraphExtension) -> None:
        super().__init__(
            r"<a\s+class=\"yt-timestamp\"\s+data-t=\"([^\"<>]*)\"\s*>\s*\[([^\]<>]*)\]\s*</a>")
        self.ext = ext

    def handleMatch(self, m: re.Match, data: str):
        raw = m.group(1)
        seconds = parse_timestamp(raw)
        if seconds is None:
            el = ET.Element("span", {"class": "yt-timestamp malformed",
                                     "title": f"Malformed timestamp {raw!r}"})
            el.text = f"[{raw}]"
            return el, m.start(0), m.end(0)
        shown = format_timestamp(seconds)
        vid = self.ext.video_id
        href = moment_href(self.ext.media, vid, seconds) if vid else ""
        if href:
            el = ET.Element("a", {"class": "yt-timestamp", "href": href,
                                  "data-t": shown, "data-seconds": str(int(seconds)),
                                  "data-video-id": vid})
        else:
            el = ET.Element("span", {"class": "yt-timestamp", "data-t": shown})
        # An id per moment (the first of equal times): search results and shared
        # links can point at the moment itself (`#t-95`).
        anchor = f"t-{int(seconds)}"
        if anchor not in self.ext.anchors:
            self.ext.anchors.add(anchor)
            el.set("id", anchor)
        el.text = f"[{shown}]"
        return el, m.start(0), m.end(0)


class _BreakPattern(InlineProcessor):
    def __init__(self) -> None:
        super().__init__(r"<br\s*/?>", None)

    def handleMatch(self, m: re.Match, data: str):
        return ET.Element("br"), m.start(0), m.end(0)


class _CalloutProcessor(BlockProcessor):
    """`> [!type] Title` blockquotes become `<div class="callout" data-callout="type">`."""

    RE = re.compile(r"^[ ]{0,3}>[ ]?\[!([A-Za-z][\w-]*)\]([+-]?)[ \t]*(.*)$", re.M)

    def test(self, parent: ET.Element, block: str) -> bool:
        return bool(self.RE.match(block.split("\n", 1)[0]))

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        first, _, rest = block.partition("\n")
        m = self.RE.match(first)
        assert m is not None  # test() matched
        kind = m.group(1).lower()
        div = ET.SubElement(parent, "div", {"class": f"callout callout-{kind}",
                                            "data-callout": kind})
        title = ET.SubElement(div, "div", {"class": "callout-title"})
        title.text = m.group(3).strip() or kind.capitalize()
        content = ET.SubElement(div, "div", {"class": "callout-content"})
        inner = "\n".join(re.sub(r"^[ ]{0,3}>[ ]?", "", line) for line in rest.split("\n"))
        inner = "\n".join(space_lists(inner.split("\n")))
        self.parser.parseChunk(content, inner)


_LIST_ITEM_RE = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+\S")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")


def space_lists(lines: list[str]) -> list[str]:
    """Insert a blank line before a list that directly follows a paragraph line.

    Obsidian (like CommonMark) starts a list there; python-markdown would otherwise glue
    the items onto the paragraph.
    """
    out: list[str] = []
    for line in lines:
        if (out and _LIST_ITEM_RE.match(line) and out[-1].strip()
                and not _LIST_ITEM_RE.match(out[-1]) and not out[-1].startswith((" ", "\t"))
                and not out[-1].lstrip().startswith(("|", ">"))):
            out.append("")
        out.append(line)
    return out


class _ListSpacing(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return space_lists(lines)


class _SafeUrls(Treeprocessor):
    """Drop `javascript:`/`data:` and other unsafe URLs from links and images."""

    def run(self, root: ET.Element) -> None:
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is None:
                    continue
                # Browsers decode entities and ignore control characters in a scheme.
                plain = _CONTROL_RE.sub("", html.unescape(value))
                if not _SAFE_URL_RE.match(plain):
                    el.set(attr, "#unsafe-url-removed")


class _LinkListsUnindexed(Treeprocessor):
    """A list whose every item is one wikilink (a video's People, a generated note's
    "Related Concepts" callout) is a way to other notes, not what this one says: search
    does not index it (`data-pagefind-ignore`), so a page is not found by its neighbours'
    names, and its result excerpts are its own sentences."""

    def run(self, root: ET.Element) -> None:
        for el in root.iter():
            if _link_list(el):
                el.set("data-pagefind-ignore", "")
            elif el.get("data-callout") is not None:
                body = [c for c in el if c.get("class") == "callout-content"]
                if body and len(body[0]) and all(map(_link_list, body[0])):
                    el.set("data-pagefind-ignore", "")  # its title too


def _link_list(el: ET.Element) -> bool:
    """A `ul`/`ol` whose every item is a single wikilink."""
    return el.tag in ("ul", "ol") and len(el) > 0 and all(map(_one_link, el))


def _one_link(li: ET.Element) -> bool:
    """An `li` holding a single wikilink and nothing else."""
    return (li.tag == "li" and not (li.text or "").strip() and len(li) == 1
            and "wikilink" in (li[0].get("class") or "") and not (li[0].tail or "").strip())
