"""Text processing shared by all sources and stages."""
