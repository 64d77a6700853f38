// locked_ring: a bounded ring buffer guarded by one std::mutex, with a
// not_full and a not_empty condition for the waiting push and pop: Java's
// ArrayBlockingQueue, the "naive locked MPMC ring buffer" that the lock-free
// rings are measured against.
//
// Invariants (every field below is read and written only under mutex_):
// - count_ items are live, in slots head_, head_ + 1, ... (mod capacity_),
//   oldest first; tail_ == (head_ + count_) % capacity_ is the next slot a push
//   writes; 0 <= count_ <= capacity_, and capacity_ >= 1 never changes;
// - a slot holds a live T exactly when it lies in that range;
// - not_full_.waiting() producers wait for count_ < capacity_ and
//   not_empty_.waiting() consumers for count_ > 0 (queues/counted_condition.hpp).
//
// Layout: the mutex, the two conditions and the ring's fields sit on three
// separate kFalseSharingRange-sized lines. Threads queueing for the lock write
// its word; waiters and notifiers touch the conditions; only the lock holder
// touches head_, tail_ and count_. Were they on one line, every acquisition
// attempt would pull the line away from the holder in the middle of its
// critical section: false sharing, which costs a locked ring more than the
// lock itself under contention.
//
// Progress:
// - try_push, try_pop: blocking (a preempted lock holder stalls every thread),
//   but they never wait for space or items: full or empty returns false.
// - push, pop: blocking, and wait up to their timeout for space or an item.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "queues/cache_line.hpp"
#include "queues/counted_condition.hpp"
#include "queues/queue.hpp"

namespace qb {

template <class T>
class LockedRing {
 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "locked_ring",
      .bounded = true,
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::blocking,
      .order = Order::fifo,
      .capacity_required = true,
  };

  // Any capacity >= 1 (a slot index is a modulo, not a mask).
  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked(capacity); }
  explicit LockedRing(std::size_t capacity)
      : ring_{.slots = std::make_unique<Slot[]>(checked(capacity)), .capacity = capacity} {}

  LockedRing(const LockedRing&) = delete;
  LockedRing& operator=(const LockedRing&) = delete;

  // Quiescent by contract: no thread is inside any operation.
  ~LockedRing() {
    for (std::size_t i = 0, at = ring_.head; i < ring_.count; ++i, at = next(at)) {
      ring_.slots[at].value()->~T();
    }
  }

  bool try_push(T&& v) {
    std::lock_guard lock(lock_.mutex);
    if (ring_.count == ring_.capacity) return false;
    emplace_back(std::move(v));
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(lock_.mutex);
    if (ring_.count == 0) return false;
    take_front(out);
    return true;
  }

  // Waits up to `timeout` for a free slot; false (and `v` untouched) if none
  // came in time.
  bool push(T&& v, std::chrono::nanoseconds timeout) {
    const auto deadline = detail::deadline_after(timeout);
    std::unique_lock lock(lock_.mutex);
    if (!conditions_.not_full.wait_until(lock, deadline, [&] { return ring_.count < ring_.capacity; })) {
      return false;
    }
    emplace_back(std::move(v));
    return true;
  }

  // Waits up to `timeout` for an item; false (and `out` untouched) if none
  // came in time.
  bool pop(T& out, std::chrono::nanoseconds timeout) {
    const auto deadline = detail::deadline_after(timeout);
    std::unique_lock lock(lock_.mutex);
    if (!conditions_.not_empty.wait_until(lock, deadline, [&] { return ring_.count > 0; })) return false;
    take_front(out);
    return true;
  }

  std::size_t capacity() const noexcept { return ring_.capacity; }

  // Items queued; stale as soon as the lock is released.
  std::size_t approx_size() const {
    std::lock_guard lock(lock_.mutex);
    return ring_.count;
  }

 private:
  struct Slot {
    alignas(T) std::byte storage[sizeof(T)];
    T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
  };

  static std::size_t checked(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("locked_ring: capacity must be >= 1 (got 0)");
    return capacity;
  }

  std::size_t next(std::size_t at) const noexcept { return at + 1 == ring_.capacity ? 0 : at + 1; }

  // Under the lock, with count < capacity. One more item: one consumer that
  // waits for an item can now have one.
  void emplace_back(T&& v) {
    ::new (static_cast<void*>(ring_.slots[ring_.tail].storage)) T(std::move(v));
    ring_.tail = next(ring_.tail);
    ++ring_.count;
    conditions_.not_empty.notify_one_if_waiting();
  }

  // Under the lock, with count > 0. One slot freed: one producer that waits
  // for space can now use it.
  void take_front(T& out) {
    T* value = ring_.slots[ring_.head].value();
    out = std::move(*value);
    value->~T();
    ring_.head = next(ring_.head);
    --ring_.count;
    conditions_.not_full.notify_one_if_waiting();
  }

  struct alignas(kFalseSharingRange) RingLine {
    std::unique_ptr<Slot[]> slots;
    std::size_t capacity = 0;
    std::size_t head = 0;
    std::size_t tail = 0;
    std::size_t count = 0;
  };
  // The lock and the conditions keep lines of their own (MutexLine,
  // RingConditions); the ring's fields share one more.
  static_assert(alignof(RingLine) == kFalseSharingRange && sizeof(RingLine) == kFalseSharingRange,
                "head, tail and count must share one line, apart from the lock word");

  detail::MutexLine lock_;
  detail::RingConditions conditions_;
  RingLine ring_;
};

}  // namespace qb
