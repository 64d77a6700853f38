// atomic_queue (Debian libatomic-queue-dev, header-only): AtomicQueueB2, the
// ring for any element type whose size is given at run time, used through
// try_push/try_pop, for many producers and consumers or, with the library's
// SPSC parameter, for one of each.
//
// Capacity: the library rounds the size up to a power of two of at least
// 4096 (it swaps index bits so that neighbouring slots fall on different
// cache lines, which takes 64 x 64 slots), so the adapter accepts exactly
// those capacities and refuses the rest, rather than silently hold more.
// Each slot holds a T from construction to destruction; see emptying.hpp.
//
// Progress: slot_blocking, in both modes. A try_push that has claimed a slot
// spins until the slot's previous item has been read, and a try_pop that has
// claimed one spins until its item has been written.
// Order: the many-producer ring promises none. A slot's state carries no lap
// number, so while a producer that claimed slot i is stalled, a producer one
// lap ahead (slot i + capacity) can fill the slot first, and the consumer of
// slot i gets the later item; the library documents FIFO order only for its
// blocking push/pop in TOTAL_ORDER mode. The SPSC ring is FIFO.
//
// OptimistAtomicQueueB2 is not adapted. It is not a type but a way of using
// this one (the library's README: AtomicQueueB2 driven through push/pop),
// and push/pop claim a slot first and then busy-wait inside the call until it
// can complete (a pop on an empty queue never returns), so it cannot meet a
// try_push/try_pop that never waits.
#pragma once

#include <atomic_queue/atomic_queue.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

#include "queues/peers/emptying.hpp"
#include "queues/queue.hpp"

namespace qb {

enum class AtomicQueueMode { mpmc, spsc };

template <class T, AtomicQueueMode kMode = AtomicQueueMode::mpmc>
class AtomicB2Queue {
  static constexpr bool kSpsc = kMode == AtomicQueueMode::spsc;

 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = kSpsc ? "atomic_queue_b2_spsc" : "atomic_queue_b2",
      .bounded = true,
      .producers = kSpsc ? Multiplicity::one : Multiplicity::many,
      .consumers = kSpsc ? Multiplicity::one : Multiplicity::many,
      .progress = Progress::slot_blocking,
      .order = kSpsc ? Order::fifo : Order::none,
      .capacity_required = true};
  static constexpr std::size_t kMinCapacity = 4096;
  static constexpr std::size_t kDefaultCapacity = kMinCapacity;

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked(capacity); }
  explicit AtomicB2Queue(std::size_t capacity) : queue_(checked(capacity)) {}

  bool try_push(T&& value) {
    return offer_stored(value, [this](Stored<T>&& s) { return queue_.try_push(std::move(s)); });
  }
  bool try_pop(T& out) {
    return take_stored(out, [this](Stored<T>& s) { return queue_.try_pop(s); });
  }

 private:
  using Ring = atomic_queue::AtomicQueueB2<Stored<T>, std::allocator<Stored<T>>,
                                           /*MAXIMIZE_THROUGHPUT=*/true, /*TOTAL_ORDER=*/false, kSpsc>;

  // At most 2^30: the library compares its head-tail distance with the
  // capacity as int, so at 2^31 the capacity reads negative and every push
  // fails as if the ring were full.
  static constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;

  static unsigned checked(std::size_t capacity) {
    if (capacity < kMinCapacity || capacity > kMaxCapacity || (capacity & (capacity - 1)) != 0) {
      throw std::invalid_argument(
          "atomic_queue capacity must be a power of two from 4096 to 2^30 (it rounds others up), got " +
          std::to_string(capacity));
    }
    return static_cast<unsigned>(capacity);
  }

  Ring queue_;
};

}  // namespace qb
