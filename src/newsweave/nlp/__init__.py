"""Stage 2: NLP. One spaCy pipeline per process: the English model plus newsweave's components
(paragraph-aware sentences; knowledge-base entity ruler and entity repair)."""
