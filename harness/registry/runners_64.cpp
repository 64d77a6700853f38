// The throughput runner for every registered queue on 64-byte items; see queue_runners.hpp.
#include "harness/registry/queue_runners.hpp"
#include "harness/run/point_runner.hpp"

namespace qb::runners {

template <>
std::vector<RepetitionFn> repetitions<64>() {
  return for_each_queue<Registered<64>>([]<class Q>() -> RepetitionFn { return &run_repetition<Q>; });
}

template <>
std::vector<ErasedQueueOps> erased<64>() {
  return for_each_queue<Registered<64>>([]<class Q>() { return erase_queue<Q>(); });
}

}  // namespace qb::runners
