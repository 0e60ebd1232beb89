"""Staff tools that write content files (nuevo, importar-secop); import only content."""
