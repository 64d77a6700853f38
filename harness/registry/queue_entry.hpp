// One row of the queue table: a queue's traits and its runners, one per
// payload size, behind plain function pointers.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/model/run_types.hpp"
#include "harness/registry/erased_queue.hpp"
#include "harness/run/payload.hpp"

namespace qb {

// The capacity qbench gives queue Q when --capacity is not set: the queue's
// own default where it names one, 1024 where it needs one, else 0 (an
// unbounded queue ignores it). qb_micro's bare loop uses the same rule.
template <class Q>
constexpr std::size_t default_capacity_of() {
  if constexpr (requires { Q::kDefaultCapacity; }) {
    return Q::kDefaultCapacity;
  } else {
    return Q::traits.capacity_required ? 1024 : 0;
  }
}

class Clock;
using RepetitionFn = RepResult (*)(const PointParams&, const std::vector<int>& cpus, const Clock& clock);
struct PingpongParams;
using PingpongFn = nlohmann::json (*)(const PingpongParams&, const Clock&);

struct QueueEntry {
  QueueTraits traits;
  // One runner per payload size, in kPayloadSizes' order (8, 64, 256 bytes);
  // nullptr where the queue takes no items of that size (a plugin's choice).
  std::array<RepetitionFn, kPayloadSizes.size()> runs;
  // Throws std::invalid_argument with the queue's own message when the
  // capacity is not allowed; allocates nothing (the queue's static
  // check_capacity, for a queue that has a rule).
  std::function<void(std::size_t capacity)> check_capacity;
  // The workloads other than throughput (workloads/engine.hpp), on 8-byte items.
  RepetitionFn run_workload;
  bool takes_elastic_config;  // built from an ElasticConfig when the point has one
  bool blocking_ops;          // has push/pop with a timeout, for --wait block
  PingpongFn pingpong;
  // The capacity a point uses when the user gave none: 0 (the queue's own
  // default) unless the queue requires one; then 1024, or the queue's
  // kDefaultCapacity where it does not accept 1024 (atomic_queue's rings
  // start at 4096, ck_ring holds 2^k - 1).
  std::size_t default_capacity;
  // A reference ceiling (harness/run/ceiling.hpp), not a queue: it runs
  // throughput points only and moves no items.
  bool reference = false;
  // Where the queue comes from, for `qbench list` and the results: "built-in",
  // "peer", "header PATH" (QBENCH_QUEUES at configure time) or "plugin PATH".
  std::string origin = "built-in";
  // The queue behind plain function pointers, by payload size as `runs`
  // (`qbench check`); create is nullptr where `runs` is.
  std::array<ErasedQueueOps, kPayloadSizes.size()> erased{};

  // The runner for items of `payload_bytes`, or nullptr when the queue takes
  // no such items (or the size is not one of kPayloadSizes).
  RepetitionFn runner(int payload_bytes) const {
    for (std::size_t i = 0; i < kPayloadSizes.size(); ++i)
      if (kPayloadSizes[i] == payload_bytes) return runs[i];
    return nullptr;
  }
  const ErasedQueueOps* erased_ops(int payload_bytes) const {
    for (std::size_t i = 0; i < kPayloadSizes.size(); ++i)
      if (kPayloadSizes[i] == payload_bytes && erased[i].create != nullptr) return &erased[i];
    return nullptr;
  }
};

}  // namespace qb
