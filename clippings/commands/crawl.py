"""Placeholder until the crawl commands land."""

commands: list = []
