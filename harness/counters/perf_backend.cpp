#include "harness/counters/perf_backend.hpp"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace qb {
namespace {

class RealPerfBackend final : public PerfBackend {
 public:
  int open(const perf_event_attr& attr, pid_t pid, int cpu, int group_fd, unsigned long flags) override {
    // glibc has no wrapper for perf_event_open; the attr is only read.
    const long fd = syscall(SYS_perf_event_open, &attr, pid, cpu, group_fd, flags);
    return fd < 0 ? -errno : static_cast<int>(fd);
  }
  int ioctl(int fd, unsigned long request, unsigned long arg) override {
    const int rc = ::ioctl(fd, request, arg);
    return rc < 0 ? -errno : rc;
  }
  ssize_t read(int fd, void* buf, std::size_t bytes) override {
    const ssize_t n = ::read(fd, buf, bytes);
    return n < 0 ? -errno : n;
  }
  int close(int fd) override { return ::close(fd) < 0 ? -errno : 0; }
  int thread_rusage(rusage& out) override { return ::getrusage(RUSAGE_THREAD, &out) < 0 ? -errno : 0; }
  std::optional<int> paranoid() override {
    std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
    int level = 0;
    if (!(in >> level)) return std::nullopt;
    return level;
  }
};

}  // namespace

PerfBackend& real_perf_backend() {
  static RealPerfBackend backend;
  return backend;
}

std::string errno_name(int error_number) {
  // strerrorname_np and strerrordesc_np (glibc 2.32) return static strings,
  // unlike strerror, whose buffer other threads may overwrite.
  if (const char* name = strerrorname_np(error_number)) return name;
  return fmt::format("errno {}", error_number);
}

std::string errno_text(int error_number) {
  if (const char* text = strerrordesc_np(error_number)) return text;
  return fmt::format("unknown error {}", error_number);
}

}  // namespace qb
