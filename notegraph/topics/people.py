"""People discussed in a transcript: names from metadata, speaker labels and the text.

Precision first — a wrong person link is worse than a missing one:
- metadata: the guest before `:` in `Guest Name: topics | Host Name Podcast #12`, the
  host named in the title, the channel when it is a name that the title repeats;
- speaker labels of the transcript;
- the text: a 2–3 word capitalized name whose first word is a known first name, that
  is said at least twice (or is already known), and whose words never occur in lower
  case in the same transcript (`Crossroads Festival` is not a person: "festival" is a
  common word there). In punctuated transcripts a name said once in full also counts
  when its surname is said again on its own ("Joseph Weizenbaum … Weizenbaum was
  shocked"): the capital there is the speaker's, not a caption guess. Single names
  (`Ilya`) only resolve to a known full name. A name that is a known or more often said
  one with one word misheard ("Peter Levels" beside "Pieter Levels"), or the end of a
  known one ("Kennedy Jr" of "Robert F. Kennedy Jr"), is that one.
  A name said after "the" in at least half of its mentions is a thing named after
  someone ("the Abraham Accords"), not a person.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from notegraph.topics.words import STOPWORDS

# Latin letters with accents too ("Tomás Ibarra"); explicit ranges keep `re` simple
_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
_NAME_WORD = rf"[{_UP}][{_LOW}]+(?:[-'][{_UP}]?[{_LOW}]+)?"
_NAME_RE = re.compile(rf"\b({_NAME_WORD}(?: {_NAME_WORD}){{1,3}})\b")
_LOWER_WORD_RE = re.compile(r"\b[a-z][a-z'-]+\b")
# Words that start place names, and last words of institutions/works: not people.
_NOT_FIRST_TEXT = """
san santa saint st los las el la le de del fort port mount lake new north south east west
the mr mrs ms dr sir lord king queen president prince general captain
"""
_NOT_FIRST = frozenset(_NOT_FIRST_TEXT.split())
_NOT_LAST_TEXT = """
hotel festival store street road university college institute company records hall park
center centre club band brothers group award awards prize project state city county bay
river island mountain valley square church school museum podcast show channel news times
house studio studios foundation lab labs league cup series administration government
campaign committee commission council party agency department ministry army navy
corporation
"""
_NOT_LAST = frozenset(_NOT_LAST_TEXT.split())
_GENERIC_TITLE_WORDS_TEXT = """
podcast show channel episode tv news media official radio the live talks talk interview
lecture
"""
_GENERIC_TITLE_WORDS = frozenset(_GENERIC_TITLE_WORDS_TEXT.split())


@functools.lru_cache(maxsize=1)
def _first_names() -> object:
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


def is_first_name(word: str) -> bool:
    """True when `word` is a known given name (gender-guesser's international list)."""
    if word.lower() in _NOT_FIRST:
        return False
    return _first_names().get_gender(word) != "unknown"  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    import pycountry

    names = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:  # "Iran, Islamic Republic of" is called "Iran"
                names.add(value.split(",")[0].strip().lower())
    return frozenset(names)


def is_country(word: str) -> bool:
    """True for a country's name ("Israel", "Jordan", "Korea"; ISO 3166 via pycountry)."""
    return word.lower() in _countries()


def looks_like_name(text: str) -> bool:
    """`Lisa Randall` yes; `Big Think`, `Lex Fridman Podcast`, `dark matter` no."""
    words = text.split()
    if not 2 <= len(words) <= 4 or not all(re.fullmatch(_NAME_WORD, w) for w in words):
        return False
    if any(w.lower() in _GENERIC_TITLE_WORDS for w in words) or words[0].lower() in STOPWORDS:
        return False
    return is_first_name(words[0]) and words[-1].lower() not in _NOT_LAST


_GENERIC_SPEAKERS_TEXT = """
speaker host guest interviewer interviewee narrator unknown audience moderator announcer
voice man woman male female crowd caller
music applause laughter laughs laughing cheering cheers silence inaudible crosstalk noise
intro outro sound sfx
"""
_GENERIC_SPEAKERS = frozenset(_GENERIC_SPEAKERS_TEXT.split())


def speaker_name(label: str | None) -> str | None:
    """A speaker label as a person's name, or None when it is not one (`SPEAKER_01`,
    `Host`, `<b>x</b>`): only labels that look like names are linked as people."""
    label = " ".join((label or "").split())
    if not re.fullmatch(r"[A-Z][A-Za-z'.\-]*(?: [A-Z][A-Za-z'.\-]*){0,3}", label):
        return None
    if label.split()[0].lower() in _GENERIC_SPEAKERS:
        return None
    return label


def speakers_from_metadata(title: str, channel: str) -> list[str]:
    """Who talks, as the title and channel state: guest, `with …`, host, channel."""
    found: list[str] = []
    head = _title_head(title)
    if looks_like_name(head):
        found.append(head)
    for m in re.finditer(rf"\b(?:with|ft\.?|feat\.?|featuring)\s+({_NAME_WORD}(?: {_NAME_WORD})+)",
                         title):
        if looks_like_name(m.group(1)):
            found.append(m.group(1))
    # "| Lex Fridman Podcast #419": the host named in the show's name
    for m in re.finditer(rf"({_NAME_WORD}(?: {_NAME_WORD})+)(?= (?:Podcast|Show)\b)", title):
        if looks_like_name(m.group(1)):
            found.append(m.group(1))
    if channel and looks_like_name(channel) and channel in title:
        found.append(channel)
    return _dedupe(found)


def people_from_metadata(title: str, channel: str) -> list[str]:
    """Speakers (see `speakers_from_metadata`) and the names a title lists as topics
    ("Tal Wilkenfeld: Music, Jeff Beck, Prince, and Leonard Cohen")."""
    found = speakers_from_metadata(title, channel)
    head = _title_head(title)
    for item in re.split(r"\s*(?:,|&|\band\b|:|\|)\s*", title):
        if item.strip() != head and looks_like_name(item.strip()):
            found.append(item.strip())
    return _dedupe(found)


def _title_head(title: str) -> str:
    return re.split(r"\s*[:|–—]\s*|\s+-\s+", title, maxsplit=1)[0].strip()


def names_in_text(texts: Sequence[str], known: Iterable[str] = (), min_count: int = 2,
                  surname_counts: bool = False,
                  source: Sequence[str] | None = None) -> list[str]:
    """Full names said in `texts` (see the module doc for the rules), most said first.

    A name not already `known` must be said at least `min_count` times (raise it for
    speech-recognition captions, which misspell names: "Janice Joplin").
    `surname_counts`: a later mention of the surname alone counts too (only for
    punctuated transcripts, whose capitals are real). `source`: the text as the
    transcript has it, when `texts` were recased: a name the source also writes all in
    lower case is none, though recasing raised it ("jiu jitsu" beside "Jiu Jitsu").
    """
    known_set = set(known)
    lower_words = set()
    counts: Counter[str] = Counter()
    for text in texts:
        lower_words.update(_LOWER_WORD_RE.findall(text))
        for m in _NAME_RE.finditer(text):
            words = m.group(1).split()
            if words[-1].endswith("'s"):  # "Alan Turing's idea"
                words[-1] = words[-1][:-2]
            while words and (words[0].lower() in _NOT_FIRST or words[0].lower() in STOPWORDS
                             or not is_first_name(words[0])):
                words = words[1:]  # "So Ilya Sutskever" → "Ilya Sutskever"
            if 2 <= len(words) <= 3:
                counts[" ".join(words)] += 1
    out = []
    for name, n in counts.most_common():
        if name in known_set:
            out.append(name)
            continue
        if n < min_count and surname_counts:
            n += _surname_alone(texts, name)
        if n < min_count or not looks_like_name(name):
            continue
        if any(w.lower() in lower_words for w in name.split()) or \
                (source is not None and said_in_lower_case(name, source)):
            continue
        if misspells_known(name, [*known_set, *out]) or part_of_known(name, known_set):
            continue  # out: names said more often
        if said_as_a_thing(name, texts):
            continue
        out.append(name)
    return out


def misspells_known(name: str, known: Iterable[str]) -> bool:
    """Whether `name` is a known person's name with one word misheard or misspelled
    ("Peter Levels" for the guest Pieter Levels, "John Stewart" for Jon Stewart, "Andrew
    Callahan" for Andrew Callaghan): all words the same but one, and that one alike.
    Different first names of one family ("Kimbal Musk" beside "Elon Musk") are not alike
    enough to merge."""
    words = name.lower().split()
    for other in known:
        o = other.lower().split()
        if o == words or len(o) != len(words):
            continue
        differ = [(a, b) for a, b in zip(o, words, strict=True) if a != b]
        if len(differ) == 1 and SequenceMatcher(None, *differ[0]).ratio() >= 0.8:
            return True
    return False


def part_of_known(name: str, known: Iterable[str]) -> bool:
    """Whether `name` is the end of a longer known name: "Kennedy Jr" of "Robert F.
    Kennedy Jr" (captions drop the period of "F.", so the name is read from "Kennedy")."""
    words = name.lower().split()
    return any(len(o := other.lower().split()) > len(words) and o[-len(words):] == words
               for other in known)


def said_in_lower_case(name: str, texts: Sequence[str]) -> bool:
    """Whether `texts` write the whole of `name` in lower case somewhere ("deja vu")."""
    low = re.compile(rf"\b{re.escape(name.lower())}\b")
    return any(low.search(t) for t in texts)


def said_as_a_thing(name: str, texts: Sequence[str]) -> bool:
    """Whether `name` follows "the" in at least half of its mentions in `texts`: "the
    Abraham Accords", "the Marshall Plan" name things; a person is rarely "the Jon Jones"."""
    said = re.compile(rf"(\bthe\s+)?\b{re.escape(name)}\b", re.IGNORECASE)
    found = [m.group(1) is not None for t in texts for m in said.finditer(t)]
    return bool(found) and 2 * sum(found) >= len(found)


def _surname_alone(texts: Sequence[str], name: str) -> int:
    """How often the last word of `name` is said without the rest of the name before it
    (`Moravec's paradox` after `Hans Moravec`). Short surnames are too ambiguous."""
    first, last = " ".join(name.split()[:-1]), name.split()[-1]
    if len(last) < 4:
        return 0
    alone = re.compile(rf"(?<!{re.escape(first)} )\b{re.escape(last)}\b")
    return sum(len(alone.findall(t)) for t in texts)


def mentions(text: str, people: Sequence[str], full_only: Sequence[str] = ()) -> list[str]:
    """Which of `people` (and of `full_only`) `text` mentions.

    A full name matches in any case (lower-case captions); a single first or last name
    matches only when capitalized and only one of `people` has it. `full_only` names
    (e.g. known from other videos of the vault) match by their full name only.
    """
    low = text.lower()
    part_owner: dict[str, list[str]] = {}
    for person in people:
        for part in person.split():
            part_owner.setdefault(part, []).append(person)
    found = []
    for person in [*people, *full_only]:
        if person in found:
            continue
        if re.search(rf"\b{re.escape(person.lower())}\b", low):
            found.append(person)
            continue
        if person not in people:
            continue
        for part in person.split():
            if len(part) >= 3 and len(part_owner[part]) == 1 and \
                    re.search(rf"\b{re.escape(part)}\b", text):
                found.append(person)
                break
    return found


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for n in names:
        if n.lower() not in seen:
            seen.add(n.lower())
            out.append(n)
    return out
