"""Stage 1: raw input in (files, folders, dumps, stdin), clean dated attributed articles out.

sources (paths -> files) -> decode (bytes -> text) -> readers (text -> Articles) ->
extract / clean / metadata stages (see :mod:`newsweave.pipeline`).
"""
