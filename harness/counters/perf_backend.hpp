// The operating-system calls behind the counters, as an interface. The real
// backend makes the system calls; tests substitute a fake to inject what our
// machines never produce (a PMU, multiplexing, EACCES, a group that never ran),
// so every status the counters can report is exercised without the hardware.
#pragma once

#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace qb {

// Every call returns -errno on failure instead of setting errno, so a fake
// never has to touch the thread's errno and callers never race to read it.
class PerfBackend {
 public:
  virtual ~PerfBackend() = default;

  // perf_event_open(2): a file descriptor, or -errno.
  virtual int open(const perf_event_attr& attr, pid_t pid, int cpu, int group_fd, unsigned long flags) = 0;
  // ioctl(2) on a perf fd: >= 0, or -errno. PERF_EVENT_IOC_ID passes a
  // std::uint64_t* in `arg`.
  virtual int ioctl(int fd, unsigned long request, unsigned long arg) = 0;
  // read(2): bytes read (0 when a pinned group could not be scheduled), or -errno.
  virtual ssize_t read(int fd, void* buf, std::size_t bytes) = 0;
  virtual int close(int fd) = 0;
  // getrusage(RUSAGE_THREAD) of the calling thread: 0, or -errno.
  virtual int thread_rusage(rusage& out) = 0;
  // /proc/sys/kernel/perf_event_paranoid; nullopt when the file is missing,
  // which is how a kernel without perf events shows itself.
  virtual std::optional<int> paranoid() = 0;
};

// The process-wide real backend (stateless, so one instance serves every thread).
PerfBackend& real_perf_backend();

// "ENOENT", or "errno 1234" for a number glibc cannot name.
std::string errno_name(int error_number);
// strerror's text, thread-safe.
std::string errno_text(int error_number);

}  // namespace qb
