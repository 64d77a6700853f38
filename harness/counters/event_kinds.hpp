// The events qbench can count and the status of one count: the vocabulary
// harness/counters/counters.hpp reads with and harness/counters/reasons.hpp
// explains. Implemented in events.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace qb {

enum class CounterEvent {
  cycles,
  instructions,
  cache_references,
  cache_misses,
  l1d_load_misses,
  llc_load_misses,
  task_clock,
  context_switches,
  cpu_migrations,
  page_faults,
  native,  // a native PMU event: EventReading::native names it; not in counter_events()
};

enum class CounterGroup { hardware, cache, software, native };

struct CounterEventInfo {
  CounterEvent event;
  std::string_view name;  // perf's spelling: "cycles", "L1-dcache-load-misses"
  CounterGroup group;
  std::uint32_t type;    // perf_event_attr.type
  std::uint64_t config;  // perf_event_attr.config
  bool kernel_only;      // happens in kernel context: reads 0 under exclude_kernel
  std::uint64_t config1 = 0;  // perf_event_attr.config1 and config2: a native event's extra
  std::uint64_t config2 = 0;  // fields (offcore response masks and the like)
};

// Every generic event, group by group, each group's leader first.
std::span<const CounterEventInfo> counter_events();
const CounterEventInfo& counter_event_info(CounterEvent event);  // not for CounterEvent::native
std::string_view to_string(CounterEvent event);
std::optional<CounterEvent> counter_event_from_name(std::string_view name);  // case-insensitive

// ok: counted (value scaled when multiplexed). not_supported: no PMU or kernel
// support (ENOENT, EOPNOTSUPP, ...). permission_denied: EACCES or EPERM, the
// reason names perf_event_paranoid and what to change. not_counted: opened
// but never ran on a counter. error: anything else, with strerror's text.
enum class CounterStatus { ok, not_supported, permission_denied, not_counted, error };
std::string_view to_string(CounterStatus status);
std::optional<CounterStatus> counter_status_from_name(std::string_view name);

}  // namespace qb
