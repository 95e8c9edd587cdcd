"""Click commands of ``kliping``, one module per area; ``clippings.cli`` collects them."""
