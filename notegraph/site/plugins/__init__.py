"""The site extensions shipped with notegraph, in the order a build runs them."""

from __future__ import annotations

from notegraph.site.plugins.feeds import FeedsExtension
from notegraph.site.plugins.graph import GraphExtension
from notegraph.site.plugins.search import SearchExtension


def default_extensions() -> list:
    """Graph (related notes, local graphs, graph page), feeds, then search (last: it
    indexes the finished HTML)."""
    return [GraphExtension(), FeedsExtension(), SearchExtension()]
