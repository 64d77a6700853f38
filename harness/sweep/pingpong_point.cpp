#include "harness/sweep/pingpong_point.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/registry/queue_table.hpp"
#include "harness/run/isolation.hpp"
#include "harness/workloads/pingpong.hpp"

namespace qb {

bool run_pingpong_point(PointResult& point, const Topology& topology, const Clock& clock) {
  const WorkloadParams& w = point.params.workload;
  const std::string& pair = w.pairs.front();
  if (topology.cpu_count() < 2) {
    point.status = PointStatus::skipped;
    point.skip_reason = "pingpong needs two CPUs";
    return true;
  }
  const auto cpus = topology.cpu_map(pair == "far" ? Placement::scatter : Placement::compact, 2);
  return run_pingpong_on(point, cpus[0], cpus[1], clock);
}

bool run_pingpong_on(PointResult& point, int cpu_a, int cpu_b, const Clock& clock) {
  const WorkloadParams& w = point.params.workload;
  PingpongParams params;
  params.queue = point.params.queue;
  params.cpu_a = cpu_a;
  params.cpu_b = cpu_b;
  params.round_trips = w.round_trips;
  params.warmup = w.warmup_trips;
  params.capacity = point.params.capacity;
  const QueueEntry* entry = find_queue(params.queue);
  const auto child = run_in_child([&] { return entry->pingpong(params, clock).dump(); }, point.params.timeout);
  if (child.status == RepStatus::interrupted) return false;
  nlohmann::json result{{"pair", w.pairs.empty() ? std::string() : w.pairs.front()},
                        {"cpus", {params.cpu_a, params.cpu_b}}, {"round_trips", params.round_trips},
                        {"warmup_round_trips", params.warmup}, {"status", to_string(child.status)}, {"failure", child.failure}};
  point.status = child.status == RepStatus::ok ? PointStatus::ok : PointStatus::failed;
  if (child.status == RepStatus::ok) {
    result.update(nlohmann::json::parse(child.json_text));
    if (!result.at("valid").get<bool>()) point.status = PointStatus::invalid;
  } else {
    point.skip_reason = child.failure;
  }
  point.pingpong = std::move(result);
  return true;
}

}  // namespace qb
