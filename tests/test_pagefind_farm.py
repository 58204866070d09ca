"""The folders of symlinks Pagefind reads each search shard from (`pagefind_farm`)."""

from __future__ import annotations

import os
from pathlib import Path

from notegraph.site.plugins.pagefind_farm import drop_farms, farm_name, prepare_farm

PAGES = ["a/index.html", "b/c/index.html", "d/index.html"]


def make_site(site: Path, text: str = "v1") -> None:
    for rel in PAGES:
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{rel} {text}", encoding="utf-8")


def farm_files(farm: Path) -> dict[str, str]:
    return {p.relative_to(farm).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(farm.rglob("*.html"))}


def test_a_farm_links_exactly_its_pages_and_a_new_page_adds_one_link(tmp_path: Path) -> None:
    site, farms = tmp_path / "site", tmp_path / "cache/farms"
    make_site(site)
    farm = prepare_farm(farms, farm_name(0, 2), site, PAGES[:2])
    assert farm_files(farm) == {rel: f"{rel} v1" for rel in PAGES[:2]}
    assert all((farm / rel).is_symlink() for rel in PAGES[:2])
    kept = os.lstat(farm / PAGES[0]).st_ino
    # a page joins the shard, another leaves it: one link made, one removed
    prepare_farm(farms, farm_name(0, 2), site, [PAGES[0], PAGES[2]])
    assert farm_files(farm) == {rel: f"{rel} v1" for rel in (PAGES[0], PAGES[2])}
    assert os.lstat(farm / PAGES[0]).st_ino == kept
    assert not (farm / "b").exists()  # the folder the removed link left empty is gone


def test_links_follow_the_site_when_it_moves_and_see_rewritten_pages(tmp_path: Path) -> None:
    farms = tmp_path / "cache/farms"
    staging = tmp_path / ".site.staging-1"
    make_site(staging)
    farm = prepare_farm(farms, farm_name(0, 1), staging, PAGES)
    assert farm_files(farm)["a/index.html"] == "a/index.html v1"
    # the staging folder is published as site/, then a page is replaced by a rename
    site = tmp_path / "site"
    staging.rename(site)
    (site / "a/new.tmp").write_text("a/index.html v2", encoding="utf-8")
    os.replace(site / "a/new.tmp", site / "a/index.html")
    prepare_farm(farms, farm_name(0, 1), site, PAGES)
    assert farm_files(farm)["a/index.html"] == "a/index.html v2"


def test_farms_of_another_shard_count_are_dropped(tmp_path: Path) -> None:
    site, farms = tmp_path / "site", tmp_path / "farms"
    make_site(site)
    for i in range(2):
        prepare_farm(farms, farm_name(i, 2), site, PAGES[i:i + 1])
    prepare_farm(farms, farm_name(0, 1), site, PAGES)
    drop_farms(farms, [farm_name(0, 1)])
    assert sorted(p.name for p in farms.iterdir()) == [farm_name(0, 1), "site"]
