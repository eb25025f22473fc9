"""The command line: parse, call the library, print (``splitsched --help``)."""

from splitsched.cli.main import main

__all__ = [
    "main",
]
