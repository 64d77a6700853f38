// What qbench prints under the table: a few lines a reader takes in at a
// glance, not one per warning. The points counted by status; each kind of
// warning once, with how many points it touched and its worst case; the
// statuses the table shortened, whole; each workload's own figures; what the
// counters counted and what not; what the latency columns measure; the
// columns left out and why; where the details are. Every warning stays in the results file, point by point.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/console/table.hpp"
#include "harness/model/run_types.hpp"
#include "harness/results/point_marks.hpp"

namespace qb {

struct SummaryContext {
  int usable_cpus = 0;                 // the topology's CPU count
  std::optional<std::string> results;  // the results file, when one is written
};

// At most about ten lines, each without '\n', none wider than table.width
// unless one word is: a longer line goes on under itself, indented.
std::vector<std::string> summary_lines(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                                       const SummaryTable& table, const SummaryContext& context);

}  // namespace qb
