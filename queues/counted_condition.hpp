// Waiting for a condition under a queue's mutex, with the waiters counted, for
// the lock-based queues that model BlockingQueue (locked_ring, elastic_locked).
//
// Invariants:
// - waiting_ is read and written only by threads holding the owner's mutex,
//   the same mutex every waiter holds when it counts itself and then sleeps;
// - waiting_ is the number of threads inside wait_until on this condition
//   (asleep, or woken but not yet holding the mutex again).
//
// So a notifier holding the mutex that reads waiting_ == 0 knows that no
// thread is asleep on the condition, nor between its check and its sleep
// (condition_variable::wait releases the mutex and blocks as one step): the
// notify, a futex system call when someone sleeps and a cache miss on the
// condition variable's state when nobody does, can be skipped.
//
// Notifies happen while the mutex is held: a woken waiter cannot return, and
// its thread cannot destroy the queue, until the notifier has unlocked and no
// longer touches the condition variable.
//
// Progress: wait_until blocks, up to its deadline; notify_one_if_waiting never waits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "queues/cache_line.hpp"

namespace qb::detail {

using WaitClock = std::chrono::steady_clock;

// Now plus `timeout`, saturating at the clock's end instead of overflowing
// (nanoseconds::max() means "wait as long as the clock can count").
inline WaitClock::time_point deadline_after(std::chrono::nanoseconds timeout) {
  const auto now = WaitClock::now();
  if (timeout <= std::chrono::nanoseconds::zero()) return now;
  const auto room = WaitClock::time_point::max() - now;
  return timeout >= room ? WaitClock::time_point::max()
                         : now + std::chrono::duration_cast<WaitClock::duration>(timeout);
}

class CountedCondition {
 public:
  // Caller holds `lock`. Returns true once ready() holds (checked under the
  // lock), false if the deadline passes first; it never returns false before
  // the deadline. A past deadline makes it a check of ready().
  template <class Ready>
  bool wait_until(std::unique_lock<std::mutex>& lock, WaitClock::time_point deadline, Ready ready) {
    if (ready()) return true;
    if (WaitClock::now() >= deadline) return false;
    ++waiting_;
    // wait_until(pred) returns pred() after a timeout, so an item (or slot)
    // that arrives with the timeout is still taken, and a notify sent to a
    // waiter that was leaving is never lost with the item it announced.
    const bool became_ready = cv_.wait_until(lock, deadline, ready);
    --waiting_;
    return became_ready;
  }

  // Caller holds the mutex the waiters use, and has just made the condition
  // true for one more waiter (one item pushed, one slot freed).
  void notify_one_if_waiting() {
    if (waiting_ != 0) cv_.notify_one();
  }

  std::size_t waiting() const noexcept { return waiting_; }

 private:
  std::condition_variable cv_;
  std::size_t waiting_ = 0;
};

// The lock and the two conditions of a locked ring (locked_ring,
// elastic_locked), each group starting a kFalseSharingRange block and filling
// whole blocks: threads queueing for the lock keep reading its word, so no
// field the holder writes (the conditions' counts, the ring's indices) may
// share its line, nor an adjacent-line prefetch pair.
struct alignas(kFalseSharingRange) MutexLine {
  mutable std::mutex mutex;
};
struct alignas(kFalseSharingRange) RingConditions {
  CountedCondition not_full;
  CountedCondition not_empty;
};
static_assert(alignof(MutexLine) == kFalseSharingRange && sizeof(MutexLine) % kFalseSharingRange == 0,
              "the lock word must be kFalseSharingRange apart from the conditions and the ring");
static_assert(alignof(RingConditions) == kFalseSharingRange && sizeof(RingConditions) % kFalseSharingRange == 0,
              "the conditions must be kFalseSharingRange apart from the lock word and the ring");

}  // namespace qb::detail
