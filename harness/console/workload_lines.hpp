// The lines under the table that give each workload's own figures, which
// the table's throughput columns do not: a paced run's target, offered and
// achieved rates and its lag behind the schedule; admission's accepted and
// rejected items; priority lanes' rate per lane; give-up's share given up;
// a burst's shape. The figures are the point's (the repetitions' medians,
// workload_metrics); the series stay in the results file.
#pragma once

#include <string>
#include <vector>

#include "harness/model/run_types.hpp"
#include "harness/model/saturation.hpp"

namespace qb {

// At most kWorkloadLines points, one logical line each (the caller wraps
// it), then one that says how many more there are. Throughput and pingpong
// points, and points that did not finish ok, have none.
constexpr std::size_t kWorkloadLines = 6;
std::vector<std::string> workload_lines(const std::vector<PointResult>& points);

}  // namespace qb
