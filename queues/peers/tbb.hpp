// oneTBB (Debian libtbb-dev): concurrent_queue and concurrent_bounded_queue.
//
// Both hand out tickets and spread them over 8 micro-queues of pages; a push
// waits for the push with the previous ticket of its micro-queue, and a pop,
// once it has taken a ticket, waits for that ticket's push to finish. Tickets
// rotate over the micro-queues, so one pusher stalled mid-push soon stalls
// every later push of its micro-queue, and with it every pusher as their
// tickets come round, and every popper behind them: blocking, as ck_ring is
// declared, not merely slot_blocking. TBB documents only that the items one thread pushes reach
// another thread in push order: per_producer_fifo.
//
// tbb_queue is unbounded (the capacity argument is ignored); tbb_bounded_queue
// holds exactly `capacity` items, and its try_push and try_pop also notify
// the monitors its blocking push and pop wait on.
#pragma once

#include <tbb/concurrent_queue.h>

#include <cstddef>
#include <stdexcept>
#include <utility>

#include "queues/queue.hpp"

namespace qb {

template <class T>
class TbbQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "tbb_queue", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::blocking,
      .order = Order::per_producer_fifo, .capacity_required = false};

  explicit TbbQueue(std::size_t /*capacity: unbounded*/ = 0) {}
  bool try_push(T&& value) {
    queue_.push(std::move(value));
    return true;
  }
  bool try_pop(T& out) { return queue_.try_pop(out); }

 private:
  tbb::concurrent_queue<T> queue_;
};

template <class T>
class TbbBoundedQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "tbb_bounded_queue", .bounded = true, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::blocking,
      .order = Order::per_producer_fifo, .capacity_required = true};

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("tbb_bounded_queue needs a capacity of at least 1");
  }
  explicit TbbBoundedQueue(std::size_t capacity) {
    check_capacity(capacity);
    queue_.set_capacity(static_cast<std::ptrdiff_t>(capacity));
  }
  bool try_push(T&& value) { return queue_.try_push(std::move(value)); }
  bool try_pop(T& out) { return queue_.try_pop(out); }

 private:
  tbb::concurrent_bounded_queue<T> queue_;
};

}  // namespace qb
