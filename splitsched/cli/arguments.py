"""Argument types the commands share: argparse turns their refusals into one line, exit 2."""

from __future__ import annotations

import argparse
import math

from splitsched.registry import MAX_SEED


def positive_number(text: str) -> float:
    """An argparse type: a finite number above 0."""
    return _number(text, strict=True)


def non_negative_number(text: str) -> float:
    """An argparse type: a finite number of at least 0."""
    return _number(text, strict=False)


def _number(text: str, *, strict: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0 or (strict and value == 0):
        raise argparse.ArgumentTypeError(f"expected a finite number {'above' if strict else 'of at least'} 0, "
                                         f"got {text!r}")  # fmt: skip
    return value


def seed_number(text: str) -> int:
    """An argparse type: an integer seed from 0 to :data:`MAX_SEED`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to {MAX_SEED}, got {text!r}")
    return value


__all__ = ["MAX_SEED", "non_negative_number", "positive_number", "seed_number"]
