"""Stage 3: linking. Mentions to knowledge-base entries, mentions of one thing within a document
to one cluster, and clusters across documents to one entity."""
