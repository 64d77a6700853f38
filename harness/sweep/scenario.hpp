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
//   plugins [string], every option's key in the option table
//   (model/options.hpp: queues "all" | [string], producers / consumers int |
//   [int] | "1,2,4-8" or instead of them shapes [string] | string, a duration
//   as a string ("2s") or a number (s), a count as a whole number, a choice
//   or counters as a string, wait a string or an array of strings (each
//   point once per wait)), elastic {initial_capacity, min_capacity,
//   max_capacity int; growth_factor, shrink_threshold number}, workload
//   {kind, ...} or workloads [{kind, label, ...}] (variants run side by side).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/model/options.hpp"
#include "harness/model/run_types.hpp"

namespace qb {

struct ScenarioInfo {
  std::string name, description, source, file;
};

struct Scenario {
  ScenarioInfo info;
  // Command-line text for each option the file sets, by option_index(Opt);
  // nullopt: not set.
  std::array<std::optional<std::string>, kOptionCount> values;
  const std::optional<std::string>& value(Opt id) const { return values[option_index(id)]; }
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
