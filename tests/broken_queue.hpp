// A deliberately broken queue for tests that must see validation catch it.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>

#include "queues/queue.hpp"

namespace qb::test {

// Deterministically broken: push number n (counted from 1, across all
// producers) is dropped when n % 1000 == 0 and stored twice when
// n % 1500 == 0 (n % 3000 == 0 is dropped). Otherwise a correct FIFO.
template <class T>
class BrokenDeque {
 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "broken_deque",
      .bounded = false,
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::blocking,
      .order = Order::fifo,
      .capacity_required = false,
  };

  explicit BrokenDeque(std::size_t /*capacity*/ = 0) {}

  bool try_push(T&& v) {
    std::lock_guard lock(mutex_);
    ++pushes_;
    if (pushes_ % 1000 == 0) return true;  // "accepted", never stored
    if (pushes_ % 1500 == 0) items_.push_back(v);
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

 private:
  std::mutex mutex_;
  std::deque<T> items_;
  std::uint64_t pushes_ = 0;
};

}  // namespace qb::test
