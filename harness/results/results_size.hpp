// How big a sweep's results file will be, for `qbench run --plan`: a sweep of
// thousands of repetitions with latency and counters makes a file of tens of
// megabytes, which a user should know before starting it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/model/run_types.hpp"

namespace qb {

// The bytes of the results file for these planned points (plan_points()),
// each timed or fixed-count point run `repetitions` times, each thread
// reading `readable_events` of the selected counter events (a machine
// without a hardware PMU reads only the software ones). A model fitted to
// real files (see results_size.cpp), within about a third of the real size.
std::uint64_t estimated_results_bytes(const std::vector<PointResult>& points, int repetitions,
                                      int readable_events);

}  // namespace qb
