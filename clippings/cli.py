"""The ``kliping`` command. Each command parses its options, calls one library function
and prints the outcome; the work lives in the library so the web app can call it too."""

from __future__ import annotations

import importlib
import logging

import click

from clippings import __version__

# Command name -> module that defines it (in its ``commands`` list). A module is imported
# only when one of its commands runs: the classifier, Scrapy and WeasyPrint take seconds
# to import, and `kliping region check` or `--help` should not wait for them.
COMMANDS = {
    "region": "clippings.commands.region",
    "source": "clippings.commands.source",
    "crawl": "clippings.commands.crawl",
    "clip": "clippings.commands.clip",
    "train": "clippings.commands.classify",
    "classify": "clippings.commands.classify",
    "evaluate": "clippings.commands.classify",
    "review": "clippings.commands.sheet",
    "sheet": "clippings.commands.sheet",
    "certs": "clippings.commands.sheet",
    "followup": "clippings.commands.followup",
    "digest": "clippings.commands.digest",
    "run": "clippings.commands.demo",
    "demo": "clippings.commands.demo",
    "serve": "clippings.commands.serve",
    "user": "clippings.commands.user",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands or name not in COMMANDS:
            return self.commands.get(name)
        for command in importlib.import_module(COMMANDS[name]).commands:
            if command.name == name:
                return command
        raise RuntimeError(f"{COMMANDS[name]} does not define the command {name!r}")


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="kliping")
@click.option("-v", "--verbose", count=True, help="Tampilkan log lebih rinci (-vv untuk debug).")
def cli(verbose: int) -> None:
    """Kliping: pemantauan media dan kliping berita untuk pemerintah daerah."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
