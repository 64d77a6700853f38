#include "harness/measure/thread_cpu.hpp"

#include <sys/resource.h>
#include <time.h>

namespace qb {

ThreadCpu read_thread_cpu() {
  ThreadCpu now;
  timespec ts{};
  rusage usage{};
  // RUSAGE_THREAD is Linux's; qbench builds only there (topology, perf).
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0 || getrusage(RUSAGE_THREAD, &usage) != 0) return now;
  now.cpu_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
  now.voluntary_switches = static_cast<std::uint64_t>(usage.ru_nvcsw);
  now.involuntary_switches = static_cast<std::uint64_t>(usage.ru_nivcsw);
  now.read = true;
  return now;
}

ThreadCpu cpu_between(const ThreadCpu& start, const ThreadCpu& stop) {
  ThreadCpu spent;
  if (!start.read || !stop.read) return spent;
  spent.cpu_ns = stop.cpu_ns - start.cpu_ns;
  spent.voluntary_switches = stop.voluntary_switches - start.voluntary_switches;
  spent.involuntary_switches = stop.involuntary_switches - start.involuntary_switches;
  spent.read = true;
  return spent;
}

}  // namespace qb
