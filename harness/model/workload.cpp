#include "harness/model/workload.hpp"

#include <nlohmann/json.hpp>

namespace qb {

namespace {

constexpr std::array<std::string_view, 7> kKindNames{"throughput", "paced",  "admission", "priority_lanes",
                                                     "give_up",    "burst", "pingpong"};

}  // namespace

std::string_view to_string(WorkloadKind k) { return kKindNames[static_cast<std::size_t>(k)]; }

std::optional<WorkloadKind> parse_workload_kind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<WorkloadKind>(i);
  }
  return std::nullopt;
}

nlohmann::json workload_json(const WorkloadParams& w) {
  nlohmann::json j{{"kind", to_string(w.kind)}};
  if (!w.label.empty()) j["label"] = w.label;
  if (w.kind == WorkloadKind::throughput) return j;
  if (w.kind == WorkloadKind::pingpong) {
    j["round_trips"] = w.round_trips;
    j["warmup_trips"] = w.warmup_trips;
    j["pairs"] = w.pairs;
    return j;
  }
  if (w.paced()) j["rate_per_s"] = w.rate_per_s;
  if (w.consumer_work_ns > 0) j["consumer_work_ns"] = w.consumer_work_ns;
  if (w.samples_depth() || w.paced()) j["sample_interval_ns"] = w.sample_interval.count();
  switch (w.kind) {
    case WorkloadKind::admission:
      j["soft_capacity"] = w.soft_capacity;
      j["backpressure_threshold"] = w.backpressure_threshold;
      break;
    case WorkloadKind::priority_lanes: {
      j["policy"] = w.policy == LanePolicy::strict ? "strict" : "fair";
      j["fair_k"] = w.fair_k;
      nlohmann::json lanes = nlohmann::json::array();
      for (std::size_t l = 0; l < kLaneCount; ++l) {
        lanes.push_back({{"name", kLaneNames[l]}, {"soft_capacity", w.lanes[l].soft_capacity}, {"weight", w.lanes[l].weight}});
      }
      j["lanes"] = lanes;
      break;
    }
    case WorkloadKind::give_up:
      j["give_up_after"] = w.give_up_after;
      break;
    case WorkloadKind::burst:
      j["burst_items"] = w.burst_items;
      j["idle_ns"] = w.idle.count();
      break;
    default:
      break;
  }
  return j;
}

}  // namespace qb
