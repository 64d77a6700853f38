// What a run does besides moving items as fast as it can: the workload kinds
// of scenario files, as plain parameters. A throughput run ignores all of it;
// the other kinds run in workloads/engine.hpp.
//
//   throughput      closed loop: producers push as fast as the queue takes items
//   paced           open loop: item k of producer i is due at t0 + k / rate_i and
//                   its latency runs from that intended time, so it includes the time
//                   it waited to be sent (no coordinated omission)
//   admission       producers check a soft capacity before pushing and count
//                   rejections; depth sampled over time; backpressure above a
//                   threshold fraction of the soft capacity
//   priority_lanes  three lanes (high, normal, low), each its own queue with a soft
//                   capacity; consumers dequeue strictly by priority or fairly (at
//                   most fair_k consecutive items from one lane)
//   give_up         a producer abandons an item after give_up_after consecutive
//                   failed try_push (yielding every 10)
//   burst           producers alternate bursts of burst_items with idle periods;
//                   depth and (elastic) capacity sampled over time
//   pingpong        round trips between two cores (harness/workloads/pingpong.hpp)
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace qb {

enum class WorkloadKind { throughput, paced, admission, priority_lanes, give_up, burst, pingpong };

std::string_view to_string(WorkloadKind k);
std::optional<WorkloadKind> parse_workload_kind(std::string_view text);

inline constexpr int kLaneCount = 3;
inline constexpr std::array<std::string_view, kLaneCount> kLaneNames{"high", "normal", "low"};

struct LaneParams {
  std::uint64_t soft_capacity = 0;  // items; 0: no admission check on this lane
  double weight = 1.0;              // share of the items offered that go to this lane
};

enum class LanePolicy { strict, fair };

struct WorkloadParams {
  WorkloadKind kind = WorkloadKind::throughput;
  std::string label;                  // tells apart variants of one scenario ("strict", "fair")
  double rate_per_s = 0;              // > 0: producers are paced to this total rate (items/s)
  std::uint64_t consumer_work_ns = 0; // simulated work per item popped (busy loop on the clock)
  std::uint64_t soft_capacity = 0;    // admission: producers reject above this depth
  double backpressure_threshold = 0.8;  // admission: fraction of soft_capacity
  std::array<LaneParams, kLaneCount> lanes{};  // priority_lanes
  LanePolicy policy = LanePolicy::strict;
  std::uint32_t fair_k = 8;           // fair: at most this many consecutive items from one lane
  std::uint32_t give_up_after = 0;    // give_up: R consecutive failed try_push
  std::uint64_t burst_items = 0;      // burst: items per burst, per producer
  std::chrono::nanoseconds idle{0};   // burst: idle time between bursts
  std::chrono::nanoseconds sample_interval{std::chrono::milliseconds(10)};  // time series
  std::uint64_t round_trips = 100000; // pingpong
  std::uint64_t warmup_trips = 10000; // pingpong
  std::vector<std::string> pairs{"near", "far"};  // pingpong: which core pairs

  bool paced() const { return rate_per_s > 0; }
  bool lanes_on() const { return kind == WorkloadKind::priority_lanes; }
  bool samples_depth() const {
    return kind == WorkloadKind::admission || kind == WorkloadKind::burst || kind == WorkloadKind::priority_lanes;
  }
};

// The run's "workload" block: kind and the parameters that kind uses.
nlohmann::json workload_json(const WorkloadParams& w);

}  // namespace qb
