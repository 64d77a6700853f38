// ThreadCounters: opening the groups, the status and reason of every failure,
// start/stop, and the scaled reading of a window.
#include "harness/counters/counters.hpp"

#include <linux/perf_event.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "harness/counters/reasons.hpp"

namespace qb {
namespace {

using Failure = detail::CounterFailure;

constexpr std::uint64_t kReadFormat =
    PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING | PERF_FORMAT_ID;
// No group can hold more than every generic event, nor more than the native
// events a selection may name.
constexpr std::size_t kMaxMembers = 10;
static_assert(kMaxNativeEvents <= kMaxMembers);

// One PERF_FORMAT_GROUP read: {nr, time_enabled, time_running, {value, id} x nr}.
struct GroupSample {
  std::array<std::uint64_t, 3 + 2 * kMaxMembers> words{};
  std::size_t nr() const { return static_cast<std::size_t>(words[0]); }
  std::uint64_t enabled() const { return words[1]; }
  std::uint64_t running() const { return words[2]; }
  std::uint64_t value(std::size_t i) const { return words[3 + 2 * i]; }
  std::uint64_t id(std::size_t i) const { return words[4 + 2 * i]; }
};

// Fills `out`; nullopt on success, else why the read gave nothing usable.
std::optional<detail::CounterFailure> sample_group(PerfBackend& backend, int leader_fd, std::size_t members,
                                                   GroupSample& out) {
  const std::size_t want = (3 + 2 * members) * sizeof(std::uint64_t);
  const ssize_t got = backend.read(leader_fd, out.words.data(), want);
  if (got < 0) {
    const int e = static_cast<int>(-got);
    return {{CounterStatus::error,
             fmt::format("reading the group failed: {} ({})", errno_name(e), errno_text(e)), e}};
  }
  // A pinned group the PMU cannot fit reads as end of file.
  if (got == 0)
    return {
        {CounterStatus::not_counted, "the group could not be scheduled on the PMU (read returned 0 bytes)"}};
  const auto bytes = static_cast<std::size_t>(got);
  if (bytes < 3 * sizeof(std::uint64_t) || out.nr() > members ||
      bytes < (3 + 2 * out.nr()) * sizeof(std::uint64_t))
    return {
        {CounterStatus::error, fmt::format("malformed group read: {} bytes for {} events", got, members)}};
  return std::nullopt;
}

std::uint64_t rusage_count(CounterEvent event, const rusage& usage) {
  // Voluntary (blocked, slept, yielded) plus involuntary (preempted), as
  // the context-switches event counts them; minor plus major faults.
  if (event == CounterEvent::context_switches)
    return static_cast<std::uint64_t>(usage.ru_nvcsw + usage.ru_nivcsw);
  return static_cast<std::uint64_t>(usage.ru_minflt + usage.ru_majflt);
}

EventReading failed_reading(CounterEvent event, const std::string& native, bool exclude_kernel,
                            CounterStatus status, std::string reason, int error_number) {
  EventReading r;
  r.event = event;
  r.native = native;
  r.status = status;
  r.reason = std::move(reason);
  r.error_number = error_number;
  r.exclude_kernel = exclude_kernel;
  return r;
}

}  // namespace

ThreadCounters::ThreadCounters(const CounterSelection& selection, PerfBackend& backend)
    : backend_(backend), selected_(selection.events), native_(selection.native) {
  if (selection.empty()) return;
  paranoid_ = backend_.paranoid();
  for (const auto& info : counter_events())
    if (selection.has(info.event)) open_event(info);
  for (const NativeEvent& n : native_) {
    if (!n.problem.empty()) {
      unopened_.push_back(
          failed_reading(CounterEvent::native, n.name, false, CounterStatus::not_supported, n.problem, 0));
      continue;
    }
    const CounterEventInfo info{CounterEvent::native, n.name, CounterGroup::native, n.type, n.config, false,
                                n.config1, n.config2};
    open_event(info, n.name);
  }
}

ThreadCounters::~ThreadCounters() {
  for (auto& group : groups_)
    for (auto it = group.members.rbegin(); it != group.members.rend(); ++it) backend_.close(it->fd);
}

int ThreadCounters::open_fd(const CounterEventInfo& info, int group_fd, bool exclude_kernel) {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = info.type;
  attr.config = info.config;
  attr.config1 = info.config1;
  attr.config2 = info.config2;
  attr.read_format = kReadFormat;
  // Leaders start disabled so nothing counts before start(); members follow their leader.
  attr.disabled = group_fd < 0 ? 1 : 0;
  attr.exclude_kernel = exclude_kernel ? 1 : 0;
  attr.exclude_hv = exclude_kernel ? 1 : 0;
  return backend_.open(attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

// Kernel and user counting first (switches are only seen that way); on
// EACCES/EPERM, user space only, which paranoid level 2 still allows.
ThreadCounters::OpenOutcome ThreadCounters::open_alone(const CounterEventInfo& info) {
  const int kernel_rc = kernel_denied_errno_ != 0 ? -kernel_denied_errno_ : open_fd(info, -1, false);
  if (kernel_rc >= 0) return {kernel_rc, 0, false};
  if (!is_permission_errno(-kernel_rc) || info.kernel_only) return {-1, -kernel_rc, false};
  const int user_rc = open_fd(info, -1, true);
  // A refusal that user-only counting escapes is about the kernel, for every later event too.
  if (user_rc >= 0 || !is_permission_errno(-user_rc)) kernel_denied_errno_ = -kernel_rc;
  if (user_rc >= 0) return {user_rc, 0, true};
  return {-1, -user_rc, true};
}

void ThreadCounters::open_event(const CounterEventInfo& info, const std::string& native) {
  auto main_group = std::find_if(groups_.begin(), groups_.end(),
                                 [&](const Group& g) { return g.kind == info.group && !g.solo; });
  const bool has_main = main_group != groups_.end();
  if (has_main && !(info.kernel_only && kernel_denied_errno_ != 0)) {
    const bool exclude = !info.kernel_only && main_group->members.front().exclude_kernel;
    const int fd = open_fd(info, main_group->members.front().fd, exclude);
    if (fd >= 0) {
      add_to_group(*main_group, info, native, fd, exclude);
      return;
    }
    // No room in the group (EINVAL), or a mode it cannot take: try it alone.
  }
  const OpenOutcome outcome = open_alone(info);
  if (outcome.fd < 0) {
    record_failure(info, native, outcome);
    return;
  }
  groups_.push_back(Group{info.group, has_main, {}, 0, 0, std::nullopt});
  add_to_group(groups_.back(), info, native, outcome.fd, outcome.exclude_kernel);
}

void ThreadCounters::add_to_group(Group& group, const CounterEventInfo& info, const std::string& native, int fd,
                                  bool exclude_kernel) {
  std::uint64_t id = 0;
  Member member{info.event, native, fd, exclude_kernel, std::nullopt};
  if (backend_.ioctl(fd, PERF_EVENT_IOC_ID, reinterpret_cast<unsigned long>(&id)) >= 0) member.id = id;
  group.members.push_back(member);
}

void ThreadCounters::record_failure(const CounterEventInfo& info, const std::string& native,
                                    const OpenOutcome& outcome) {
  EventReading r = failed_reading(
      info.event, native, outcome.exclude_kernel, status_for_open_errno(outcome.error),
      open_failure_reason(info, outcome.error, !outcome.exclude_kernel, paranoid_), outcome.error);
  if (info.event == CounterEvent::context_switches || info.event == CounterEvent::page_faults) {
    // The thread's own rusage counts these too, so the figure survives.
    r.status = CounterStatus::ok;
    r.source = "getrusage";
    r.reason = fmt::format("counted by getrusage(RUSAGE_THREAD) because the perf event is unavailable: {}",
                           r.reason);
    use_rusage_ = true;
  }
  unopened_.push_back(std::move(r));
}

void ThreadCounters::start() {
  if (use_rusage_) rusage_error_ = -backend_.thread_rusage(rusage_start_);
  window_start_ = std::chrono::steady_clock::now();
  for (auto& group : groups_) {
    const int leader = group.members.front().fd;
    // RESET zeroes the counts but not the two times, so the times are
    // snapshotted while the group is still disabled and read() subtracts them.
    GroupSample sample;
    group.control = sample_group(backend_, leader, group.members.size(), sample);
    if (!group.control) {
      group.enabled_at_start = sample.enabled();
      group.running_at_start = sample.running();
    }
    for (const unsigned long request : {PERF_EVENT_IOC_RESET, PERF_EVENT_IOC_ENABLE}) {
      const int rc = backend_.ioctl(leader, request, PERF_IOC_FLAG_GROUP);
      if (rc < 0 && !group.control) {
        group.control = Failure{
            CounterStatus::error,
            fmt::format("ioctl {} failed: {} ({})", request == PERF_EVENT_IOC_RESET ? "RESET" : "ENABLE",
                        errno_name(-rc), errno_text(-rc)),
            -rc};
      }
    }
  }
  started_ = true;
  stopped_ = false;
}

void ThreadCounters::stop() {
  for (auto& group : groups_) {
    const int rc = backend_.ioctl(group.members.front().fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
    if (rc < 0 && !group.control) {
      group.control =
          Failure{CounterStatus::error,
                  fmt::format("ioctl DISABLE failed: {} ({})", errno_name(-rc), errno_text(-rc)), -rc};
    }
  }
  window_stop_ = std::chrono::steady_clock::now();
  if (use_rusage_ && rusage_error_ == 0) rusage_error_ = -backend_.thread_rusage(rusage_stop_);
  stopped_ = true;
}

void ThreadCounters::read_group(const Group& group, std::vector<EventReading>& out) const {
  auto fail_all = [&](const Failure& f) {
    for (const auto& m : group.members)
      out.push_back(failed_reading(m.event, m.native, m.exclude_kernel, f.status, f.reason, f.error_number));
  };
  if (!started_) return fail_all({CounterStatus::not_counted, "never enabled: start() was not called"});
  if (group.control) return fail_all(*group.control);
  GroupSample sample;
  if (auto failure = sample_group(backend_, group.members.front().fd, group.members.size(), sample))
    return fail_all(*failure);
  const std::uint64_t enabled = sample.enabled() - group.enabled_at_start;
  const std::uint64_t running = sample.running() - group.running_at_start;
  if (running == 0)
    return fail_all({CounterStatus::not_counted,
                     fmt::format("never scheduled during the window (running 0 of {} ns enabled): other "
                                 "events or the NMI watchdog held the PMU's counters",
                                 enabled)});
  for (std::size_t i = 0; i < group.members.size(); ++i) {
    const Member& m = group.members[i];
    std::optional<std::size_t> slot;
    for (std::size_t k = 0; k < sample.nr() && !slot; ++k)
      if (m.id ? sample.id(k) == *m.id : k == i) slot = k;
    if (!slot) {
      out.push_back(failed_reading(m.event, m.native, m.exclude_kernel, CounterStatus::error,
                                   "missing from its group's read", 0));
      continue;
    }
    EventReading r = failed_reading(m.event, m.native, m.exclude_kernel, CounterStatus::ok, {}, 0);
    r.raw = sample.value(*slot);
    r.time_enabled_ns = enabled;
    r.time_running_ns = running;
    // Multiplexed: the count covers running/enabled of the window; scale it up to the whole.
    r.running_fraction = static_cast<double>(running) / static_cast<double>(enabled);
    r.value = static_cast<double>(r.raw) / *r.running_fraction;
    out.push_back(std::move(r));
  }
}

void ThreadCounters::fill_from_rusage(EventReading& r) const {
  if (!started_) {
    r.status = CounterStatus::not_counted;
    r.reason = "never enabled: start() was not called";
    return;
  }
  // Before stop(), "now" is the calling thread's usage: RUSAGE_THREAD knows no other.
  rusage end_usage = rusage_stop_;
  int error_number = rusage_error_;
  if (!stopped_ && error_number == 0) error_number = -backend_.thread_rusage(end_usage);
  if (error_number != 0) {
    r.status = CounterStatus::error;
    r.error_number = error_number;
    r.reason = fmt::format("getrusage(RUSAGE_THREAD) failed: {} ({})", errno_name(error_number),
                           errno_text(error_number));
    return;
  }
  const auto end = stopped_ ? window_stop_ : std::chrono::steady_clock::now();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end - window_start_).count();
  r.raw = rusage_count(r.event, end_usage) - rusage_count(r.event, rusage_start_);
  r.value = static_cast<double>(r.raw);
  r.time_enabled_ns = r.time_running_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0));
  r.running_fraction = 1.0;
}

ThreadCounterReading ThreadCounters::read() const {
  std::vector<EventReading> all;
  for (const auto& group : groups_) read_group(group, all);
  for (EventReading r : unopened_) {
    if (r.source == "getrusage") fill_from_rusage(r);
    all.push_back(std::move(r));
  }
  ThreadCounterReading reading;
  auto take = [&](CounterEvent event, const std::string& native) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const EventReading& r) { return r.event == event && r.native == native; });
    if (it != all.end()) reading.events.push_back(std::move(*it));
  };
  for (const CounterEvent event : selected_) take(event, {});
  for (const NativeEvent& n : native_) take(CounterEvent::native, n.name);
  return reading;
}

}  // namespace qb
