// How a worker thread of a run waits after a failed try_push / try_pop: the
// harness's own waiting, the same for every queue (atomic_queue's
// RetryDecorator idea), and chosen per repetition from the thread placement.
//
// - pause: every worker thread has a CPU of its own, so the peer it waits
//   for is running; one PAUSE between tries keeps the reaction time to a
//   hand-off near the queue's own. Backing off exponentially there added up
//   to 64 PAUSEs (several microseconds on CPUs whose PAUSE is ~140 cycles) to
//   every wake-up and showed in ping-pong and e2e latency. After kPauseLimit
//   failed tries in a row (about a millisecond) the thread yields on every
//   further try, so a peer that was descheduled after all is never starved
//   by a thread spinning forever.
// - backoff: more worker threads than CPUs (or unpinned threads): 1, 2, 4
//   ... 64 PAUSEs, then sched_yield on every try, so that the thread being
//   waited for gets the CPU (queues/backoff.hpp).
// - block: --wait block; the queue's own push/pop waited already.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "harness/model/wait_mode.hpp"
#include "queues/backoff.hpp"

namespace qb {

// pause when every thread is pinned to a CPU no other thread of the run
// uses, backoff otherwise. `cpus`: one entry per thread, -1 for unpinned.
inline WaitPolicy choose_wait_policy(std::vector<int> cpus) {
  if (std::any_of(cpus.begin(), cpus.end(), [](int c) { return c < 0; })) return WaitPolicy::backoff;
  std::sort(cpus.begin(), cpus.end());
  if (std::adjacent_find(cpus.begin(), cpus.end()) != cpus.end()) return WaitPolicy::backoff;
  return WaitPolicy::pause;
}

class Waiter {
 public:
  // Failed tries in a row after which a pausing thread starts yielding.
  static constexpr std::uint32_t kPauseLimit = 1u << 14;

  explicit Waiter(WaitPolicy policy) noexcept : policy_(policy) {}

  // One wait after a failed try.
  void wait() noexcept {
    switch (policy_) {
      case WaitPolicy::pause:
        if (polls_ < kPauseLimit) {
          ++polls_;
          cpu_relax();
        } else {
          std::this_thread::yield();
        }
        return;
      case WaitPolicy::backoff:
        backoff_.snooze();
        return;
      case WaitPolicy::block:
        return;  // the blocking call has already waited
    }
  }

  // After a successful try.
  void reset() noexcept {
    polls_ = 0;
    backoff_.reset();
  }

  WaitPolicy policy() const noexcept { return policy_; }

 private:
  WaitPolicy policy_;
  std::uint32_t polls_ = 0;
  Backoff backoff_;
};

}  // namespace qb
