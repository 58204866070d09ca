"""The JSON schema of the LLM writer's reply: one topic note, every sentence with citations.

Sent to the model so that its output is constrained to this shape: llama-cpp-python
turns it into a grammar (a small model then cannot answer with broken JSON), and servers
that support `response_format` with a JSON schema (llama.cpp's server, Ollama, vLLM,
LM Studio, OpenAI) enforce or follow it. `writers.llm.parse_reply` still validates every
reply, since a server may ignore the schema.

The bounds (items, string lengths) keep a constrained small model from looping on one
list or string until it runs out of tokens; `reply_schema(max_tokens)` tightens the
lists so that even a reply filling every bound fits `llm.max_tokens` (a reply cut off
mid-JSON is lost).
"""

from __future__ import annotations

from typing import Any

# HH:MM:SS as the prompt prints each transcript line's time
TIMESTAMP_PATTERN = "^[0-9]{2}:[0-9]{2}:[0-9]{2}$"
TEXT_CHARS, HEADING_CHARS, TITLE_CHARS, NAME_CHARS, NAMES = 300, 60, 80, 60, 6
MAX_LEAD, MAX_SECTIONS, MAX_SENTENCES = 2, 4, 5
# Rough worst cases in tokens (≈ 4 characters a token, plus keys, quotes and citations):
# one sentence with its citations, and everything that is not a sentence.
CLAIM_TOKENS = TEXT_CHARS // 4 + 20
FIXED_TOKENS = TITLE_CHARS // 4 + 2 * NAMES * (NAME_CHARS // 4 + 2) + 4 * 20


def _claim() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": TEXT_CHARS},
            "cite": {"type": "array", "minItems": 1, "maxItems": 3,
                     "items": {"type": "string", "pattern": TIMESTAMP_PATTERN}},
        },
        "required": ["text", "cite"],
        "additionalProperties": False,
    }


def _names() -> dict[str, Any]:
    return {"type": "array", "maxItems": NAMES,
            "items": {"type": "string", "minLength": 1, "maxLength": NAME_CHARS}}


def shape(max_tokens: int) -> tuple[int, int, int]:
    """(lead sentences, sections, sentences per section) at most, so that even a reply
    that fills every string and list to its bound fits `max_tokens` (0 = no limit):
    a constrained model is never cut off mid-JSON."""
    if max_tokens <= 0:
        return MAX_LEAD, MAX_SECTIONS, MAX_SENTENCES
    claims = max(2, (max_tokens - FIXED_TOKENS) // CLAIM_TOKENS)
    lead = 2 if claims >= 12 else 1
    sections = min(MAX_SECTIONS, max(1, (claims - lead) // 2))
    sentences = min(MAX_SENTENCES, max(1, (claims - lead) // sections))
    return lead, sections, sentences


def reply_schema(max_tokens: int = 0) -> dict[str, Any]:
    """The schema of one topic note's reply, its lists bounded to fit `max_tokens`."""
    lead, sections, sentences = shape(max_tokens)
    return {
        "title": "topic_note",  # the schema's name in an OpenAI `response_format`
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_CHARS},
            "lead": {"type": "array", "minItems": 1, "maxItems": lead, "items": _claim()},
            "sections": {
                "type": "array", "minItems": 1, "maxItems": sections,
                "items": {
                    "type": "object",
                    "properties": {
                        "heading": {"type": "string", "minLength": 1,
                                    "maxLength": HEADING_CHARS},
                        "sentences": {"type": "array", "minItems": 1, "maxItems": sentences,
                                      "items": _claim()},
                    },
                    "required": ["heading", "sentences"],
                    "additionalProperties": False,
                },
            },
            "people": _names(),
            "concepts": _names(),
        },
        # in the order the prompt shows them: a constrained model writes them in this order
        "required": ["title", "lead", "sections", "people", "concepts"],
        "additionalProperties": False,
    }


REPLY_SCHEMA = reply_schema()  # the widest: what the prompt asks for
