"""The ``kliping`` command. Each command parses its options, calls one library function
and prints the outcome; the work lives in the library so the web app can call it too."""

from __future__ import annotations

import importlib
import logging

import click

from clippings import __version__

# Each module defines ``commands``: a list of click commands or groups.
COMMAND_MODULES = (
    "clippings.commands.region",
    "clippings.commands.crawl",
    "clippings.commands.source",
    "clippings.commands.classify",
    "clippings.commands.sheet",
    "clippings.commands.clip",
    "clippings.commands.digest",
    "clippings.commands.demo",
    "clippings.commands.followup",
    "clippings.commands.serve",
    "clippings.commands.user",
)


@click.group()
@click.version_option(__version__, prog_name="kliping")
@click.option("-v", "--verbose", count=True, help="Tampilkan log lebih rinci (-vv untuk debug).")
def cli(verbose: int) -> None:
    """Kliping: pemantauan media dan kliping berita untuk pemerintah daerah."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for _module in COMMAND_MODULES:
    for _command in importlib.import_module(_module).commands:
        cli.add_command(_command)
