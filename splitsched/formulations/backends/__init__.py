"""Solver plumbing with no problem knowledge: CP-SAT, CBC and HiGHS runners, the integer grid."""

__all__ = [
    "cbc",
    "cpsat",
    "highs",
    "integer_grid",
]
