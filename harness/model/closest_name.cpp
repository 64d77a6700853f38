#include "harness/model/closest_name.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace qb {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // The optimal-string-alignment distance: three rows, the one before last
  // for a transposition.
  std::vector<std::size_t> before(b.size() + 1), last(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) last[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = lower(a[i - 1]) == lower(b[j - 1]);
      row[j] = std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
    std::swap(before, last);
    std::swap(last, row);
  }
  return last[b.size()];
}

std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& candidates) {
  if (typed.empty()) return std::nullopt;
  // Past a third of the name in edits, the "closest" is a guess: "xyz" is as
  // near "seed" as anything else.
  const std::size_t limit = std::clamp<std::size_t>(typed.size() / 3, 1, 3);
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const auto& name : candidates) {
    // The length difference alone bounds the distance from below: a long
    // fuzzed word costs nothing against short names.
    const std::size_t gap = name.size() > typed.size() ? name.size() - typed.size() : typed.size() - name.size();
    if (gap >= best_distance || name == typed) continue;
    const std::size_t d = edit_distance(typed, name);
    if (d < best_distance) {
      best = &name;
      best_distance = d;
    }
  }
  if (best != nullptr) return *best;
  if (typed.size() < 3) return std::nullopt;
  const std::string* only = nullptr;
  for (const auto& name : candidates) {
    if (!starts_with_ignoring_case(name, typed)) continue;
    if (only != nullptr) return std::nullopt;  // ambiguous
    only = &name;
  }
  if (only != nullptr) return *only;
  return std::nullopt;
}

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates) {
  const auto name = closest_name(typed, candidates);
  return name ? fmt::format("; did you mean {}?", *name) : std::string();
}

}  // namespace qb
