// The summary table printed when a sweep ends: one row per point, units in
// the headers, numbers right-aligned with thousands separators.
#pragma once

#include <string>
#include <vector>

#include "harness/run_types.hpp"

namespace qb {

// Columns: queue, P, C, items/s (median), ns/item, min items/s, max items/s,
// CV %, reps, status. A point that is not "ok" shows "-" in every number
// column but P and C, and says why in the status column ("invalid (lost 3,
// dup 0, misordered 0)", "failed: timeout after 5s", "skipped: queue allows
// one consumer"): an invalid or failed point has no throughput to print. An
// "ok" point with warnings reads "ok (2 warnings)"; the caller lists them.
// Every line ends with '\n'.
std::string summary_table(const std::vector<PointResult>& points);

}  // namespace qb
