"""Stage: texts → vectors. The `Embedder` protocol, its content-hash cache, and the
model's child process (so PyTorch's memory never stays in a build)."""
