"""Outreach: visits, posters, invitations, the handover report; imports transparency and below."""
