// The "did you mean" of every message about a name a user typed: an option,
// a queue, a scenario, a scenario key, a workload kind, a choice. One rule,
// so that every misspelling is met the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

// Edits (insert, delete, substitute, swap two neighbours; case ignored)
// from `a` to `b`: "rnu" is one from "run".
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate `typed` is most likely a misspelling of: the nearest within
// a third of its length in edits (at least one, at most three: "placment"
// is 1 from "placement", "sequence-ring" 1 from "sequence_ring"), else the
// one candidate it begins (an abbreviation, 3 characters or more); nullopt
// when none is near enough to be worth saying. Ties go to the earlier
// candidate.
std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& candidates);

// "; did you mean NAME?" or "", for the end of a message.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace qb
