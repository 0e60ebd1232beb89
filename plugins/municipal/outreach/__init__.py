"""The plan's actions with people: visits, posters, invitations; imports transparency and below."""
