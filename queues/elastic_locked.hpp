// elastic_locked: one std::mutex around a circular buffer that grows when full
// (by growth_factor, up to max_capacity) and shrinks when occupancy falls under
// shrink_threshold (by the same factor, down to min_capacity): the plain,
// lock-based elastic buffer, against which mpsc_elastic's lock-free chain of
// rings is measured. Many producers, many
// consumers, and waiting push/pop with a timeout.
//
// A resize allocates the new buffer and moves every item into it, oldest
// first at slot 0, under the lock; so a resize costs O(items) while every
// other thread waits, which is the price this design pays for its simplicity.
//
// Invariants (every field of State is read and written only under mutex_):
// - count items are live, in slots head, head + 1, ... (mod capacity), oldest
//   first; the slot a push writes is (head + count) % capacity;
// - config_.min_capacity <= capacity <= config_.max_capacity, and count <= capacity;
// - capacity grows only in a push that found count == capacity, and shrinks
//   only in a pop (or a failed pop) that found count < shrink_threshold x
//   capacity; a shrink keeps count < the new capacity, so the next push does
//   not grow straight back;
// - not_full waiters wait for count < capacity or capacity < max_capacity
//   (room, or room to grow); not_empty waiters for count > 0.
//
// Progress:
// - try_push, try_pop: blocking (a preempted lock holder stalls every
//   thread), never waiting for space or items. try_push fails only when the
//   buffer is full at max_capacity.
// - push, pop: blocking, and wait up to their timeout for room or an item.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>

#include "queues/cache_line.hpp"
#include "queues/counted_condition.hpp"
#include "queues/elastic_config.hpp"
#include "queues/queue.hpp"

namespace qb {

template <class T>
class ElasticLocked {
  // A resize moves every item into the new buffer; a throw halfway would leave
  // the items split between two buffers.
  static_assert(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_destructible_v<T>,
                "T's move constructor and destructor must be noexcept");

 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "elastic_locked",
      .bounded = true,  // try_push fails when full at max_capacity
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::blocking,
      .order = Order::fifo,
      .capacity_required = false,  // 0 selects the default config
  };

