#include "harness/app/list_command.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/app/scenario_catalog.hpp"
#include "harness/model/result_json.hpp"
#include "harness/plugins/plugin_loader.hpp"
#include "harness/registry/queue_table.hpp"
#include "harness/run/payload.hpp"

namespace qb {

int list_command(bool json) {
  const auto scenarios = scenario_files();
  if (json) {
    nlohmann::json doc{{"queues", nlohmann::json::array()}, {"scenarios", nlohmann::json::array()}};
    for (const auto& e : queue_table()) {
      nlohmann::json queue = e.traits;
      queue["default_capacity"] = e.default_capacity;
      queue["origin"] = e.origin;
      nlohmann::json sizes = nlohmann::json::array();
      for (int bytes : kPayloadSizes) {
        if (e.runner(bytes) != nullptr) sizes.push_back(bytes);
      }
      queue["item_bytes"] = sizes;
      doc["queues"].push_back(std::move(queue));
    }
    for (const auto& s : scenarios) doc["scenarios"].push_back(s.path.string());
    fmt::print("{}\n", doc.dump(2));
    return 0;
  }
  // The name column fits the longest name (the peers' run to 22 characters).
  std::size_t name_width = 5;
  for (const auto& e : queue_table()) name_width = std::max(name_width, e.traits.name.size());
  fmt::print("{:<{}} {:<8} {:<5} {:<5} {:<14} {:<18} {:<23} {}\n", "queue", name_width, "bounded", "prod",
             "cons", "progress", "order", "capacity", "origin");
  for (const auto& e : queue_table()) {
    const auto& t = e.traits;
    // A plugin may take only some item sizes; say which, beside the origin.
    std::string sizes;
    for (int bytes : kPayloadSizes) {
      if (e.runner(bytes) != nullptr) sizes += fmt::format("{}{}", sizes.empty() ? "" : ",", bytes);
    }
    const bool all_sizes = sizes == "8,64,256";
    // The kind, and a plugin's number in the list under the table, so the
    // table stays within 120 columns; --json has each queue's path.
    std::string origin = e.origin.substr(0, e.origin.find(' '));
    for (std::size_t i = 0; i < loaded_plugins().size(); ++i) {
      if (e.origin == "plugin " + loaded_plugins()[i].path) origin = fmt::format("plugin {}", i + 1);
    }
    fmt::print("{:<{}} {:<8} {:<5} {:<5} {:<14} {:<18} {:<23} {}{}\n", t.name, name_width, t.bounded ? "yes" : "no",
               to_string(t.producers), to_string(t.consumers), to_string(t.progress), to_string(t.order),
               t.capacity_required ? fmt::format("required (default {})", e.default_capacity) : "optional", origin,
               all_sizes ? "" : fmt::format(" (items of {} B only)", sizes));
  }
  if (!loaded_plugins().empty()) fmt::print("\nplugins:\n");
  for (std::size_t i = 0; i < loaded_plugins().size(); ++i) {
    const auto& p = loaded_plugins()[i];
    fmt::print("  {}  {}\n     {}, ABI {}{}\n", i + 1, p.path, p.version, p.abi_version,
               p.bundled ? ", bundled (loaded without --plugin)" : "");
  }
  // Each once, by the name `qbench run -s NAME` takes, and the file it reads.
  fmt::print("\nscenarios{}\n", scenarios.empty() ? ": none found" : " (qbench run -s NAME):");
  std::size_t scenario_width = 0;
  for (const auto& s : scenarios) scenario_width = std::max(scenario_width, s.name.size());
  for (const auto& s : scenarios) fmt::print("  {:<{}}  {}\n", s.name, scenario_width, s.path.string());
  return 0;
}

}  // namespace qb
