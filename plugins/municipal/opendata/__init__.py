"""Open data (/datos/, DCAT, OCDS, CSV, JSON) and JSON-LD; imports transparency and below."""
