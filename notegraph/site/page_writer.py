"""Pages → HTML files: the Jinja environment, rendering a page, writing it when changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import jinja2

from notegraph import store
from notegraph.config import Config
from notegraph.errors import SiteError
from notegraph.site.pages import Page

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up: the project's `templates_dir` first, then the defaults."""
    dirs = []
    if config.templates_path.is_dir():
        dirs.append(config.templates_path)
    if DEFAULT_TEMPLATES.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(DEFAULT_TEMPLATES)
    return dirs


class PageWriter:
    """Renders a page and writes it to `site/` unless its digest says it is unchanged."""

    def __init__(self, site_dir: Path, env: jinja2.Environment, config: Config,
                 nav: Mapping[str, bool], base_digest: str, old_outputs: Mapping[str, str],
                 force: bool, unpublished: bool = False) -> None:
        self.site_dir = site_dir.resolve()
        # a staging folder no one reads yet (`notegraph.site.staging`): write in place
        self._put = store.write_unpublished_bytes if unpublished else store.atomic_write_bytes
        self.env = env
        self.config = config
        self.nav = nav
        self.base_digest = base_digest
        self.old_outputs = old_outputs
        self.force = force

    def write(self, page: Page, keep: Callable[[str], None] | None = None
              ) -> tuple[str, str, bool]:
        """(output, digest, whether it was written) for one page; `keep` is handed the
        HTML of a page that is rendered."""
        digest = store.content_hash(self.base_digest, repr(page))
        # Page outputs are made of slugs; join_checked refuses any part that could escape.
        target = store.join_checked(self.site_dir, page.output)
        if not self.force and self.old_outputs.get(page.output) == digest and target.exists():
            return page.output, digest, False
        html = render_page(self.env, page, self.config, self.nav)
        self._put(target, html.encode("utf-8"))
        if keep is not None:
            keep(html)
        return page.output, digest, True

    def restore(self, output: str, digest: str, html: str) -> tuple[str, str, bool]:
        """Write a page rendered by an earlier build (its inputs are the same)."""
        self._put(store.join_checked(self.site_dir, output), html.encode("utf-8"))
        return output, digest, True


def make_environment(config: Config) -> jinja2.Environment:
    """The one Jinja environment of a build: autoescaping on, user templates first."""
    loader = jinja2.FileSystemLoader([str(d) for d in template_dirs(config)])
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.ChainableUndefined)
    env.globals.update(site_title=config.site_title, base_url=config.base_url)
    return env


def render_page(env: jinja2.Environment, page: Page, config: Config,
                nav: Mapping[str, bool]) -> str:
    """One page's HTML. URLs are relative to the page (`root`), the 404 page's absolute."""
    root = _base_path(config.base_url) if page.kind == "404" else ("../" * page.depth or "./")
    canonical = ""
    if config.base_url and page.kind != "404":
        canonical = config.base_url.rstrip("/") + "/" + page.url
    try:
        template = env.get_template(page.template)
        return template.render(page=page, root=root, canonical=canonical, nav=nav, **page.data)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or page.template
        raise SiteError(f"template {where}, line {exc.lineno}: {exc.message}; "
                        "fix it or remove it to use the default") from exc
    except jinja2.TemplateError as exc:
        raise SiteError(f"template {page.template} failed on page {page.output}: {exc}; "
                        "fix the template or remove it to use the default") from exc


def _base_path(base_url: str) -> str:
    """`https://x.github.io/proj/` → `/proj/` (where the site lives on its host)."""
    if not base_url:
        return "/"
    rest = base_url.split("://", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


