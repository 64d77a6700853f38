// A scriptable PerfBackend for tests: each event can be made to fail to open
// (always, only when counting kernel time, only as a group member), to be
// multiplexed (running < enabled) or never scheduled (running 0), or to fail
// its group read. Descriptors are plain integers; nothing reaches the kernel.
// A native event (an attr no generic event has) is looked up by its type and
// config in `native`.
#pragma once

#include <linux/perf_event.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "harness/counters/counters.hpp"
#include "harness/counters/perf_backend.hpp"

namespace qb {

// How the fake treats one event.
struct FakePerfEvent {
  int open_errno = 0;    // open fails with this, whatever the mode
  int kernel_errno = 0;  // ... only when counting kernel time too
  int member_errno = 0;  // ... only when joining a group
  std::uint64_t raw = 1000;
  std::uint64_t enabled_ns = 1'000'000, running_ns = 1'000'000;  // the group's times, when it leads
  int read_errno = 0;
};

class FakePerfBackend final : public PerfBackend {
 public:
  std::map<CounterEvent, FakePerfEvent> events;
  std::map<std::pair<std::uint32_t, std::uint64_t>, FakePerfEvent> native;  // by {type, config}
  std::optional<int> paranoid_level = 2;
  struct Attempt {
    CounterEvent event;
    bool exclude_kernel;
    int group_fd;
    std::uint64_t config1 = 0;
  };
  std::vector<Attempt> attempts;

  int live_fds() const { return static_cast<int>(fds_.size()); }

  int open(const perf_event_attr& attr, pid_t, int, int group_fd, unsigned long) override {
    CounterEvent event = CounterEvent::cycles;
    for (const auto& info : counter_events())
      if (info.type == attr.type && info.config == attr.config) event = info.event;
    const auto native_it = native.find({attr.type, attr.config});
    if (native_it != native.end()) event = CounterEvent::native;
    attempts.push_back({event, attr.exclude_kernel != 0, group_fd, attr.config1});
    const FakePerfEvent& f = native_it != native.end() ? native_it->second : events[event];
    if (f.open_errno != 0) return -f.open_errno;
    if (attr.exclude_kernel == 0 && f.kernel_errno != 0) return -f.kernel_errno;
    if (group_fd >= 0 && f.member_errno != 0) return -f.member_errno;
    const int fd = next_fd_++;
    fds_[fd] = {&f, group_fd < 0 ? fd : group_fd, 500 + static_cast<std::uint64_t>(fd), false};
    return fd;
  }
  int ioctl(int fd, unsigned long request, unsigned long arg) override {
    if (fds_.count(fd) == 0) return -EBADF;
    if (request == PERF_EVENT_IOC_ID) *reinterpret_cast<std::uint64_t*>(arg) = fds_[fd].id;
    if (request == PERF_EVENT_IOC_ENABLE) fds_[fds_[fd].leader].enabled = true;
    return 0;
  }
  ssize_t read(int fd, void* buf, std::size_t bytes) override {
    const FakePerfEvent& lead = *fds_.at(fd).config;
    if (lead.read_errno != 0) return -lead.read_errno;
    const bool on = fds_[fd].enabled;  // times and counts stay 0 until the first ENABLE
    std::vector<std::uint64_t> words{0, on ? lead.enabled_ns : 0, on ? lead.running_ns : 0};
    // Newest member first: the ids, not the order, must route the values.
    for (auto it = fds_.rbegin(); it != fds_.rend(); ++it) {
      if (it->second.leader != fd) continue;
      ++words[0];
      words.push_back(on ? it->second.config->raw : 0);
      words.push_back(it->second.id);
    }
    if (words.size() * sizeof(std::uint64_t) > bytes) return -ENOSPC;
    std::memcpy(buf, words.data(), words.size() * sizeof(std::uint64_t));
    return static_cast<ssize_t>(words.size() * sizeof(std::uint64_t));
  }
  int close(int fd) override { return fds_.erase(fd) == 1 ? 0 : -EBADF; }
  int thread_rusage(rusage& out) override {
    ++rusage_calls_;  // 10 switches and 3 faults between any two calls
    out = rusage{};
    out.ru_nvcsw = 6 * rusage_calls_;
    out.ru_nivcsw = 4 * rusage_calls_;
    out.ru_minflt = 3 * rusage_calls_;
    return 0;
  }
  std::optional<int> paranoid() override { return paranoid_level; }

 private:
  struct Fd {
    const FakePerfEvent* config;  // std::map's elements stay put
    int leader;
    std::uint64_t id;
    bool enabled;
  };
  std::map<int, Fd> fds_;
  int next_fd_ = 3;
  long rusage_calls_ = 0;
};

}  // namespace qb
