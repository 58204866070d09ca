"""Stage: the notes folder → a `Vault`. Read generated and hand-written notes alike,
parse frontmatter, resolve wikilinks (the one resolver), and check what is broken."""
