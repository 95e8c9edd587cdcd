"""Finds, fetches and extracts local news; knows nothing of labels."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
