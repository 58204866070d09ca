"""A small hand-written topic (bread baking, our own text) and scripted model replies.

`mixed_reply()` is what a real model does on a bad day: grounded sentences, a sentence
citing an invented time, one citing the wrong (real) moment, one citing nothing, invented
claims and a fake quote. `EXPECTED` says what the grounding check must make of each.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

from notegraph.models import KeyPoint, Section, Segment, Sentence, Topic, Transcript

LINES = [
    (60.0, "Welcome back to the show, today we are talking about baking bread at home."),
    (64.5, "My guest has been baking sourdough for twenty years."),
    (70.2, "A sourdough starter is just flour and water that wild yeast and bacteria have "
           "colonised."),
    (78.0, "You feed the starter every day and it doubles in size within a few hours."),
    (85.3, "The bacteria produce lactic acid, which is what gives sourdough its sour taste."),
    (93.1, "Most home bakers make the mistake of using too little salt."),
    (99.8, "I use two percent salt relative to the weight of the flour."),
    (106.4, "Then the dough needs a long cold proof in the fridge overnight."),
    (114.0, "The cold slows the yeast down so the flavour can develop."),
    (121.7, "In the morning you bake it in a very hot cast iron pot."),
    (128.2, "The lid traps the steam, and the steam lets the crust expand before it sets."),
    (136.9, "After twenty minutes you take the lid off so the crust turns brown and crisp."),
    (144.5, "My grandmother baked bread every Sunday in a wood-fired oven."),
    (151.0, "She never measured anything, she said the dough tells you when it is ready."),
    (158.3, "I think that patience is the most important ingredient."),
    (165.9, "People want bread in two hours, but good bread takes two days."),
]

SENTENCES = tuple(Sentence(start, start + 6.0, text) for start, text in LINES)
TRANSCRIPT = Transcript(video_id="bread-talk", title="Baking bread at home",
                        channel="Kitchen Radio", language="en", source="file:text",
                        is_generated=False, duration=200.0)
SEGMENT = Segment(video_id="bread-talk", start=60.0, end=172.0, sentences=SENTENCES)


def extractive_topic(title: str = "Sourdough at home", segment: Segment = SEGMENT) -> Topic:
    """What the extractive writer would hand the LLM writer (and what a fallback keeps)."""
    points = (KeyPoint(LINES[2][1], 70.2), KeyPoint(LINES[10][1], 128.2))
    return Topic(segment=segment, title=title, lead=LINES[1][1],
                 sections=(Section("Key points", points),), concepts=("sourdough starter",),
                 people=(), writer="extractive")


def sentence(text: str, *cite: str) -> dict[str, object]:
    return {"text": text, "cite": list(cite)}


# (section index, text, cites, expected status, expected start or None)
MIXED = [
    (0, "A sourdough starter is flour and water colonised by wild yeast and bacteria.",
     ["00:01:10"], "kept", 70.2),
    (0, "Lactic acid made by the bacteria is what gives sourdough its sour taste.",
     ["00:01:25"], "kept", 85.3),
    (0, "Fed every day, the starter doubles in size within a few hours.",
     ["00:07:45"], "recited", 78.0),  # invented time: not in the topic
    (1, "The guest uses two percent salt relative to the weight of the flour.",
     ["00:01:39"], "kept", 99.8),
    (1, "The lid of the cast iron pot traps the steam so the crust can expand before it sets.",
     ["00:02:24"], "recited", 128.2),  # a real time of the topic, but the wrong moment
    (1, "Baking at high altitude requires adding extra yeast and more water to the dough.",
     ["00:02:01"], "dropped", None),  # never said
    (2, 'His grandmother said "the dough tells you when it is ready".',
     ["00:02:31"], "kept", 151.0),
    (2, 'His grandmother said "always trust the recipe and a kitchen scale".',
     ["00:02:31"], "dropped", None),  # a quote that was never said
    (2, "Sourdough was first invented in ancient Egypt around 1500 BC by brewers.",
     ["00:02:45"], "dropped", None),  # never said
    (2, "Good bread takes two days, while people want bread in two hours.",
     [], "recited", 165.9),  # cites nothing
]
LEAD = [("The guest has been baking sourdough bread for twenty years.", ["00:01:04"],
         "kept", 64.5)]
HEADINGS = ["The starter", "Salt, proofing and baking", "Patience"]


def mixed_reply() -> str:
    """The scripted model reply (JSON in a code fence, as chatty models send it)."""
    sections = [{"heading": h, "sentences": []} for h in HEADINGS]
    for sec, text, cites, _, _ in MIXED:
        sections[sec]["sentences"].append(sentence(text, *cites))
    reply = {"title": "How to bake sourdough bread at home",
             "lead": [sentence(t, *c) for t, c, _, _ in LEAD],
             "sections": sections,
             "people": ["Grandmother Smith", "sourdough"],
             "concepts": ["lactic acid", "cold proof", "quantum physics"]}
    return "Here is the note:\n```json\n" + json.dumps(reply, indent=1) + "\n```"


def grounded_reply() -> str:
    """A reply whose every sentence is grounded at its citation."""
    reply = {"title": "Sourdough starter and salt",
             "lead": [sentence(LINES[1][1], "00:01:04")],
             "sections": [{"heading": "Starter", "sentences": [
                 sentence("A sourdough starter is flour and water colonised by wild yeast "
                          "and bacteria.", "00:01:10")]},
                 {"heading": "Salt", "sentences": [
                     sentence("The guest uses two percent salt relative to the weight of the "
                              "flour.", "00:01:39")]}],
             "people": [], "concepts": ["lactic acid"]}
    return json.dumps(reply)


class WordEmbedder:
    """A deterministic stand-in for fast tests that do not test grounding quality:
    hashed bag of words, L2-normalised (identical wording → similarity 1)."""

    name = "test-words"
    dim = 256

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                word = word.strip(".,!?\"'")
                h = int(hashlib.md5(word.encode()).hexdigest()[:8], 16)
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)
