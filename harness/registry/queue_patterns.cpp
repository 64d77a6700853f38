#include "harness/registry/queue_patterns.hpp"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>

#include "harness/model/usage_error.hpp"
#include "harness/registry/peer_catalog.hpp"
#include "queues/peers/catalog.hpp"

namespace qb {

namespace {

bool is_glob(std::string_view pattern) { return pattern.find_first_of("*?[") != std::string_view::npos; }

std::vector<std::string> matches_of(const std::string& pattern, const std::vector<std::string>& registry) {
  if (pattern == "all") return registry;
  std::vector<std::string> hits;
  for (const auto& name : registry) {
    if (fnmatch(pattern.c_str(), name.c_str(), 0) == 0) hits.push_back(name);
  }
  return hits;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::vector<std::string> select_queues(std::string_view option, std::string_view text,
                                       const std::vector<std::string>& registry) {
  const auto known = fmt::format("{}", fmt::join(registry, ", "));
  std::vector<std::string> selected;
  bool first = true;
  for (std::size_t start = 0; start <= text.size();) {
    const auto end = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, end - start);
    start = end + 1;
    const bool exclude = item.starts_with('-');
    const std::string pattern(exclude ? item.substr(1) : item);
    if (pattern.empty()) {
      throw UsageError(fmt::format("{}: '{}' has an empty {}", option, text, exclude ? "exclusion" : "item"));
    }
    if (exclude && first) selected = registry;
    first = false;
    const auto hits = matches_of(pattern, registry);
    if (hits.empty()) {
      if (is_glob(pattern)) {
        throw UsageError(
            fmt::format("{}: '{}' has '{}', which matches no queue of this build (known: {})", option, text, item, known));
      }
      if (exclude && peers::find_peer(pattern) != nullptr) continue;
      throw UsageError(missing_queue_message(option, pattern, registry));
    }
    if (exclude) {
      std::erase_if(selected, [&](const std::string& name) { return contains(hits, name); });
    } else {
      for (const auto& name : hits) {
        if (!contains(selected, name)) selected.push_back(name);
      }
    }
  }
  if (selected.empty()) throw UsageError(fmt::format("{}: '{}' leaves no queue to run", option, text));
  return selected;
}

}  // namespace qb
