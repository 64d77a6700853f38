// What each worker thread of a run records (its window edges, counts, CPU
// time and errors), and the rule by which a consumer that finds the queue
// empty may stop: used by the run skeleton (timeline.hpp) that every runner
// goes through.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/counters/counters.hpp"
#include "harness/measure/thread_cpu.hpp"
#include "harness/run/phase.hpp"
#include "queues/cache_line.hpp"

namespace qb {

// How long consumers keep polling an empty queue after every producer has
// finished before they conclude that the missing items are lost.
inline constexpr std::chrono::milliseconds kDrainGrace{500};

namespace detail {

// The controller's and the workers' own timestamps, outside the window's
// arithmetic; not qb::Clock, the calibrated TSC clock the measurements use.
using SteadyClock = std::chrono::steady_clock;

struct alignas(kFalseSharingRange) Worker {
  std::atomic<std::uint64_t> published{0};  // total items so far, published for the stop test
  // Other consumers poll `published` (Drain) while this thread bumps
  // `total` on every item: they must not share a line.
  alignas(kFalseSharingRange) SteadyClock::time_point start{}, stop{};
  std::uint64_t total = 0, at_start = 0, at_stop = 0;
  std::uint64_t failed = 0, failed_at_start = 0, failed_at_stop = 0;
  std::uint64_t duplicated = 0, misordered = 0, unexpected = 0, corrupted = 0;
  std::uint64_t partial = 0;  // --batch: bulk calls that moved some items, not all (only in the window)
  bool hit_limit = false;
  std::string error;
  std::optional<ThreadCounters>* counters = nullptr;  // this thread's, if counting
  ThreadCpu cpu_at_start, cpu_at_stop;  // this thread's CPU time and switches at the edges

  // Called by the worker whenever it sees a new phase, which may skip some
  // (warmup straight to stop marks both edges). Counters run only inside the
  // window: enabled just before its first clock read, disabled just after
  // its last. The CPU readings go outside both, so that neither the wall
  // window nor the counters include their system calls; the CPU window so
  // also takes in the counters' start and stop, a few microseconds.
  void observe(Phase phase, Phase& seen) {
    if (phase >= Phase::measure && seen < Phase::measure) {
      cpu_at_start = read_thread_cpu();
      if (counters != nullptr && counters->has_value()) (*counters)->start();
      start = SteadyClock::now();
      at_start = total;
      failed_at_start = failed;
    }
    if (phase >= Phase::stop && seen < Phase::stop) {
      stop = SteadyClock::now();
      if (counters != nullptr && counters->has_value()) (*counters)->stop();
      cpu_at_stop = read_thread_cpu();
      at_stop = total;
      failed_at_stop = failed;
    }
    seen = phase;
  }
};

// When a consumer that finds the queue empty may stop; one per consumer,
// shared by every runner. It may once every producer has finished and every
// pushed item is popped. A queue that loses items never lets those counts
// meet, so it may also stop once every producer has finished and it has found
// the queue empty for kDrainGrace: validation then reports what was lost.
class Drain {
 public:
  Drain(const std::atomic<int>& producers_done, int producer_count, const std::vector<Worker>& producers,
        const std::vector<Worker>& consumers)
      : producers_done_(producers_done), np_(producer_count), producers_(producers), consumers_(consumers) {}

  void popped() { empty_since_ = {}; }

  // Called after a failed pop, once the producers are stopping (or for good
  // in a fixed-count run).
  bool may_stop() {
    if (all_delivered()) return true;
    if (producers_done_.load(std::memory_order_relaxed) != np_) return false;  // relaxed: a hint only
    const auto now = SteadyClock::now();
    if (empty_since_ == SteadyClock::time_point{}) empty_since_ = now;
    return now - empty_since_ > kDrainGrace;
  }

 private:
  bool all_delivered() const {
    // (4) acquire: pairs with each producer's release of its final total,
    // (3) and (3') in timeline_state.hpp, so every producer's final total is
    // visible once all of them are counted done.
    if (producers_done_.load(std::memory_order_acquire) != np_) return false;
    std::uint64_t pushed = 0, popped = 0;
    for (const auto& w : producers_) pushed += w.published.load(std::memory_order_acquire);  // (4) as above
    // relaxed: consumers' counts only need to be seen eventually; a stale one
    // makes us poll again, never stop early (counts only grow).
    for (const auto& w : consumers_) popped += w.published.load(std::memory_order_relaxed);
    return popped >= pushed;
  }

  const std::atomic<int>& producers_done_;
  const int np_;
  const std::vector<Worker>& producers_;
  const std::vector<Worker>& consumers_;
  SteadyClock::time_point empty_since_{};
};

}  // namespace detail
}  // namespace qb
