"""The JSON schema of the LLM writer's reply: one topic note, every sentence with citations.

Sent to the model so that its output is constrained to this shape: llama-cpp-python
turns it into a grammar (a small model then cannot answer with broken JSON), and servers
that support `response_format` with a JSON schema (llama.cpp's server, Ollama, vLLM,
LM Studio, OpenAI) enforce or follow it. `writers.llm.parse_reply` still validates every
reply, since a server may ignore the schema.

The bounds (items, string lengths) are what the prompt asks for, with some slack: they
keep a constrained small model from looping on one list or string until it runs out of
tokens.
"""

from __future__ import annotations

from typing import Any

# HH:MM:SS as the prompt prints each transcript line's time
TIMESTAMP_PATTERN = "^[0-9]{2}:[0-9]{2}:[0-9]{2}$"

_CLAIM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 400},
        "cite": {"type": "array", "minItems": 1, "maxItems": 3,
                 "items": {"type": "string", "pattern": TIMESTAMP_PATTERN}},
    },
    "required": ["text", "cite"],
    "additionalProperties": False,
}

_NAMES: dict[str, Any] = {"type": "array", "maxItems": 8,
                          "items": {"type": "string", "minLength": 1, "maxLength": 80}}

REPLY_SCHEMA: dict[str, Any] = {
    "title": "topic_note",  # the schema's name in an OpenAI `response_format`
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 100},
        "lead": {"type": "array", "minItems": 1, "maxItems": 2, "items": _CLAIM},
        "sections": {
            "type": "array", "minItems": 1, "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {
                    "heading": {"type": "string", "minLength": 1, "maxLength": 80},
                    "sentences": {"type": "array", "minItems": 1, "maxItems": 5,
                                  "items": _CLAIM},
                },
                "required": ["heading", "sentences"],
                "additionalProperties": False,
            },
        },
        "people": _NAMES,
        "concepts": _NAMES,
    },
    # in the order the prompt shows them: a constrained model writes them in this order
    "required": ["title", "lead", "sections", "people", "concepts"],
    "additionalProperties": False,
}
