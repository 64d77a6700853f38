// Scenario files: a JSON object in scenarios/ that names a workload, where it
// comes from, the queues, the counts and the parameters, so that anyone can
// rerun a seed's experiment. load_scenario() checks every key against what
// its place allows and every value's type and range, and fails with a
// UsageError naming the file, the key's path and the reason. Values the
// command line also takes are kept as the command line's text, so that
// `qbench run --scenario F --duration 5s` overrides the file's field through
// one validation path (cli.cpp).
//
// Keys (all optional but name and description; see README "Scenario files"):
//   name string, description string (a one-line formula), source string,
//   queues "all" | [string], producers / consumers int | [int] | "1,2,4-8",
//   or instead of them shapes [string] | string ("1x1,4x4": those pairs only),
//   duration string ("2s") | number (s), items int, warmup, timeout (as
//   duration), items_per_producer int, repetitions int, capacity int, payload_bytes int, placement
//   string, seed int, latency string, op_sample_period int, latency_sample_period
//   int, payload_check string (all | off), counters string,
//   wait string (spin | pause | backoff | block),
//   elastic {initial_capacity, min_capacity, max_capacity int; growth_factor,
//   shrink_threshold number}, workload {kind, ...} or workloads [{kind,
//   label, ...}] (variants run side by side).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/model/run_types.hpp"

namespace qb {

struct ScenarioInfo {
  std::string name, description, source, file;
};

struct Scenario {
  ScenarioInfo info;
  // Command-line text for the options the file sets; nullopt: not set.
  std::optional<std::string> queues, producers, consumers, shapes, duration, warmup, timeout, placement, latency,
      counters, wait, payload_check;
  std::optional<std::uint64_t> items, items_per_producer, seed, latency_sample_period;
  std::optional<int> repetitions, payload_bytes;
  std::optional<std::size_t> capacity;
  std::optional<std::uint32_t> op_sample_period;
  ElasticParams elastic;
  std::vector<WorkloadParams> workloads;  // at least one
  std::vector<std::filesystem::path> plugins;  // "plugins", resolved against the file's folder
};

// Throws UsageError "FILE: PATH: REASON" (PATH like workload.lanes[2].weight).
Scenario load_scenario(const std::filesystem::path& file);

// The same, from an already parsed document (tests); `file` names it in errors.
Scenario parse_scenario(const nlohmann::json& doc, const std::string& file);

// The result document's "scenario" block.
nlohmann::json scenario_json(const ScenarioInfo& info);

}  // namespace qb
