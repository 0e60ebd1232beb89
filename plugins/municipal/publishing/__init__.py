"""Built site → the public (production build, deploys, server configs); imports any layer."""
