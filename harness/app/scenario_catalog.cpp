#include "harness/app/scenario_catalog.hpp"

#include <map>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/model/closest_name.hpp"
#include "harness/model/usage_error.hpp"

namespace qb {

namespace fs = std::filesystem;

std::vector<ScenarioFile> scenario_files() {
  std::map<std::string, fs::path> found;
  for (const auto& dir : {fs::path("scenarios"), fs::path(QB_SOURCE_DIR) / "scenarios"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".json") continue;
      // emplace keeps the first folder's file: a copy of the tree shows once.
      found.emplace(entry.path().stem().string(), fs::weakly_canonical(entry.path(), ec));
    }
  }
  std::vector<ScenarioFile> files;
  for (auto& [name, path] : found) files.push_back({name, std::move(path)});
  return files;
}

fs::path find_scenario(std::string_view text) {
  const fs::path given(text);
  std::error_code ec;
  if (!text.empty() && fs::exists(given, ec) && !fs::is_directory(given, ec)) return given;
  std::vector<std::string> names;
  const auto files = scenario_files();
  // A name has no folder in it; "quick.json" is the name "quick" too.
  if (given.has_filename() && given.parent_path().empty()) {
    const std::string name = given.extension() == ".json" ? given.stem().string() : given.string();
    for (const auto& f : files) {
      if (f.name == name) return f.path;
      names.push_back(f.name);
    }
    if (const auto meant = closest_name(name, names)) {
      throw UsageError(fmt::format("--scenario: no file or scenario named '{}'; did you mean {}? ('qbench list' "
                                   "shows them)", text, *meant));
    }
    throw UsageError(fmt::format("--scenario: no file or scenario named '{}' (scenarios: {})", text,
                                 fmt::join(names, ", ")));
  }
  throw UsageError(fmt::format("--scenario: cannot read '{}'", text));
}

}  // namespace qb
