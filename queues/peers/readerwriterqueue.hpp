// moodycamel::ReaderWriterQueue (Debian libreaderwriterqueue-dev): one
// producer, one consumer, a linked list of ring blocks.
//
// try_push is the library's enqueue, which adds a block when the current ones
// are full, so the queue is unbounded and the capacity argument is ignored.
// (Its try_enqueue is bounded, but by a size the library rounds up to a power
// of two, plus a spare block when large, so "full" would not mean
// "capacity items".) Progress: wait_free, as the library says, except that a
// push which needs a new block calls malloc. FIFO.
#pragma once

#include <readerwriterqueue/readerwriterqueue.h>

#include <cstddef>
#include <utility>

#include "queues/queue.hpp"

namespace qb {

template <class T>
class MoodycamelRwq {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "moodycamel_rwq", .bounded = false, .producers = Multiplicity::one,
      .consumers = Multiplicity::one, .progress = Progress::wait_free, .order = Order::fifo,
      .capacity_required = false};

  explicit MoodycamelRwq(std::size_t /*capacity: unbounded*/ = 0) {}
  bool try_push(T&& value) { return queue_.enqueue(std::move(value)); }
  bool try_pop(T& out) { return queue_.try_dequeue(out); }

 private:
  moodycamel::ReaderWriterQueue<T> queue_;
};

}  // namespace qb
