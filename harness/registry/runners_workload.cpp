// The workload engine (paced, admission, priority_lanes, give_up, burst) for
// every registered queue on 8-byte items; see queue_runners.hpp.
#include "harness/registry/queue_runners.hpp"
#include "harness/workloads/engine.hpp"

namespace qb::runners {

std::vector<RepetitionFn> workloads() {
  return for_each_queue<Registered<8>>([]<class Q>() -> RepetitionFn { return &run_workload<Q>; });
}

}  // namespace qb::runners
