#!/usr/bin/python3
"""Claims from the seed articles beside what our results measured.

Input: claims.json (the claims as data: source, wording, value, unit, and how
to find our counterpart) and qbench results JSON (RESULTS...). Output: one row
per claim and matching run (or "not measured in these results"), with the
ratio ours / claimed and both machines; `claims.py RESULTS...` prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import qbformat
import qbresults

DEFAULT_CLAIMS = Path(__file__).resolve().parent / "claims.json"
NOT_MEASURED = "not measured in these results"


class ClaimsError(Exception):
    """claims.json is unusable; str() is one line."""


@dataclass
class Measured:
    claim: dict
    source: dict
    value: float | None = None
    results: qbresults.Results | None = None
    where: str = ""  # the run id, or the two run ids of a ratio

    @property
    def ratio(self) -> float | None:
        claimed = self.claim["value"]
        return self.value / claimed if self.value is not None and claimed else None


def load_claims(path=DEFAULT_CLAIMS) -> dict:
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise ClaimsError(f"{path}: cannot read the claims: {e}") from None
    ids = set()
    for i, claim in enumerate(doc.get("claims", [])):
        missing = [k for k in ("id", "source", "wording", "value", "unit") if k not in claim]
        if missing or claim.get("source") not in doc.get("sources", {}):
            raise ClaimsError(f"{path}: claims[{i}] lacks {', '.join(missing) or 'a known source'}")
        if ("match" in claim) == ("ratio_of" in claim):
            raise ClaimsError(f"{path}: claim {claim['id']} needs exactly one of match and ratio_of")
        ids.add(claim["id"])
    for claim in doc.get("claims", []):
        for ref in claim.get("ratio_of", []):
            if ref not in ids:
                raise ClaimsError(f"{path}: claim {claim['id']} divides unknown claim {ref}")
    return doc


def _matches(match: dict, row) -> bool:
    kinds = match.get("workload", ["throughput"])
    return (row.status == "ok" and row.queue == match["queue"] and row.producers == match["producers"]
            and row.consumers == match["consumers"] and row.workload in kinds
            and match.get("scenario", row.scenario) == row.scenario)


def _found(claim: dict, all_results) -> list[tuple[qbresults.Results, qbresults.Row, float]]:
    out = []
    for results in all_results:
        for row in results.rows:
            if _matches(claim["match"], row):
                value = row.value(claim["match"]["metric"])
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    out.append((results, row, float(value)))
    return out


def measure(doc: dict, all_results) -> list[Measured]:
    by_id = {c["id"]: c for c in doc["claims"]}
    out: list[Measured] = []
    for claim in doc["claims"]:
        source = doc["sources"][claim["source"]]
        rows: list[Measured] = []
        if "match" in claim:
            rows = [Measured(claim, source, value, results, row.id)
                    for results, row, value in _found(claim, all_results)]
        else:  # a ratio of two claims, both measured in the same file and scenario
            num, den = (_found(by_id[ref], all_results) for ref in claim["ratio_of"])
            for results, n_row, n in num:
                for d_results, d_row, d in den:
                    if d_results is results and d_row.scenario == n_row.scenario and d > 0:
                        rows.append(Measured(claim, source, n / d, results, f"{n_row.id} / {d_row.id}"))
        out += rows or [Measured(claim, source)]
    return out


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return NOT_MEASURED
    if unit == "items/s":
        return f"{qbformat.si(value)} items/s"
    if unit == "ns":
        return f"{qbformat.ns(value)} ns"
    if unit == "fraction":
        return qbformat.pct(value, 2)
    if unit == "x":
        return f"{value:.3g}x"
    return f"{value:g} {unit}"


def table_rows(measured: list[Measured]) -> tuple[list[str], list[list[str]]]:
    headers = ["source", "claim", "claimed", "measured here", "ours / claimed", "their machine",
               "our machine and run", "caveat"]
    rows = []
    for m in measured:
        unit = m.claim["unit"]
        rows.append([m.source["title"], m.claim["wording"], format_value(m.claim["value"], unit),
                     format_value(m.value, unit), f"{m.ratio:.3g}" if m.ratio is not None else "-",
                     m.source.get("machine", "-"),
                     f"{m.results.machine}; {m.where}" if m.results else "-", m.claim.get("note", "")])
    return headers, rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Claims from the seed articles beside our measured figures.")
    p.add_argument("results", nargs="+", metavar="RESULTS", help="qbench results JSON file(s)")
    p.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS, help="claims file (default: scripts/claims.json)")
    args = p.parse_args(argv)
    try:
        doc = load_claims(args.claims)
    except ClaimsError as e:
        print(f"claims.py: {e}", file=sys.stderr)
        return qbresults.EXIT_USAGE
    all_results = qbresults.load_all_or_exit(args.results, "claims.py")
    headers, rows = table_rows(measure(doc, all_results))
    for row in rows:
        print(" | ".join(row[1:5]) + (f" | {row[6]}" if row[6] != "-" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
