// Sums the worker threads' counter readings per role and overall, and turns
// the sums into the run's "counters" JSON block with per-item figures.
//
// A total has a value only when every thread that reported the event counted
// it: a sum with a thread missing would be an undercount that looks like a
// measurement. Otherwise the first failing thread's status and reason stand
// for the total.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/counters/counters.hpp"

namespace qb {

enum class CounterRole { producer, consumer };

struct EventTotal {
  CounterEvent event = CounterEvent::cycles;
  std::string native;  // a native event's name (event == CounterEvent::native)
  int threads = 0;                    // threads that reported the event
  int threads_counted = 0;            // ... with status ok
  std::array<int, 2> role_threads{};  // by CounterRole
  double sum = 0;                     // scaled values of the ok threads
  std::array<double, 2> role_sum{};
  std::uint64_t raw = 0, time_enabled_ns = 0, time_running_ns = 0;  // ok threads, summed
  std::string source;           // "perf_event", "getrusage", or both joined by '+'
  bool exclude_kernel = false;  // some thread counted user space only
  std::string note;             // a fallback's explanation (the first one seen)
  // The first thread that could not count it.
  CounterStatus failure = CounterStatus::ok;
  std::string failure_reason;
  int failure_errno = 0;

  CounterStatus status() const;                              // not_counted when no thread reported it
  std::string reason() const;                                // non-empty whenever status() != ok
  std::optional<double> value() const;                       // nullopt unless ok
  std::optional<double> role_value(CounterRole role) const;  // nullopt unless ok and the role has threads
  std::optional<double> running_fraction() const;            // summed running / summed enabled
};

struct CounterTotals {
  CounterSelection selection;
  std::vector<EventTotal> events;  // one per selected event, in the selection's order

  explicit CounterTotals(CounterSelection selected);
  // Events the selection lacks are ignored.
  void add(CounterRole role, const ThreadCounterReading& reading);
  const EventTotal* find(CounterEvent event) const;       // nullptr if not selected
  std::optional<double> value(CounterEvent event) const;  // the ok overall total
};

// {"selection", "scope", "events": {name: {status, reason, errno, source,
// exclude_kernel, value, raw, time_enabled_ns, time_running_ns,
// running_fraction, threads, threads_counted, by_role{producers, consumers}}},
// "per_item": {cycles, instructions, ipc, cache_misses, l1d_misses,
// llc_misses, context_switches}}. Figures that cannot be had are null: an
// uncounted event, or items == 0; ipc needs both instructions and cycles.
// Native events (--counters MEM_LOAD_RETIRED.L3_MISS) add "per_item_native":
// {name: value per item or null}.
nlohmann::json counters_json(const CounterTotals& totals, std::uint64_t items);

// A repetition's "counters" block from its workers' counters (the first
// `producers` are producers; an empty slot is a thread that counted nothing):
// {"selection", "readings": [{"role", "reading"}...], "per_item" (and
// "per_item_native") as counters_json gives them}. The totals follow from
// the readings, so only the per-item figures are kept beside them.
nlohmann::json repetition_counters(const CounterSelection& selection,
                                   const std::vector<std::optional<ThreadCounters>>& counters, int producers,
                                   std::uint64_t items);

// What each selected event gives on this machine, probed once by opening,
// starting and stopping the counters on the calling thread: the results
// file's context.counters, {"selection", "probe", "events": {name: {status,
// reason, errno, source}}}. Runs and repetitions then leave out a reason
// that says the same (result_json.cpp), so it is stated once per file.
nlohmann::json counter_availability(const CounterSelection& selection, PerfBackend& backend = real_perf_backend());

}  // namespace qb
