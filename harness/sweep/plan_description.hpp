// `qbench run --plan` in words: what a sweep would do, before it does it.
#pragma once

#include <string>

#include "harness/sweep/sweep.hpp"

namespace qb {

// `plan` is plan_sweep(request). First the counts (points to run and skipped, repetitions, the time the
// timed points will take at least) and the estimated size of the results
// file (results_size.hpp); then every point id, one a line, a skipped one
// marked with its reason.
std::string describe_plan(const SweepRequest& request, const SweepPlan& plan);

// Why the plan has nothing to run, in one line, "" when some point runs:
// "nothing to run: all 2 points were skipped (queue allows one producer:
// run/boost_spsc_queue/p4c1 and 1 more)". Such a sweep is bad input (a run
// and its --plan refuse it), not an empty success.
std::string nothing_to_run(const SweepPlan& plan);

}  // namespace qb
