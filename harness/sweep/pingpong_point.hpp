// The pingpong workload inside a sweep: one point per queue and core pair
// ("near": the first two CPUs of the compact placement, neighbours in the
// cache hierarchy; "far": the first two of the scatter placement, as far
// apart as the machine allows), run once in a child process.
#pragma once

#include "harness/machine/topology.hpp"
#include "harness/measure/clock.hpp"
#include "harness/model/run_types.hpp"

namespace qb {

// Runs the point and fills point.pingpong, status and skip_reason; false
// when SIGINT interrupted it.
bool run_pingpong_point(PointResult& point, const Topology& topology, const Clock& clock);

// The same on two given CPUs (qbench pingpong --cpus).
bool run_pingpong_on(PointResult& point, int cpu_a, int cpu_b, const Clock& clock);

}  // namespace qb
