// Loads queue plugins (include/qbench/queue_plugin.h): dlopen, one call to
// the entry point, every field checked, and the queues added to the queue
// table beside qbench's own. Anything wrong is a UsageError whose one line
// names the plugin and the fault. Plugins stay loaded until the process ends.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace qb {

struct LoadedPlugin {
  std::string path;        // canonical
  std::string sha256;      // of the file, hex
  std::uint32_t abi_version = 0;
  std::string version;     // what the plugin says of itself
  std::vector<std::string> queues;
  bool bundled = false;    // built with qbench (the Rust queues) and loaded without --plugin
};

// Loads `path` unless a plugin at the same canonical path is loaded already.
// `option` names where the path came from in an error ("--plugin",
// "FILE: plugins").
const LoadedPlugin& load_plugin(const std::filesystem::path& path, const std::string& option, bool bundled = false);

// The plugins this build bundles (QB_BUNDLED_PLUGINS at configure time), those
// that exist; one that fails to load is reported on stderr and left out.
void load_bundled_plugins();

const std::deque<LoadedPlugin>& loaded_plugins();

// The results' context.plugins: one object per loaded plugin.
nlohmann::json plugins_json();

}  // namespace qb
