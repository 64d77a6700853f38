// Boost.Lockfree (Debian libboost-dev, Boost 1.74): queue and spsc_queue.
//
// boost_lockfree_queue: Michael and Scott's linked queue over a node pool.
// With fixed_sized<true> the pool is allocated once, capacity + 1 nodes (one
// is the dummy), and a push fails when it is empty, so the queue holds exactly
// `capacity` items. The pool addresses nodes by 16-bit index: at most 65534
// items. Progress: lock_free. FIFO. It holds only trivially copyable,
// trivially destructible elements (boost static_asserts it): a pop copies a
// node's payload before its CAS decides whether that copy counts.
//
// boost_spsc_queue: a ring of capacity + 1 slots, exactly `capacity` items.
// Progress: wait_free. FIFO. Boost 1.74's push takes `T const&`, so elements
// are copied in (a move-only element cannot be held); pops move them out.
// Bulk (qb::BulkQueue): push(const T*, n) copies in as many as there is room
// for and pop(T*, n) copies out as many as there are, each returning how many.
#pragma once

#include <boost/lockfree/policies.hpp>
#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "queues/queue.hpp"

namespace qb {

template <class T>
class BoostLockfreeQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "boost_lockfree_queue", .bounded = true, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::lock_free, .order = Order::fifo,
      .capacity_required = true};
  static constexpr std::size_t kMaxCapacity = 65534;

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked(capacity); }
  explicit BoostLockfreeQueue(std::size_t capacity) : queue_(checked(capacity)) {}
  bool try_push(T&& value) { return queue_.bounded_push(value); }
  bool try_pop(T& out) { return queue_.pop(out); }

 private:
  static std::size_t checked(std::size_t capacity) {
    if (capacity == 0 || capacity > kMaxCapacity) {
      throw std::invalid_argument("boost_lockfree_queue capacity must be 1 to 65534, got " +
                                  std::to_string(capacity));
    }
    return capacity;
  }

  boost::lockfree::queue<T, boost::lockfree::fixed_sized<true>> queue_;
};

template <class T>
inline constexpr const char* kUnsupportedElementReason<BoostLockfreeQueue<T>> =
    std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>
        ? nullptr
        : "boost::lockfree::queue holds only trivially copyable, trivially destructible elements";

template <class T>
class BoostSpscQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "boost_spsc_queue", .bounded = true, .producers = Multiplicity::one,
      .consumers = Multiplicity::one, .progress = Progress::wait_free, .order = Order::fifo,
      .capacity_required = true};

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked(capacity); }
  explicit BoostSpscQueue(std::size_t capacity) : queue_(checked(capacity)) {}
  bool try_push(T&& value) { return queue_.push(value); }
  bool try_pop(T& out) {
    return queue_.consume_one([&out](T& value) { out = std::move(value); });
  }
  std::size_t try_push_bulk(T* items, std::size_t n) { return queue_.push(items, n); }
  std::size_t try_pop_bulk(T* out, std::size_t n) { return queue_.pop(out, n); }

 private:
  static std::size_t checked(std::size_t capacity) {
    if (capacity == 0) throw std::invalid_argument("boost_spsc_queue needs a capacity of at least 1");
    return capacity;
  }

  boost::lockfree::spsc_queue<T> queue_;
};

template <class T>
inline constexpr const char* kUnsupportedElementReason<BoostSpscQueue<T>> =
    std::is_copy_constructible_v<T> ? nullptr
                                    : "boost 1.74's spsc_queue copies elements in (push takes T const&)";

}  // namespace qb
