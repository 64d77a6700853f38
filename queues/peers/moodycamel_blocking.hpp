// moodycamel::BlockingConcurrentQueue (Debian libconcurrentqueue-dev): the
// ConcurrentQueue of moodycamel.hpp with a counting semaphore beside it, so
// that a consumer can sleep until an item arrives. `--wait block` runs it
// through its own calls (the JSON marks the point `native`): pop waits with
// wait_dequeue_timed; push never waits, since the queue is unbounded.
//
// What the semaphore costs, whatever the wait: every enqueue signals it (an
// atomic add, and a wake-up when a consumer sleeps) and every dequeue,
// try_dequeue included, first takes a unit of it (an atomic decrement or CAS)
// before it looks in the sub-queues. That is why this is a queue of its own
// in the tables and not moodycamel_queue with another wait: a spinning run of
// it measures the semaphore's price against moodycamel_queue's.
//
// The order and progress are moodycamel_queue's: per_producer_fifo,
// lock_free in the library's sense. A pop that holds a semaphore unit spins
// until a sub-queue hands it the item the unit stands for, which is already
// there or being published.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "queues/queue.hpp"

namespace qb {

template <class T>
class MoodycamelBlocking {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "moodycamel_blocking", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::lock_free,
      .order = Order::per_producer_fifo, .capacity_required = false};

  explicit MoodycamelBlocking(std::size_t /*capacity: unbounded*/ = 0) {}

  bool try_push(T&& value) { return queue_.enqueue(std::move(value)); }
  bool try_pop(T& out) { return queue_.try_dequeue(out); }

  // Unbounded: a push never waits for room (false only when an allocation
  // fails, as try_push).
  bool push(T&& value, std::chrono::nanoseconds /*timeout*/) { return queue_.enqueue(std::move(value)); }
  // The library's timed wait takes microseconds: a timeout under 1 us is a
  // try, as the concept asks of one <= 0.
  bool pop(T& out, std::chrono::nanoseconds timeout) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    if (us <= 0) return queue_.try_dequeue(out);
    return queue_.wait_dequeue_timed(out, static_cast<std::int64_t>(us));
  }

 private:
  moodycamel::BlockingConcurrentQueue<T> queue_;
};

}  // namespace qb
