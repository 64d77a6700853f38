// finalize_point (point_summary.hpp).
#include "harness/results/point_summary.hpp"

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/counters/totals.hpp"
#include "harness/measure/latency.hpp"
#include "harness/model/saturation.hpp"
#include "harness/model/warnings.hpp"
#include "harness/results/stats.hpp"
#include "harness/workloads/engine_support.hpp"

namespace qb {

void finalize_point(PointResult& point) {
  if (point.status == PointStatus::skipped) return;
  if (point.params.workload.kind == WorkloadKind::pingpong) {
    if (point.pingpong.is_null()) {
      point.status = PointStatus::not_run;
      point.skip_reason = "the sweep was interrupted before this point ran";
    }
    return;
  }
  point.status = PointStatus::ok;
  for (const auto& rep : point.repetitions) {
    if (rep.status == RepStatus::failed) point.status = PointStatus::failed;
    if (rep.status == RepStatus::invalid && point.status == PointStatus::ok) point.status = PointStatus::invalid;
    for (const auto& w : rep.warnings) point.warnings.push_back(w.of_repetition(rep.repetition));
  }
  if (point.repetitions.empty()) {
    point.status = PointStatus::not_run;
    point.skip_reason = "the sweep was interrupted before this point ran";
    return;
  }
  if (point.status != PointStatus::ok) return;
  point.aggregate = aggregate(point.repetitions);
  // Latency merged, and counters summed, over the valid repetitions.
  std::vector<const nlohmann::json*> latencies;
  CounterTotals totals(point.params.counters);
  std::uint64_t items = 0;
  for (const auto& rep : point.repetitions) {
    if (rep.latency.is_object() && rep.latency.value("mode", "off") != "off") latencies.push_back(&rep.latency);
    if (rep.counters.is_object()) {
      for (const auto& r : rep.counters.at("readings")) {
        totals.add(r.at("role") == "producer" ? CounterRole::producer : CounterRole::consumer,
                   r.at("reading").get<ThreadCounterReading>());
      }
    }
    items += rep.items;
  }
  point.latency = latencies.empty() ? nlohmann::json{{"mode", to_string(point.params.latency)}} : merge_latency(latencies);
  if (point.params.workload.kind != WorkloadKind::throughput) {
    std::vector<const nlohmann::json*> metrics;
    for (const auto& rep : point.repetitions) metrics.push_back(&rep.workload_metrics);
    point.workload_metrics = workload::aggregate_workload_metrics(metrics);
    // Saturated is the point's median rate short of the target, not any
    // repetition's (which the repetitions keep, and saturated_repetitions
    // counts): a point that achieved 200,384 of 200,000 items/s is not.
    if (auto& m = point.workload_metrics; m.is_object() && m.contains("target_rate_per_s")) {
      int short_reps = 0;
      for (const auto* r : metrics) short_reps += r->is_object() && r->value("saturated", false) ? 1 : 0;
      m["saturated"] = short_of_target(m.value("achieved_rate_per_s", 0.0), m.value("target_rate_per_s", 0.0));
      m["saturated_repetitions"] = short_reps;
      if (m["saturated"].get<bool>()) point.warnings.push_back(Warning::saturated_rate());
    }
  }
  point.counters = counters_json(totals, items);
  // Its figures (value, raw, time_enabled_ns, time_running_ns, by_role,
  // threads, threads_counted) are sums over these repetitions' threads; said
  // in the block, so that "threads": 8 at p2c2 is not read as eight threads.
  point.counters["summed_over"] = {{"repetitions", point.repetitions.size()}, {"items", items}};
  if (point.aggregate->cv > 0.05) {
    point.warnings.push_back(Warning::noisy_repetitions(100 * point.aggregate->cv));
  }
  if (!point.repetitions.empty() && point.repetitions.front().oversubscribed) {
    point.warnings.push_back(Warning::oversubscribed_cpus());
  }
}

}  // namespace qb
