"""Outreach to citizens: posters, e-mail invitations; imports transparency, indicators, site and content."""
