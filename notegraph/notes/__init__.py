"""Stage: topics → markdown notes. Compose every note of the vault from all videos'
topics (pure), then write them without ever losing a person's edits."""
