// mutex_deque: std::deque guarded by one std::mutex, the seeds' baseline.
//
// Invariants:
// - every access to items_ holds mutex_;
// - cap_ == 0 means unbounded; otherwise items_.size() <= cap_ at all times.
//
// Progress: try_push and try_pop are blocking (a preempted lock holder stalls
// every other thread), but they never wait for space or for items: a full or
// empty queue makes them return false at once.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>

#include "queues/queue.hpp"

namespace qb {

template <class T>
class MutexDeque {
 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "mutex_deque",
      .bounded = false,  // unbounded unless given a cap
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::blocking,
      .order = Order::fifo,
      .capacity_required = false,
  };

  // capacity 0: unbounded; otherwise try_push fails once `capacity` items are queued.
  explicit MutexDeque(std::size_t capacity = 0) : cap_(capacity) {}
  MutexDeque(const MutexDeque&) = delete;
  MutexDeque& operator=(const MutexDeque&) = delete;

  bool try_push(T&& v) {
    std::lock_guard lock(mutex_);
    if (cap_ != 0 && items_.size() >= cap_) return false;
    items_.push_back(std::move(v));
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    return true;
  }

  std::size_t approx_size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<T> items_;
  const std::size_t cap_;
};

}  // namespace qb
