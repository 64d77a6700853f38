#!/usr/bin/python3
"""Placeholder: throughput_by_class (being written)."""

from __future__ import annotations

import sys

import qbfigure

KINDS = ("throughput_by_class",)


def make(group, outdir):
    return [qbfigure.not_applicable(KINDS[0], group, "throughput_by_class", "not written yet")]


def main(argv=None) -> int:
    args = qbfigure.parser(__doc__).parse_args(argv)
    return qbfigure.run("plot_classes.py", args, make)


if __name__ == "__main__":
    sys.exit(main())
