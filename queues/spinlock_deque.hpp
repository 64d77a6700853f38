// spinlock_deque: mutex_deque with a test-and-test-and-set spinlock
// (queues/spinlock.hpp) in place of std::mutex, the "spinning vs blocking"
// question of seed 004. A waiter never sleeps in the kernel: on a short
// critical section it gets the lock sooner than a futex wake-up could hand it
// over, and with more threads than cores it spins (then yields) through the
// holder's preemption instead of sleeping through it.
//
// Invariants:
// - every access to items_ holds lock_;
// - cap_ == 0 means unbounded; otherwise items_.size() <= cap_ at all times.
//
// Layout: lock_ sits alone on its kFalseSharingRange line. Waiters keep
// reading it; if the deque's own pointers shared that line, each write the
// holder makes inside the lock would invalidate the waiters' copies and each
// waiter's read would pull the line back from the holder mid-section.
//
// Progress: try_push and try_pop are blocking (a preempted holder stalls
// every thread, which spins and then yields until it runs again), but they
// never wait for space or items: a full or empty queue returns false at once.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

#include "queues/cache_line.hpp"
#include "queues/queue.hpp"
#include "queues/spinlock.hpp"

namespace qb {

template <class T>
class SpinlockDeque {
 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "spinlock_deque",
      .bounded = false,  // unbounded unless given a cap
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::blocking,
      .order = Order::fifo,
      .capacity_required = false,
  };

  // capacity 0: unbounded; otherwise try_push fails once `capacity` items are queued.
  explicit SpinlockDeque(std::size_t capacity = 0) : cap_(capacity) {}
  SpinlockDeque(const SpinlockDeque&) = delete;
  SpinlockDeque& operator=(const SpinlockDeque&) = delete;

  bool try_push(T&& v) {
    std::lock_guard lock(lock_.spin);
    if (cap_ != 0 && items_.size() >= cap_) return false;
    items_.push_back(std::move(v));
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(lock_.spin);
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    return true;
  }

  // Items queued; stale as soon as the lock is released.
  std::size_t approx_size() const {
    std::lock_guard lock(lock_.spin);
    return items_.size();
  }

 private:
  struct alignas(kFalseSharingRange) LockLine {
    mutable Spinlock spin;
  };
  static_assert(alignof(LockLine) == kFalseSharingRange && sizeof(LockLine) == kFalseSharingRange,
                "the lock word must be kFalseSharingRange apart from the deque it guards");

  LockLine lock_;
  std::deque<T> items_;
  const std::size_t cap_;
};

}  // namespace qb
