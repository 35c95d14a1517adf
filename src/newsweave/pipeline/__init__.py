"""Orchestration, and only here: the stage list (:mod:`.stages`), the database runner
(:mod:`.runner`: read, process, store, then the cross-document step), and the database-free batch
dataflow with its local and Ray engines (:mod:`.batch`, :mod:`.engines`, :mod:`.ray_engine`,
stored later by :mod:`.load`)."""
