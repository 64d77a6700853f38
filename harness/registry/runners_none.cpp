// The fuzz preset's runners: one per queue that aborts if it is ever called.
// fuzz_cli and fuzz_scenario parse what a user types and never run a point,
// so the fuzz build leaves out the four translation units that instantiate
// every queue's runners (a third of its compile time) and links this one
// instead (harness/CMakeLists.txt, QB_FUZZ). The table looks the same to the
// parsers: every queue takes every payload size and has a ping-pong runner.
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "harness/registry/queue_runners.hpp"

namespace qb::runners {

namespace {

constexpr std::size_t kQueues = std::tuple_size_v<Registered<8>>;

[[noreturn]] RepResult no_repetition(const PointParams&, const std::vector<int>&, const Clock&) { std::abort(); }
[[noreturn]] nlohmann::json no_pingpong(const PingpongParams&, const Clock&) { std::abort(); }

std::vector<RepetitionFn> none() { return std::vector<RepetitionFn>(kQueues, &no_repetition); }

}  // namespace

template <>
std::vector<RepetitionFn> repetitions<8>() { return none(); }
template <>
std::vector<RepetitionFn> repetitions<64>() { return none(); }
template <>
std::vector<RepetitionFn> repetitions<256>() { return none(); }

// `qbench check` is not parsed into a run here either; no queue has erased ops.
template <>
std::vector<ErasedQueueOps> erased<8>() { return std::vector<ErasedQueueOps>(kQueues); }
template <>
std::vector<ErasedQueueOps> erased<64>() { return std::vector<ErasedQueueOps>(kQueues); }
template <>
std::vector<ErasedQueueOps> erased<256>() { return std::vector<ErasedQueueOps>(kQueues); }

std::vector<RepetitionFn> workloads() { return none(); }
std::vector<PingpongFn> pingpongs() { return std::vector<PingpongFn>(kQueues, &no_pingpong); }

}  // namespace qb::runners
