// A native PMU event: what --counters named beyond the generic events, and
// what libpfm4 made of it. Apart from counters.hpp because libpfm4's
// perfmon/perf_event.h and the kernel's linux/perf_event.h cannot both be
// included in one file: counters_native.cpp sees only libpfm4's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace qb {

// A native PMU event as --counters named it and as libpfm4 encoded it.
struct NativeEvent {
  std::string name;        // the user's spelling: "MEM_LOAD_RETIRED.L3_MISS", "r003c"
  std::string encoded_as;  // libpfm4's full name of what it encoded; empty if it could not
  std::uint32_t type = 0;  // perf_event_attr fields, when encoded
  std::uint64_t config = 0, config1 = 0, config2 = 0;
  std::string problem;  // why it cannot be counted on this machine (libpfm4's reason); empty when encoded

  bool operator==(const NativeEvent&) const = default;
};

// The most native events one --counters may name (they share one group,
// and a core has about as many general counters).
constexpr std::size_t kMaxNativeEvents = 8;

// libpfm4's encoding of one native event name, for parse_counter_selection.
// perf's spelling with a dot (MEM_LOAD_RETIRED.L3_MISS) is tried as
// libpfm4's (MEM_LOAD_RETIRED:L3_MISS) too.
NativeEvent encode_native_event(std::string_view name);

}  // namespace qb
