"""Placeholder until the demo commands land."""

commands: list = []
