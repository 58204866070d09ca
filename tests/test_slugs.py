"""Table-driven tests for slugs, IDs, link keys, wikilinks and timestamps."""

from __future__ import annotations

import pytest

from notegraph import slugs
from notegraph.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Role of AI in Society", "the_role_of_ai_in_society"),
        ("  Dark matter & the Bullet Cluster!  ", "dark_matter_the_bullet_cluster"),
        ("Zürich café", "zurich_cafe"),
        ("It's Sam's idea", "its_sams_idea"),
        ("../../etc/passwd", "etc_passwd"),
        ("a/b\\c", "a_b_c"),
        ("\u2068cleoabram\u2069", "cleoabram"),
        ("", "untitled"),
        ("!!!", "untitled"),
        ("日本語", "untitled"),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugs.slugify(text) == expected


def test_slugify_limits_words() -> None:
    assert slugs.slugify("one two three four", max_words=2) == "one_two"


def test_unique_slug_numbers_collisions() -> None:
    taken: set[str] = {"intro"}
    assert slugs.unique_slug("intro", taken) == "intro_2"
    assert slugs.unique_slug("intro", taken) == "intro_3"
    assert slugs.unique_slug("outro", taken) == "outro"
    assert taken == {"intro", "intro_2", "intro_3", "outro"}


@pytest.mark.parametrize("vid", ["dQw4w9WgXcQ", "jvqFAi7vkBc", "my-talk_2023", "a"])
def test_check_video_id_accepts(vid: str) -> None:
    assert slugs.check_video_id(vid) == vid


@pytest.mark.parametrize("vid", ["../x", "a/b", "", ".hidden", "a b", "x" * 81, "a\\b", "-rf"])
def test_check_video_id_refuses(vid: str) -> None:
    with pytest.raises(InputError, match="invalid ID"):
        slugs.check_video_id(vid)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("talk.vtt", "talk"),
        ("My Talk (2023).en.vtt", "My-Talk-2023"),
        ("/some/dir/episode_12.srt", "episode_12"),
        ("whisper.json", "whisper"),
    ],
)
def test_id_from_filename(name: str, expected: str) -> None:
    assert slugs.id_from_filename(name) == expected


def test_id_from_filename_without_ascii_is_unique_per_name() -> None:
    """`名前.srt` and `話.srt` used to both get the ID `transcript` (the second was then
    skipped as "already stored")."""
    ids = {slugs.id_from_filename(n) for n in ("名前.srt", "話.srt", "....")}
    assert len(ids) == 3
    assert all(i.startswith("transcript-") for i in ids)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The_Role of AI", "the role of ai"),
        ("human_and_ai_interaction.md", "Human and AI interaction"),
        ("Wojciech Zaremba", "wojciech_zaremba"),
        (" \u200ecleoabram ", "cleoabram"),
        ("self-driving cars", "self driving cars"),
    ],
)
def test_link_key_matches_variants(a: str, b: str) -> None:
    assert slugs.link_key(a) == slugs.link_key(b)


def test_link_key_keeps_distinct_names_apart() -> None:
    assert slugs.link_key("AI ethics") != slugs.link_key("AI ethic")


@pytest.mark.parametrize(
    ("inner", "target", "heading", "label"),
    [
        ("note", "note", None, None),
        ("note|Label", "note", None, "Label"),
        ("some_slug | Some label ", "some_slug", None, "Some label"),
        ("note#Heading", "note", "Heading", None),
        ("note#Heading|Label", "note", "Heading", "Label"),
        ("note|", "note", None, None),
    ],
)
def test_parse_wikilink(inner: str, target: str, heading: str | None, label: str | None) -> None:
    link = slugs.parse_wikilink(inner)
    assert (link.target, link.heading, link.label) == (target, heading, label)


def test_wikilink_display_text() -> None:
    assert slugs.parse_wikilink("a#b").text == "a › b"
    assert slugs.parse_wikilink("a|shown").text == "shown"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "00:00:00"), (59.9, "00:00:59"), (3725.4, "01:02:05"), (-3, "00:00:00"),
     (36000, "10:00:00")],
)
def test_format_timestamp(seconds: float, text: str) -> None:
    assert slugs.format_timestamp(seconds) == text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("01:02:05", 3725.0),
        ("1:02:05.5", 3725.5),
        ("62:05", 3725.0),
        ("00:01:02,500", 62.5),
        # the forms transcript files write (SRT's comma, VTT without hours, long talks)
        ("01:02:03,456", 3723.456),
        ("02:03.456", 123.456),
        ("99:59:59.999", 359999.999),
        ("100:00:00", 360000.0),
        ("100:00:00.001", None),  # past 100 hours: not a time of a talk
        ("9" * 400 + ":00:00", None),  # never an OverflowError
        (" 00:00:01.5 ", 1.5),
        ("00:00:01.2345", None),  # at most milliseconds
        ("00:00:60,000", None),
        ("0:00", 0.0),
        ("51:55:00", 186900.0),
        ("12:75", None),
        ("1:60:00", None),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_timestamp(text: str, seconds: float | None) -> None:
    assert slugs.parse_timestamp(text) == seconds

@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("My Talk (2023).en.vtt", "My Talk (2023)"),
        ("/some/dir/episode_12.pt-BR.srt", "episode_12"),
        ("whisper.json", "whisper"),
        ("v1.2 notes.txt", "v1.2 notes"),  # a dot inside the name stays
        ("README", "README"),
    ],
)
def test_file_stem_drops_folder_language_tag_and_extension(name: str, expected: str) -> None:
    assert slugs.file_stem(name) == expected
