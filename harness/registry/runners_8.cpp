// The throughput runner for every registered queue on 8-byte items, and
// the pingpong runner; see queue_runners.hpp.
#include "harness/registry/queue_runners.hpp"
#include "harness/run/point_runner.hpp"
#include "harness/workloads/pingpong.hpp"

namespace qb::runners {

template <>
std::vector<RepetitionFn> repetitions<8>() {
  return for_each_queue<Registered<8>>([]<class Q>() -> RepetitionFn { return &run_repetition<Q>; });
}

template <>
std::vector<ErasedQueueOps> erased<8>() {
  return for_each_queue<Registered<8>>([]<class Q>() { return erase_queue<Q>(); });
}

std::vector<PingpongFn> pingpongs() {
  return for_each_queue<Registered<8>>([]<class Q>() -> PingpongFn { return &run_pingpong<Q>; });
}

}  // namespace qb::runners
