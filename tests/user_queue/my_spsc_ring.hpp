// A queue from outside qbench, as a user writes it: the README's C++ example,
// and what the header_queue_end_to_end test configures into a qbench built in
// a folder outside the tree (-DQBENCH_QUEUES=/abs/path/my_spsc_ring.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>

#include <qbench/queue.hpp>

namespace myq {

// A bounded single-producer single-consumer ring. Invariant: slots [head_,
// tail_) hold the queued items, in push order; one slot stays empty to tell
// full from empty. A slot holds an item only while it is queued (optional),
// as qbench's lifetime tests require. Progress: wait-free, both sides.
template <class T>
class SpscRing {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits{.name = "my_spsc_ring", .bounded = true,
                                          .producers = qb::Multiplicity::one, .consumers = qb::Multiplicity::one,
                                          .progress = qb::Progress::wait_free, .order = qb::Order::fifo,
                                          .capacity_required = true};
  // What the constructor refuses, without allocating: qbench refuses a bad
  // --capacity with it before any run.
  static void check_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity > (std::size_t{1} << 40)) {
      throw std::invalid_argument("my_spsc_ring: capacity must be 1 to 2^40");
    }
  }
  explicit SpscRing(std::size_t capacity)
      : size_((check_capacity(capacity), capacity + 1)), slots_(new std::optional<T>[size_]) {}

  bool try_push(T&& item) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);  // relaxed: only we write tail_
    const std::size_t next = tail + 1 == size_ ? 0 : tail + 1;
    // (1) acquire: pairs with (4), so the consumer is done with the slot.
    if (next == head_.load(std::memory_order_acquire)) return false;
    slots_[tail].emplace(std::move(item));
    tail_.store(next, std::memory_order_release);  // (2) release: publishes the slot; pairs with (3)
    return true;
  }

  bool try_pop(T& out) {
    const std::size_t head = head_.load(std::memory_order_relaxed);  // relaxed: only we write head_
    if (head == tail_.load(std::memory_order_acquire)) return false;  // (3) acquire: pairs with (2)
    out = std::move(*slots_[head]);
    slots_[head].reset();
    head_.store(head + 1 == size_ ? 0 : head + 1, std::memory_order_release);  // (4) release: frees the slot
    return true;
  }

 private:
  const std::size_t size_;
  std::unique_ptr<std::optional<T>[]> slots_;
  alignas(128) std::atomic<std::size_t> head_{0};
  alignas(128) std::atomic<std::size_t> tail_{0};
};

QBENCH_QUEUE(myq::SpscRing);

}  // namespace myq
