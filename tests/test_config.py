"""notegraph.toml validation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notegraph.config import Config, load_config
from notegraph.errors import ConfigError


def test_defaults_without_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config(root=tmp_path.resolve())
    assert config.transcripts_path == tmp_path.resolve() / "content" / "transcripts"
    assert config.languages == ("en",)


def test_reads_values(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_text(
        'content_dir = "vault"\nlanguages = ["de", "en"]\nmodel = "/models/x"\n'
    )
    config = load_config(tmp_path)
    assert config.content_path == tmp_path.resolve() / "vault"
    assert config.languages == ("de", "en")
    assert config.model == "/models/x"


def test_overrides_win_and_are_validated(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_text('languages = ["de"]\n')
    assert load_config(tmp_path, {"languages": "fr, en"}).languages == ("fr", "en")
    with pytest.raises(ConfigError, match="languages"):
        load_config(tmp_path, {"languages": []})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('contnet_dir = "x"\n', "unknown key 'contnet_dir'"),
        ("site_dir = 3\n", "'site_dir' must be a string"),
        ("languages = [1]\n", "'languages' must be a non-empty list"),
        ("content_dir = \n", "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "notegraph.toml").write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(tmp_path)
    assert "notegraph.toml" in str(info.value)


def test_undecodable_config(tmp_path: Path) -> None:
    (tmp_path / "notegraph.toml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('templates_dir = "/nonexistent"\n', "'templates_dir' = '/nonexistent': no such folder"),
        ('content_dir = "/etc"\n', "'content_dir' = '/etc' must be a folder inside the project"),
        ('content_dir = "."\n', "'content_dir' = '.' must be a folder inside the project"),
        ('site_dir = "content"\n', "'site_dir' = 'content' overlaps 'content_dir'"),
        ('site_dir = "content/notes"\n', "'site_dir' = 'content/notes' overlaps 'content_dir'"),
        ('site_dir = "."\n', "'site_dir' = '.' must be a folder inside the project"),
        ('site_dir = "../elsewhere"\n', "'site_dir' = '../elsewhere' must be a folder inside"),
        ('site_dir = ".cache"\n', "'site_dir' = '.cache' overlaps 'cache_dir'"),
    ],
)
def test_folders_that_could_lose_or_leak_files_are_refused(tmp_path: Path, text: str,
                                                            message: str) -> None:
    """Issue 11: these were accepted silently (building into content/ could delete notes)."""
    (tmp_path / "notegraph.toml").write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tmp_path)


def test_a_cache_outside_the_project_and_existing_templates_are_fine(tmp_path: Path) -> None:
    (tmp_path / "project" / "my_templates").mkdir(parents=True)
    (tmp_path / "project" / "notegraph.toml").write_text(
        f'cache_dir = "{tmp_path / "shared-cache"}"\ntemplates_dir = "my_templates"\n')
    config = load_config(tmp_path / "project")
    assert config.cache_path == tmp_path / "shared-cache"
