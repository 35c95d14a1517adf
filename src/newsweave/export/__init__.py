"""Stage 5: export as newsweave records v1 (docs/schema.md): JSONL or CSV."""
