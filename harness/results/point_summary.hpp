// A point's summary from its repetitions: status, aggregate, merged latency,
// summed counters and warnings. The sweep finalizes its points with it, and
// the journal (results_file.hpp) does when it rebuilds them from disk.
#pragma once

#include "harness/model/run_types.hpp"

namespace qb {

// Sets a point's status, aggregate and warnings from its repetitions.
void finalize_point(PointResult& point);

}  // namespace qb
