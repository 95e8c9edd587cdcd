"""The clipping desk: database, review, sheets, signing, follow-ups, search and the CLI."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
