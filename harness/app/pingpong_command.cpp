#include "harness/app/pingpong_command.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/app/cli.hpp"
#include "harness/model/result_json.hpp"
#include "harness/registry/queue_table.hpp"
#include "harness/results/context.hpp"
#include "harness/results/results_file.hpp"
#include "harness/run/isolation.hpp"
#include "harness/sweep/pingpong_point.hpp"
#include "harness/workloads/pingpong.hpp"

namespace qb {

namespace {

std::string ns_or_dash(const nlohmann::json& v) {
  return v.is_null() ? std::string("-") : fmt::format("{}", v.get<std::uint64_t>());
}

}  // namespace

int pingpong_command(const PingpongRequest& request, const std::optional<std::filesystem::path>& out, bool force,
                     const std::vector<std::string>& argv) {
  if (out) check_output_path(*out, force);
  const auto topology = Topology::detect();
  std::vector<int> cpus = request.cpus;
  if (cpus.empty()) cpus = topology.cpu_map(Placement::compact, 2);
  const auto allowed = topology.cpu_map(Placement::compact, topology.cpu_count());
  for (int cpu : cpus) {
    if (std::find(allowed.begin(), allowed.end(), cpu) == allowed.end()) {
      throw UsageError(fmt::format("--cpus: CPU {} is not one this process may use", cpu));
    }
  }
  const QueueEntry* entry = find_queue(request.queue);
  // One point, in the shape a sweep's pingpong points have, so that a
  // pingpong file is a results file like any other.
  PointResult point;
  point.id = fmt::format("pingpong/{}/cpus{},{}", request.queue, cpus[0], cpus[1]);
  point.traits = entry->traits;
  point.params.queue = request.queue;
  point.params.producers = 1;
  point.params.consumers = 1;
  point.params.capacity = request.capacity.value_or(entry->default_capacity);
  point.params.timeout = request.timeout;
  // Unused (a ping-pong warms up by --warmup-trips), and what pingpong files
  // have always held.
  point.params.warmup = std::chrono::milliseconds(100);
  point.params.latency = LatencyMode::off;
  point.params.counters = none_counter_selection();
  point.params.workload.kind = WorkloadKind::pingpong;
  point.params.workload.round_trips = request.round_trips;
  point.params.workload.warmup_trips = request.warmup;
  point.params.workload.pairs = {fmt::format("{},{}", cpus[0], cpus[1])};
  const Clock clock = Clock::calibrate();
  if (const auto warning = build_warning(); !warning.empty()) fmt::print(stderr, "{}\n", warning);

  std::optional<ResultsJournal> journal;
  if (out) {
    auto context = machine_context(argv);
    context["clock"] = clock.describe();
    journal.emplace(*out, force, document_header(context, {}), std::vector<PointResult>{point}, 1);
  }
  install_interrupt_handler();
  const bool finished = run_pingpong_on(point, cpus[0], cpus[1], clock);
  if (journal && finished) journal->add_point(0, point);
  std::vector<PointResult> points{point};
  if (journal) journal->finish(points, !finished, {});

  if (!finished) {
    fmt::print(stderr, "qbench: interrupted by {}{}\n", interrupt_signal_name(), out ? "; the file says so" : "");
    return interrupt_exit_status();
  }
  const nlohmann::json& result = points.front().pingpong;
  if (points.front().status == PointStatus::ok) {
    const auto& rt = result.at("round_trip");
    fmt::print("pingpong {} cpus {},{}: round trip (ns) p50 {}  p90 {}  p99 {}  p99.9 {}  max {}; one-way estimate {} ns\n",
               request.queue, cpus[0], cpus[1], ns_or_dash(rt.at("p50_ns")), ns_or_dash(rt.at("p90_ns")),
               ns_or_dash(rt.at("p99_ns")), ns_or_dash(rt.at("p99_9_ns")), ns_or_dash(rt.at("max_ns")),
               result.at("one_way_estimate_ns").dump());
  } else {
    fmt::print("pingpong {} cpus {},{}: {} {}\n", request.queue, cpus[0], cpus[1], to_string(points.front().status),
               result.value("failure", std::string()));
  }
  if (out) fmt::print("results: {}\n", out->string());
  return points.front().status == PointStatus::ok ? 0 : 1;
}

}  // namespace qb
