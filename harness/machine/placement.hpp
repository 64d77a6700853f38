// --placement: how worker threads are pinned to CPUs (Topology::cpu_map).
// none: not pinned; compact: SMT siblings, then cores, then packages;
// scatter: one thread per core first, round-robin over packages.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace qb {

enum class Placement { none, compact, scatter };

// Every placement, in the order --help and error messages name them.
inline constexpr std::array kPlacements{Placement::compact, Placement::scatter, Placement::none};

constexpr std::string_view to_string(Placement p) {
  switch (p) {
    case Placement::none: return "none";
    case Placement::compact: return "compact";
    case Placement::scatter: return "scatter";
  }
  return "invalid";  // only for a value cast from an out-of-range integer
}

constexpr std::optional<Placement> parse_placement(std::string_view name) {
  for (Placement p : kPlacements) {
    if (name == to_string(p)) return p;
  }
  return std::nullopt;
}

}  // namespace qb
