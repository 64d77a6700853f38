// The line under the table for --batch N (N > 1): how many items a call the
// window's pushes and pops moved, whose calls they were (native: the queue's
// own bulk calls; looped: one try_push / try_pop an item, by the harness),
// and how many calls were partial (moved some of the items asked, not all).
#pragma once

#include <string>
#include <vector>

#include "harness/model/run_types.hpp"

namespace qb {

// "" when every point moved one item a call.
std::string batch_line(const std::vector<PointResult>& points);

}  // namespace qb
