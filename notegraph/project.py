"""`notegraph init [DIR]`: a new project — a commented notegraph.toml and empty content/."""

from __future__ import annotations

from pathlib import Path

from notegraph import store
from notegraph.config import CONFIG_NAME
from notegraph.errors import InputError

CONFIG_TEMPLATE = '''\
# notegraph project settings. Every key is optional; the values shown are the defaults.
# Reference: README.md, "Configuration".

# Shown in the site's header and page titles.
site_title = "{title}"

# Where the site will live, e.g. "https://you.github.io/notes/" (canonical links,
# feeds, sitemap). Empty: links are relative and the site works from any folder.
base_url = ""

# Transcript languages to ask YouTube for, best first.
languages = ["en"]

# Who writes the notes: "extractive" (offline, default) or "llm" (see [llm] below).
writer = "extractive"

# [llm]
# base_url = "http://localhost:11434/v1"   # any OpenAI-compatible server (Ollama here)
# model = "llama3.1:8b"
# api_key_env = ""                         # name of the variable holding the key
'''


def init_project(directory: Path) -> list[Path]:
    """Create `notegraph.toml`, `content/transcripts/` and `content/notes/` in
    `directory`; returns what was created. Refuses a folder that already has a config."""
    config = directory / CONFIG_NAME
    if config.exists():
        raise InputError(f"{config} already exists: this folder is a notegraph project; "
                         "add transcripts with `notegraph add` or `notegraph import`")
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} is a file: pass a folder to `notegraph init`")
    created = []
    for sub in ("content/transcripts", "content/notes"):
        folder = directory / sub
        if not folder.is_dir():
            folder.mkdir(parents=True)
            created.append(folder)
    title = directory.resolve().name.replace("_", " ").replace("-", " ") or "notes"
    store.atomic_write_text(config, CONFIG_TEMPLATE.format(title=title.replace('"', "'")))
    created.insert(0, config)
    return created
