"""The plan's outreach actions (visits, events, posters); imports the layers below publishing."""
