#include "harness/list_command.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/queue_table.hpp"
#include "harness/result_json.hpp"

namespace qb {

namespace {

std::vector<std::filesystem::path> scenario_files() {
  std::set<std::filesystem::path> found;
  for (const auto& dir : {std::filesystem::path("scenarios"),
                                          std::filesystem::path(QB_SOURCE_DIR) / "scenarios"}) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json") found.insert(std::filesystem::weakly_canonical(entry.path()));
    }
  }
  return {found.begin(), found.end()};
}

}  // namespace

int list_command(bool json) {
  const auto scenarios = scenario_files();
  if (json) {
    nlohmann::json doc{{"queues", nlohmann::json::array()}, {"scenarios", nlohmann::json::array()}};
    for (const auto& e : queue_table()) {
      nlohmann::json queue = e.traits;
      queue["default_capacity"] = e.default_capacity;
      doc["queues"].push_back(std::move(queue));
    }
    for (const auto& s : scenarios) doc["scenarios"].push_back(s.string());
    fmt::print("{}\n", doc.dump(2));
    return 0;
  }
  // The name column fits the longest name (the peers' run to 22 characters).
  std::size_t name_width = 5;
  for (const auto& e : queue_table()) name_width = std::max(name_width, e.traits.name.size());
  fmt::print("{:<{}} {:<9} {:<9} {:<9} {:<14} {:<18} {}\n", "queue", name_width, "bounded", "producers",
             "consumers", "progress", "order", "capacity");
  for (const auto& e : queue_table()) {
    const auto& t = e.traits;
    fmt::print("{:<{}} {:<9} {:<9} {:<9} {:<14} {:<18} {}\n", t.name, name_width, t.bounded ? "yes" : "no",
               to_string(t.producers), to_string(t.consumers), to_string(t.progress), to_string(t.order),
               t.capacity_required ? fmt::format("required (default {})", e.default_capacity) : "optional");
  }
  fmt::print("\nscenarios:{}\n", scenarios.empty() ? " none found" : "");
  for (const auto& s : scenarios) fmt::print("  {}\n", s.string());
  return 0;
}

}  // namespace qb
