"""Checking that the tables add up: the fund, usage and budget figures recomputed."""
