"""Checked data → Pelican pages (readers, generators, filters, images, caches); imports content."""
