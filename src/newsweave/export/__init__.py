"""Stage 5: export as newsweave records v1 (../shared/eval/SCHEMA.md): JSONL or CSV."""
