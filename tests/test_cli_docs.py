"""Every command is documented: help text in Indonesian with an example, and a README mention."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from clippings.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _walk(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from _walk(command, path)


COMMANDS = list(_walk(cli))


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert command.help and command.help.strip(), f"kliping {' '.join(path)} has no help text"
    if not isinstance(command, click.Group):
        assert "Contoh" in command.help, f"kliping {' '.join(path)} help has no example (Contoh:)"
        # Several examples stay one per line (click rewraps a paragraph unless it follows a \b line).
        assert not re.search(r"\S   kliping ", result.output), result.output


TOP_LEVEL = cli.list_commands(click.Context(cli))


def test_every_listed_command_loads():
    assert len(TOP_LEVEL) >= 16
    assert [p for p, _ in COMMANDS if len(p) == 1] == [(n,) for n in TOP_LEVEL]


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_command_in_readme(name):
    assert f"kliping {name}" in README, f"README does not mention `kliping {name}`"
