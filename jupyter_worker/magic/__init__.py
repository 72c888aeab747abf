"""The ``%%worker`` cell magic: IPython side (option parsing, kernel fallback)."""
