"""Placeholder until the sheet commands land."""

commands: list = []
