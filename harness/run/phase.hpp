// The phases of a repetition (timeline.hpp), in the order they come: a thread
// compares phases with < and >=, so the order of the enumerators is the
// timeline's. Only the controlling thread writes the phase; the workers poll
// it (the memory orders are in timeline_state.hpp).
#pragma once

namespace qb {

enum class Phase : int {
  warmup,   // everyone works, nothing counts
  settle,   // fixed-count runs only: producers wait, consumers drain the warm-up's items
  measure,  // the window: each thread notes its clock and counters when it first sees it
  stop,     // producers stop; consumers stop once every pushed item is popped
};

}  // namespace qb
