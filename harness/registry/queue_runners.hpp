// The registered queues' runners, by registry index, built in four
// translation units (one per payload size, and the workload engine's) so
// that a build compiles them side by side: a single file instantiating every
// runner for every queue was the longest compile of the project, alone at
// the end of each build.
#pragma once

#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

#include "harness/registry/queue_entry.hpp"
#include "harness/run/payload.hpp"
#include "queues/registry.hpp"

namespace qb::runners {

template <int kBytes>
using Registered = apply_registry<std::tuple, Payload<kBytes>>;

// make.template operator()<Q>() for every queue type Q of Tuple, in order.
template <class Tuple, class Make>
auto for_each_queue(Make make) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::vector{make.template operator()<std::tuple_element_t<I, Tuple>>()...};
  }(std::make_index_sequence<std::tuple_size_v<Tuple>>());
}

// run_repetition for every queue on kBytes-byte items (runners_<kBytes>.cpp).
template <int kBytes>
std::vector<RepetitionFn> repetitions();
template <>
std::vector<RepetitionFn> repetitions<8>();
template <>
std::vector<RepetitionFn> repetitions<64>();
template <>
std::vector<RepetitionFn> repetitions<256>();

// Every queue behind function pointers on kBytes-byte items (runners_<kBytes>.cpp).
template <int kBytes>
std::vector<ErasedQueueOps> erased();
template <>
std::vector<ErasedQueueOps> erased<8>();
template <>
std::vector<ErasedQueueOps> erased<64>();
template <>
std::vector<ErasedQueueOps> erased<256>();

std::vector<RepetitionFn> workloads();  // on 8-byte items (runners_workload.cpp)
std::vector<PingpongFn> pingpongs();    // on 8-byte items (runners_8.cpp)

}  // namespace qb::runners
