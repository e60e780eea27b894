"""``python -m cocreate_match``: the command line, as the ``cocreate-match`` script runs it."""

from .cli import entry_point

if __name__ == "__main__":
    entry_point()
