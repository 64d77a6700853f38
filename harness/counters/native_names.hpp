// The event names libpfm4 knows: every PMU table compiled into it, for the
// CPUs this machine has and for all the others. An event of another CPU
// (MEM_LOAD_RETIRED.L3_MISS on an AMD machine, or on a VM without a PMU) is
// known but cannot be counted here: a status. A name in no table
// (bogus-event) is a mistake: --counters refuses it, with the closest names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qb {

// Whether some PMU table of libpfm4 has `name`: EVENT, EVENT:UMASK:mod=value
// or perf's EVENT.UMASK, optionally after "pmu::", case-insensitive as
// libpfm4 is; every part after the event must be one of its attributes.
// True when libpfm4 could not start (it cannot then say no).
bool libpfm4_knows(std::string_view name);

// Up to `count` names nearest `name` by edit distance: the generic events,
// the events of the PMUs libpfm4 found here (perf's generic and software
// ones at least), and, when the event is known but an attribute is not,
// that event's attributes (MEM_LOAD_RETIRED.L3_MISS for
// MEM_LOAD_RETIRED.L3_MIS). Nearest first; ties in that order.
std::vector<std::string> libpfm4_closest(std::string_view name, std::size_t count = 3);

}  // namespace qb
