// Hardware and software event counters for one worker thread, through
// perf_event_open. Each worker opens its own counters (pid 0, cpu -1, no
// inherit), so the coordinator is never counted and producers and consumers
// can be told apart; the counters run only between start() and stop().
//
// Counters never fail a run: an event that cannot be counted carries a status
// and a reason instead of a value. On machines without a hardware PMU (every
// VM we have) the hardware events say not_supported and the software events
// still count.
//
// Groups, each co-scheduled so that ratios inside it are valid:
//   hardware: cycles (leader), instructions, cache-references, cache-misses
//             (four events: the general counters most Intel cores have per
//             SMT thread, one of which the NMI watchdog may hold)
//   cache:    L1-dcache-load-misses, LLC-load-misses
//   software: task-clock, context-switches, cpu-migrations, page-faults
//             (a group of their own, so they survive a missing PMU)
//   native:   the PMU's own events that --counters names beyond these
//             (MEM_LOAD_RETIRED.L3_MISS, r003c), encoded by libpfm4 once per
//             run (counters_native.cpp), in a group of their own
// An event the kernel will not put in its group gets a group of its own; an
// event that cannot be opened at all does not stop the others, leader
// included: the next event of the group leads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/counters/event_kinds.hpp"
#include "harness/counters/native.hpp"
#include "harness/counters/perf_backend.hpp"

namespace qb {

// What --counters asked for.
struct CounterSelection {
  std::string spec;                  // "default", "none", or the events as a canonical list
  std::vector<CounterEvent> events;  // generic ones, canonical order, no duplicates; empty for "none"
  std::vector<NativeEvent> native;   // in the order given, no duplicates, after `events` in spec

  bool empty() const { return events.empty() && native.empty(); }
  std::size_t size() const { return events.size() + native.size(); }
  bool has(CounterEvent event) const;
};

CounterSelection default_counter_selection();  // every event above
CounterSelection none_counter_selection();     // "none": no event

// "default", "none" or a comma-separated list of events: the generic names
// above (case-insensitive), and any other name is a native event, which
// libpfm4 encodes there and then (NativeEvent::problem says why one cannot
// be counted here; that is a status, not an error). nullopt for a malformed
// list (an empty entry, a character no event name has, "all", a near miss of
// a generic name such as "cyclez") and for a name no table of libpfm4's has
// (bogus-event; native_names.hpp); `error`, when given, then says which
// value is wrong and lists the valid names, or the closest ones.
std::optional<CounterSelection> parse_counter_selection(std::string_view text, std::string* error = nullptr);

// One event of one thread over its window.
struct EventReading {
  CounterEvent event = CounterEvent::cycles;
  std::string native;  // the native event's name when event == CounterEvent::native
  CounterStatus status = CounterStatus::not_counted;
  std::string source = "perf_event";  // or "getrusage" (the fallback for switches and faults)
  std::string reason;                 // why, whenever status != ok or the source is a fallback
  int error_number = 0;               // the errno behind a failure, 0 if none
  bool exclude_kernel = false;        // counted user space only (paranoid forbade kernel)
  std::optional<double> value;        // raw * enabled / running; nullopt unless ok
  std::uint64_t raw = 0;
  std::uint64_t time_enabled_ns = 0;
  std::uint64_t time_running_ns = 0;
  std::optional<double> running_fraction;  // running / enabled; nullopt unless ok
};

// The name an event goes by in JSON and tables: perf's for a generic event,
// the user's for a native one.
std::string_view event_name(CounterEvent event, const std::string& native);
inline std::string_view event_name(const EventReading& r) { return event_name(r.event, r.native); }

// What ThreadCounters::read() gives: one entry per selected event, in the
// selection's order. Plain data, so a forked child can send it as JSON.
struct ThreadCounterReading {
  std::vector<EventReading> events;
  const EventReading* find(CounterEvent event) const;  // nullptr if not selected
  const EventReading* find(std::string_view name) const;  // by event_name
};

void to_json(nlohmann::json& j, const EventReading& r);
void from_json(const nlohmann::json& j, EventReading& r);  // a name not generic is native; throws on unknown statuses
void to_json(nlohmann::json& j, const ThreadCounterReading& r);
void from_json(const nlohmann::json& j, ThreadCounterReading& r);

namespace detail {
// Why a whole group has no values, for every member's reading.
struct CounterFailure {
  CounterStatus status;
  std::string reason;
  int error_number = 0;
};
}  // namespace detail

// The counters of the thread that constructs it. Build it on the worker
// itself (after pinning, before the start barrier: opening costs a few
// system calls per event), call start() when the measured window opens,
// stop() when it closes, then read(). Never throws for counter problems:
// they become statuses. Neither copyable nor movable (it owns file
// descriptors); use std::optional::emplace to build one in place.
class ThreadCounters {
 public:
  explicit ThreadCounters(const CounterSelection& selection, PerfBackend& backend = real_perf_backend());
  ~ThreadCounters();
  ThreadCounters(const ThreadCounters&) = delete;
  ThreadCounters& operator=(const ThreadCounters&) = delete;

  // start() and stop() belong to the owning thread (getrusage(RUSAGE_THREAD)
  // sees only its caller); read() after stop() may come from any thread.
  void start();                       // reset and enable every group; snapshot getrusage if it is a source
  void stop();                        // disable every group; snapshot getrusage again
  ThreadCounterReading read() const;  // the window start()..stop() (..now, if not stopped)

 private:
  struct Member {
    CounterEvent event;
    std::string native;  // its name, for a native event
    int fd;
    bool exclude_kernel;
    std::optional<std::uint64_t> id;  // PERF_EVENT_IOC_ID; position in the group when absent
  };
  using Failure = detail::CounterFailure;
  struct Group {
    CounterGroup kind;
    bool solo = false;            // an event its kind's group would not take
    std::vector<Member> members;  // members.front() leads
    std::uint64_t enabled_at_start = 0, running_at_start = 0;
    std::optional<Failure> control;  // a failed start/stop ioctl or snapshot, for read()
  };
  struct OpenOutcome {
    int fd = -1;    // >= 0 on success
    int error = 0;  // errno of the attempt that decided
    bool exclude_kernel = false;
  };

  void open_event(const CounterEventInfo& info, const std::string& native = {});
  OpenOutcome open_alone(const CounterEventInfo& info);
  int open_fd(const CounterEventInfo& info, int group_fd, bool exclude_kernel);
  void add_to_group(Group& group, const CounterEventInfo& info, const std::string& native, int fd,
                    bool exclude_kernel);
  void record_failure(const CounterEventInfo& info, const std::string& native, const OpenOutcome& outcome);
  void read_group(const Group& group, std::vector<EventReading>& out) const;
  void fill_from_rusage(EventReading& r) const;

  PerfBackend& backend_;
  std::vector<CounterEvent> selected_;
  std::vector<NativeEvent> native_;
  std::vector<Group> groups_;
  std::vector<EventReading> unopened_;  // failures and getrusage events, status set at open
  std::optional<int> paranoid_;
  int kernel_denied_errno_ = 0;  // learnt once, so later events skip the doomed attempt
  bool use_rusage_ = false;
  rusage rusage_start_{}, rusage_stop_{};
  int rusage_error_ = 0;
  std::chrono::steady_clock::time_point window_start_{}, window_stop_{};
  bool started_ = false, stopped_ = false;
};

}  // namespace qb
