#include "harness/list_command.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

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
    for (const auto& e : queue_table()) doc["queues"].push_back(e.traits);
    for (const auto& s : scenarios) doc["scenarios"].push_back(s.string());
    fmt::print("{}\n", doc.dump(2));
    return 0;
  }
  fmt::print("{:<16} {:<9} {:<9} {:<9} {:<14} {:<18} {}\n", "queue", "bounded", "producers", "consumers",
             "progress", "order", "capacity");
  for (const auto& e : queue_table()) {
    const auto& t = e.traits;
    fmt::print("{:<16} {:<9} {:<9} {:<9} {:<14} {:<18} {}\n", t.name, t.bounded ? "yes" : "no",
               to_string(t.producers), to_string(t.consumers), to_string(t.progress), to_string(t.order),
               t.capacity_required ? "required (default 1024)" : "optional");
  }
  fmt::print("\nscenarios:{}\n", scenarios.empty() ? " none found" : "");
  for (const auto& s : scenarios) fmt::print("  {}\n", s.string());
  return 0;
}

}  // namespace qb
