#!/usr/bin/python3
"""Placeholder: usl_fit (being written)."""

from __future__ import annotations

import sys

import qbfigure

KINDS = ("usl_fit",)


def make(group, outdir):
    return [qbfigure.not_applicable(KINDS[0], group, "usl_fit", "not written yet")]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_usl.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
