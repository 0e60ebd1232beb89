"""Checked data → pages: Pelican readers, content classes, generators, template filters and labels,
Markdown extensions, images, incremental rendering. May import content only.
"""
