// A scenario's workload object: its kind, the keys that kind takes, and
// their values (the scenario reader's part for workloads; scenario.cpp reads
// the rest of the file).
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/sweep/scenario_reader.hpp"

namespace qb::scenario_detail {

WorkloadParams parse_workload(const Reader& r, const json& v, const std::string& path, bool needs_label) {
  r.object(v, path);
  WorkloadParams w;
  if (!v.contains("kind")) r.fail(path, "missing key \"kind\"");
  const std::string kind = r.string(v["kind"], path + ".kind");
  const auto k = parse_workload_kind(kind);
  if (!k) {
    std::vector<std::string> kinds;
    for (int i = 0; i <= static_cast<int>(WorkloadKind::pingpong); ++i) {
      kinds.emplace_back(to_string(static_cast<WorkloadKind>(i)));
    }
    const auto meant = closest_name(kind, kinds);
    r.fail(path + ".kind", meant ? fmt::format("'{}' is not a workload; did you mean {}?", kind, *meant)
                                 : fmt::format("'{}' is not a workload ({})", kind, fmt::join(kinds, ", ")));
  }
  w.kind = *k;
  const std::string where = fmt::format("for a {} workload", kind);
  switch (w.kind) {
    case WorkloadKind::throughput:
      r.only_keys(v, path, {"kind", "label"}, where);
      break;
    case WorkloadKind::paced:
      r.only_keys(v, path, {"kind", "label", "rate_per_s", "consumer_work_ns", "sample_interval"}, where);
      if (!v.contains("rate_per_s")) r.fail(path, "missing key \"rate_per_s\" (a paced workload needs a rate)");
      break;
    case WorkloadKind::admission:
      r.only_keys(v, path, {"kind", "label", "rate_per_s", "consumer_work_ns", "sample_interval", "soft_capacity",
                            "backpressure_threshold"}, where);
      if (!v.contains("soft_capacity")) r.fail(path, "missing key \"soft_capacity\"");
      break;
    case WorkloadKind::priority_lanes:
      r.only_keys(v, path, {"kind", "label", "rate_per_s", "consumer_work_ns", "sample_interval", "lanes", "policy",
                            "fair_k"}, where);
      if (!v.contains("lanes")) r.fail(path, "missing key \"lanes\"");
      if (!v.contains("policy")) r.fail(path, "missing key \"policy\" (strict or fair)");
      break;
    case WorkloadKind::give_up:
      r.only_keys(v, path, {"kind", "label", "consumer_work_ns", "give_up_after"}, where);
      if (!v.contains("give_up_after")) r.fail(path, "missing key \"give_up_after\"");
      break;
    case WorkloadKind::burst:
      r.only_keys(v, path, {"kind", "label", "consumer_work_ns", "sample_interval", "burst_items", "idle"}, where);
      if (!v.contains("burst_items")) r.fail(path, "missing key \"burst_items\"");
      if (!v.contains("idle")) r.fail(path, "missing key \"idle\"");
      break;
    case WorkloadKind::pingpong:
      r.only_keys(v, path, {"kind", "label", "round_trips", "warmup_trips", "pairs"}, where);
      break;
  }
  if (v.contains("label")) w.label = r.string(v["label"], path + ".label");
  if (needs_label && w.label.empty()) r.fail(path, "missing key \"label\" (each of several workloads needs one)");
  if (v.contains("rate_per_s")) {
    w.rate_per_s = r.number(v["rate_per_s"], path + ".rate_per_s");
    if (w.rate_per_s <= 0) r.fail(path + ".rate_per_s", fmt::format("must be > 0 (got {})", w.rate_per_s));
    if (w.rate_per_s > 1e10) r.fail(path + ".rate_per_s", fmt::format("{:g} is above 1e10 items/s", w.rate_per_s));
  }
  if (v.contains("consumer_work_ns")) w.consumer_work_ns = r.count(v["consumer_work_ns"], path + ".consumer_work_ns", 0, kMaxConsumerWorkNs);
  if (v.contains("sample_interval")) {
    w.sample_interval = to_ns(r, v["sample_interval"], path + ".sample_interval");
    if (w.sample_interval < std::chrono::milliseconds(1)) r.fail(path + ".sample_interval", "must be at least 1ms");
  }
  if (v.contains("soft_capacity")) w.soft_capacity = r.count(v["soft_capacity"], path + ".soft_capacity", 1, kMaxCapacity);
  if (v.contains("backpressure_threshold")) {
    w.backpressure_threshold = r.number(v["backpressure_threshold"], path + ".backpressure_threshold");
    if (!(w.backpressure_threshold > 0 && w.backpressure_threshold <= 1)) {
      r.fail(path + ".backpressure_threshold", fmt::format("must be in (0, 1] (got {})", w.backpressure_threshold));
    }
  }
  if (v.contains("policy")) {
    const std::string policy = r.string(v["policy"], path + ".policy");
    if (policy == "strict") w.policy = LanePolicy::strict;
    else if (policy == "fair") w.policy = LanePolicy::fair;
    else r.fail(path + ".policy", fmt::format("'{}' is not strict or fair", policy));
  }
  if (v.contains("fair_k")) {
    if (w.policy != LanePolicy::fair) r.fail(path + ".fair_k", "only a fair policy takes fair_k");
    w.fair_k = static_cast<std::uint32_t>(r.count(v["fair_k"], path + ".fair_k", 1, kMaxSmallCount));
  }
  if (v.contains("lanes")) {
    const json& lanes = v["lanes"];
    if (!lanes.is_array() || lanes.size() != kLaneCount) {
      r.fail(path + ".lanes", "expected an array of 3 lanes: high, normal, low");
    }
    double total_weight = 0;
    for (std::size_t l = 0; l < kLaneCount; ++l) {
      const std::string lp = fmt::format("{}.lanes[{}]", path, l);
      r.object(lanes[l], lp);
      r.only_keys(lanes[l], lp, {"name", "soft_capacity", "weight"}, "for a lane");
      if (lanes[l].contains("name") && r.string(lanes[l]["name"], lp + ".name") != kLaneNames[l]) {
        r.fail(lp + ".name", fmt::format("expected '{}' (lanes are high, normal, low in that order)", kLaneNames[l]));
      }
      if (lanes[l].contains("soft_capacity")) w.lanes[l].soft_capacity = r.count(lanes[l]["soft_capacity"], lp + ".soft_capacity", 1, kMaxCapacity);
      if (lanes[l].contains("weight")) {
        w.lanes[l].weight = r.number(lanes[l]["weight"], lp + ".weight");
        if (w.lanes[l].weight < 0) r.fail(lp + ".weight", "must be >= 0");
      }
      total_weight += w.lanes[l].weight;
    }
    if (total_weight <= 0) r.fail(path + ".lanes", "the lanes' weights sum to 0");
  }
  if (v.contains("give_up_after")) w.give_up_after = static_cast<std::uint32_t>(r.count(v["give_up_after"], path + ".give_up_after", 1, kMaxSmallCount));
  if (v.contains("burst_items")) w.burst_items = r.count(v["burst_items"], path + ".burst_items", 1, kMaxItems);
  if (v.contains("idle")) w.idle = to_ns(r, v["idle"], path + ".idle");
  if (v.contains("round_trips")) w.round_trips = r.count(v["round_trips"], path + ".round_trips", 1, kMaxRoundTrips);
  if (v.contains("warmup_trips")) w.warmup_trips = r.count(v["warmup_trips"], path + ".warmup_trips", 0, kMaxRoundTrips);
  if (v.contains("pairs")) {
    const json& pairs = v["pairs"];
    if (!pairs.is_array() || pairs.empty()) r.fail(path + ".pairs", "expected a non-empty array of \"near\" / \"far\"");
    w.pairs.clear();
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const std::string pair = r.string(pairs[i], fmt::format("{}.pairs[{}]", path, i));
      if (pair != "near" && pair != "far") r.fail(fmt::format("{}.pairs[{}]", path, i), fmt::format("'{}' is not near or far", pair));
      w.pairs.push_back(pair);
    }
  }
  return w;
}

}  // namespace qb::scenario_detail
