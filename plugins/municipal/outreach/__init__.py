"""The plan's actions with the community: visits, posters, flyers, e-mail invitations;
imports transparency and the layers below."""
