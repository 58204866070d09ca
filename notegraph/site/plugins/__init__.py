"""The site plug-ins shipped with notegraph (see `notegraph.site.emit`)."""

from __future__ import annotations

from notegraph.site.plugins.feeds import FeedsExtension
from notegraph.site.plugins.graph import GraphExtension
from notegraph.site.plugins.search import SearchExtension


def default_extensions() -> list:
    """Graph (related notes, local graphs, graph page, `graph.json`), feeds and search.

    The build runs their emitters by declared phase (search indexes the finished HTML
    in the `index` phase), so this order is only the order within a phase.
    """
    return [GraphExtension(), FeedsExtension(), SearchExtension()]
