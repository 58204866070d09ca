"""Stage: sentences → segments → topics. Segmentation, the people and concepts a topic
names, the grounding check of every timestamp, the per-transcript pipeline and its cache,
and the evaluation against creator chapters."""
