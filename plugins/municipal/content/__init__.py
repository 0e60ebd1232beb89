"""Content files → checked data (YAML with lines, schemas, rules, messages); imports no layer."""
