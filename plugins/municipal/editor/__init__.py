"""Schemas and offices → the web editor (/admin/) and edit links; imports site and content."""
