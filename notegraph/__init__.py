"""notegraph: turn long-form talk into a grounded, wiki-linked knowledge graph."""

__version__ = "0.1.0"
