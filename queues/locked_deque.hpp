// locked_deque: std::deque guarded by one lock, the seeds' locked baseline,
// with the lock as a policy (see mutex_deque.hpp and spinlock_deque.hpp for
// the two in use and why each is measured).
//
// Invariants:
// - every access to items_ holds lock_;
// - cap_ == 0 means unbounded; otherwise items_.size() <= cap_ at all times.
//
// Layout: the lock sits alone on its kFalseSharingRange line. Waiters keep
// reading the lock word; if the deque's own pointers shared that line, each
// write the holder makes inside the lock would invalidate the waiters' copies
// and each waiter's read would pull the line back from the holder mid-section.
//
// Progress: try_push and try_pop are blocking (a preempted holder stalls
// every other thread), but they never wait for space or for items: a full or
// empty queue makes them return false at once.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

#include "queues/cache_line.hpp"
#include "queues/queue.hpp"

namespace qb {

// LockPolicy: `Lock`, a Lockable type, and `kName`, the queue's name.
template <class T, class LockPolicy>
class LockedDeque {
 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = LockPolicy::kName,
      .bounded = false,  // unbounded unless given a cap
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::blocking,
      .order = Order::fifo,
      .capacity_required = false,
  };

  // capacity 0: unbounded; otherwise try_push fails once `capacity` items are queued.
  explicit LockedDeque(std::size_t capacity = 0) : cap_(capacity) {}
  LockedDeque(const LockedDeque&) = delete;
  LockedDeque& operator=(const LockedDeque&) = delete;

  bool try_push(T&& v) {
    std::lock_guard lock(lock_.lock);
    if (cap_ != 0 && items_.size() >= cap_) return false;
    items_.push_back(std::move(v));
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(lock_.lock);
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    return true;
  }

  // Items queued; stale as soon as the lock is released.
  std::size_t approx_size() const {
    std::lock_guard lock(lock_.lock);
    return items_.size();
  }

 private:
  struct alignas(kFalseSharingRange) LockLine {
    mutable typename LockPolicy::Lock lock;
  };
  static_assert(alignof(LockLine) == kFalseSharingRange && sizeof(LockLine) == kFalseSharingRange,
                "the lock word must be kFalseSharingRange apart from the deque it guards");

  LockLine lock_;
  std::deque<T> items_;
  const std::size_t cap_;
};

}  // namespace qb
