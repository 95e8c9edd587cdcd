"""Labels articles for the clipping desk: text in, labels with scores and reasons out.

Knows nothing of the database; ``clippings`` stores what it returns.
"""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
