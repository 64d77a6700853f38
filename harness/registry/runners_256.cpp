// The throughput runner for every registered queue on 256-byte items; see queue_runners.hpp.
#include "harness/registry/queue_runners.hpp"
#include "harness/run/point_runner.hpp"

namespace qb::runners {

template <>
std::vector<RepetitionFn> repetitions<256>() {
  return for_each_queue<Registered<256>>([]<class Q>() -> RepetitionFn { return &run_repetition<Q>; });
}

template <>
std::vector<ErasedQueueOps> erased<256>() {
  return for_each_queue<Registered<256>>([]<class Q>() { return erase_queue<Q>(); });
}

}  // namespace qb::runners
