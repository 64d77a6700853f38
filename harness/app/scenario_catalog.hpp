// The scenarios a user can name: scenarios/*.json in the working directory
// (a copy of the tree, or the user's own), then in the source tree qbench was
// built from. `qbench list` shows them by name and `qbench run -s NAME` finds
// them by that name; a name in both folders is the working directory's.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

struct ScenarioFile {
  std::string name;             // the file's stem: "quick"
  std::filesystem::path path;   // where it was found, made absolute
};

// Each name once, in name order.
std::vector<ScenarioFile> scenario_files();

// --scenario's value: a file that exists, else a name scenario_files() has
// ("quick", or "quick.json"). Throws UsageError naming the value and the
// closest name.
std::filesystem::path find_scenario(std::string_view text);

}  // namespace qb