  // capacity is the max; see ElasticConfig::for_capacity.
  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)validated(ElasticConfig::for_capacity(capacity)); }
  explicit ElasticLocked(std::size_t capacity) : ElasticLocked(ElasticConfig::for_capacity(capacity)) {}

  explicit ElasticLocked(const ElasticConfig& config) : config_(validated(config)) {
    state_.slots = std::make_unique<Slot[]>(config_.initial_capacity);
    state_.capacity = config_.initial_capacity;
  }

  ElasticLocked(const ElasticLocked&) = delete;
  ElasticLocked& operator=(const ElasticLocked&) = delete;

  // Quiescent by contract: no thread is inside any operation.
  ~ElasticLocked() {
    for (std::size_t i = 0; i < state_.count; ++i) state_.slots[wrap(state_.head + i)].value()->~T();
  }

  bool try_push(T&& v) {
    std::lock_guard lock(lock_.mutex);
    if (!has_room_or_can_grow()) return false;
    emplace_back(std::move(v));
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(lock_.mutex);
    if (state_.count == 0) {
      maybe_shrink();  // a drained queue keeps stepping down to min
      return false;
    }
    take_front(out);
    return true;
  }

  // Waits up to `timeout` for room (a free slot, or capacity below max);
  // false (and `v` untouched) if none came in time.
  bool push(T&& v, std::chrono::nanoseconds timeout) {
    const auto deadline = detail::deadline_after(timeout);
    std::unique_lock lock(lock_.mutex);
    if (!conditions_.not_full.wait_until(lock, deadline, [&] { return has_room_or_can_grow(); })) {
      return false;
    }
    emplace_back(std::move(v));
    return true;
  }

  // Waits up to `timeout` for an item; false (and `out` untouched) if none came.
  bool pop(T& out, std::chrono::nanoseconds timeout) {
    const auto deadline = detail::deadline_after(timeout);
    std::unique_lock lock(lock_.mutex);
    if (!conditions_.not_empty.wait_until(lock, deadline, [&] { return state_.count > 0; })) {
      maybe_shrink();
      return false;
    }
    take_front(out);
    return true;
  }

  // Current capacity, within [min, max]; stale as soon as the lock is released.
  std::size_t approx_capacity() const {
    std::lock_guard lock(lock_.mutex);
    return state_.capacity;
  }
  std::size_t approx_size() const {
    std::lock_guard lock(lock_.mutex);
    return state_.count;
  }
  std::uint64_t grow_count() const {
    std::lock_guard lock(lock_.mutex);
    return state_.grows;
  }
  std::uint64_t shrink_count() const {
    std::lock_guard lock(lock_.mutex);
    return state_.shrinks;
  }
  const ElasticConfig& config() const noexcept { return config_; }

 private:
  struct Slot {
    alignas(T) std::byte storage[sizeof(T)];
    T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
  };

  static const ElasticConfig& validated(const ElasticConfig& c) {
    c.validate(traits.name);
    return c;
  }

  std::size_t wrap(std::size_t at) const noexcept { return at >= state_.capacity ? at - state_.capacity : at; }

  bool has_room_or_can_grow() const noexcept {
    return state_.count < state_.capacity || state_.capacity < config_.max_capacity;
  }

  // Under the lock, with has_room_or_can_grow(). One more item: one consumer
  // that waits for an item can now have one.
  void emplace_back(T&& v) {
    if (state_.count == state_.capacity) {
      const double grown = std::ceil(static_cast<double>(state_.capacity) * config_.growth_factor);
      const std::size_t target = grown >= static_cast<double>(config_.max_capacity)
                                     ? config_.max_capacity
                                     : std::max(static_cast<std::size_t>(grown), state_.capacity + 1);
      resize(target);
      ++state_.grows;
    }
    ::new (static_cast<void*>(state_.slots[wrap(state_.head + state_.count)].storage)) T(std::move(v));
    ++state_.count;
    conditions_.not_empty.notify_one_if_waiting();
  }

  // Under the lock, with count > 0. One slot freed: one producer that waits
  // for room can now use it (a shrink below leaves room for one more).
  void take_front(T& out) {
    T* value = state_.slots[state_.head].value();
    out = std::move(*value);
    value->~T();
    state_.head = wrap(state_.head + 1);
    --state_.count;
    maybe_shrink();
    conditions_.not_full.notify_one_if_waiting();
  }

  // Under the lock: one step down when occupancy is under the threshold, if
  // the smaller buffer is still above count (room for the next push).
  void maybe_shrink() {
    if (state_.capacity <= config_.min_capacity) return;
    if (static_cast<double>(state_.count) >=
        config_.shrink_threshold * static_cast<double>(state_.capacity)) {
      return;
    }
    const auto smaller = static_cast<std::size_t>(
        std::floor(static_cast<double>(state_.capacity) / config_.growth_factor));
    const std::size_t target = std::max(smaller, config_.min_capacity);
    if (target >= state_.capacity || target <= state_.count) return;
    resize(target);
    ++state_.shrinks;
  }

  // Under the lock, with count <= target: moves the items, oldest first, to
  // slots [0, count) of a new buffer of `target` slots.
  void resize(std::size_t target) {
    auto fresh = std::make_unique<Slot[]>(target);
    for (std::size_t i = 0; i < state_.count; ++i) {
      T* from = state_.slots[wrap(state_.head + i)].value();
      ::new (static_cast<void*>(fresh[i].storage)) T(std::move(*from));
      from->~T();
    }
    state_.slots = std::move(fresh);
    state_.capacity = target;
    state_.head = 0;
  }

  struct alignas(kFalseSharingRange) State {
    std::unique_ptr<Slot[]> slots;
    std::size_t capacity = 0;
    std::size_t head = 0;
    std::size_t count = 0;
    std::uint64_t grows = 0;
    std::uint64_t shrinks = 0;
  };
  // As in locked_ring: the lock and the conditions keep lines of their own
  // (counted_condition.hpp), the buffer's fields share one more.
  static_assert(alignof(State) == kFalseSharingRange && sizeof(State) == kFalseSharingRange,
                "the buffer's fields must share one line, apart from the lock word");

  const ElasticConfig config_;
  detail::MutexLine lock_;
  detail::RingConditions conditions_;
  State state_;
};

}  // namespace qb
