"""Content files → checked data: YAML with line marks, schemas, per-file and cross-file rules,
Spanish messages, the validation cache. Imports nothing of the other layers.
"""
