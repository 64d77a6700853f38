// The line under the table that says what --counters gave: for exactly the
// events asked for (the default set when none were), each counted one with
// its figure per item, and each one not counted with why.
#pragma once

#include <string>
#include <vector>

#include "harness/model/run_types.hpp"

namespace qb {

// "counted: task-clock 41.2 ns/item, context-switches 0.0012/item; not
// counted: cycles, MEM_LOAD_RETIRED.L3_MISS (no hardware PMU)", from the
// points whose every repetition was ok (the others have no counters). With
// several points each figure is their median ("counted (median of 12
// points): ..."); an event counted at some points only says at how many. Events
// with the same reason are named together, in the selection's order. ""
// when nothing was asked for or no point has counters. One logical line:
// the caller wraps it.
std::string counter_line(const std::vector<PointResult>& points);

// A figure per item in few characters: "0", "0.0012", "3.40", "41.2", "1,234".
std::string per_item_text(double x);

}  // namespace qb
