// What a thread cost the machine: its own CPU time and how often it gave up
// or lost its CPU. The run's workers read it at their window's edges only
// (run/worker.hpp), never per item: each reading is two system calls.
#pragma once

#include <cstdint>

namespace qb {

struct ThreadCpu {
  std::uint64_t cpu_ns = 0;                // CLOCK_THREAD_CPUTIME_ID: user and system time of this thread
  std::uint64_t voluntary_switches = 0;    // getrusage(RUSAGE_THREAD) ru_nvcsw: it blocked or yielded
  std::uint64_t involuntary_switches = 0;  // ru_nivcsw: the scheduler took its CPU away
  bool read = false;                       // both calls succeeded (a difference: at both edges)
};

// The calling thread's figures now.
ThreadCpu read_thread_cpu();

// What the thread spent between two of its own readings; `read` only when
// both were. The counts never go back, so the difference cannot wrap.
ThreadCpu cpu_between(const ThreadCpu& start, const ThreadCpu& stop);

}  // namespace qb
