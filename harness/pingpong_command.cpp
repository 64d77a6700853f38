#include "harness/pingpong_command.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli.hpp"
#include "harness/context.hpp"
#include "harness/isolation.hpp"
#include "harness/pingpong.hpp"
#include "harness/queue_table.hpp"
#include "harness/result_json.hpp"

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
  PingpongParams params;
  params.queue = request.queue;
  params.cpu_a = cpus[0];
  params.cpu_b = cpus[1];
  params.round_trips = request.round_trips;
  params.warmup = request.warmup;
  params.capacity = request.capacity.value_or(entry->default_capacity);
  const Clock clock = Clock::calibrate();
  if (const auto warning = build_warning(); !warning.empty()) fmt::print(stderr, "{}\n", warning);

  install_interrupt_handler();
  const auto child = run_in_child([&] { return entry->pingpong(params, clock).dump(); }, request.timeout);
  nlohmann::json result;
  result["queue"] = params.queue;
  result["cpus"] = {params.cpu_a, params.cpu_b};
  result["round_trips"] = params.round_trips;
  result["warmup_round_trips"] = params.warmup;
  result["capacity"] = params.capacity;
  result["status"] = child.status;
  result["failure"] = child.failure;
  if (child.status == "ok") {
    result.update(nlohmann::json::parse(child.json_text));
    if (!result.at("valid").get<bool>()) result["status"] = "invalid";
  }
  if (result["status"] == "ok") {
    const auto& rt = result.at("round_trip");
    fmt::print("pingpong {} cpus {},{}: round trip (ns) p50 {}  p90 {}  p99 {}  p99.9 {}  max {}; one-way estimate {} ns\n",
               params.queue, params.cpu_a, params.cpu_b, ns_or_dash(rt.at("p50_ns")), ns_or_dash(rt.at("p90_ns")),
               ns_or_dash(rt.at("p99_ns")), ns_or_dash(rt.at("p99_9_ns")), ns_or_dash(rt.at("max_ns")),
               result.at("one_way_estimate_ns").dump());
  } else {
    fmt::print("pingpong {} cpus {},{}: {} {}\n", params.queue, params.cpu_a, params.cpu_b,
               result["status"].get<std::string>(), child.failure);
  }
  if (out) {
    nlohmann::json doc{{"schema_version", kSchemaVersion}, {"generator", "qbench"}, {"kind", "pingpong"},
                       {"context", machine_context(argv)}, {"clock", clock.describe()}, {"pingpong", result}};
    write_json_atomically(*out, doc, force);
    fmt::print("results: {}\n", out->string());
  }
  return result["status"] == "ok" ? 0 : 1;
}

}  // namespace qb
