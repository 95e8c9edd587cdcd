"""Placeholder until the classify commands land."""

commands: list = []
