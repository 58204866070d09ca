"""The knowledge graph over a vault: building it (networkx), the one related-notes
engine, communities (Louvain), nearest neighbours by embedding, and its layout."""
