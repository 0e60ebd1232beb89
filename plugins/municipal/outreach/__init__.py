"""Posters, flyers and e-mail invitations for citizens; imports transparency and below."""
