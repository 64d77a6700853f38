// --placement: how worker threads are pinned to CPUs (Topology::cpu_map).
// none: not pinned; compact: SMT siblings, then cores, then packages;
// scatter: one thread per core first, round-robin over packages.
#pragma once

#include <optional>
#include <string_view>

namespace qb {

enum class Placement { none, compact, scatter };

constexpr std::string_view to_string(Placement p) {
  switch (p) {
    case Placement::none: return "none";
    case Placement::compact: return "compact";
    case Placement::scatter: return "scatter";
  }
  return "invalid";  // only for a value cast from an out-of-range integer
}

constexpr std::optional<Placement> parse_placement(std::string_view name) {
  for (Placement p : {Placement::none, Placement::compact, Placement::scatter}) {
    if (name == to_string(p)) return p;
  }
  return std::nullopt;
}

}  // namespace qb
