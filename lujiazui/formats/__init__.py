"""Local format overrides: Django's own are used for everything not named here."""
