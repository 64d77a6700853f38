// Concurrency Kit's ck_ring (Debian libck-dev) in its MPMC mode.
//
// ck_ring.h does not compile as C++, so the ring operations are compiled as
// C in ck_ring_shim.c and called out of line: each push and pop pays a call
// (and a memcpy of run-time size) that a C user, inlining them, would not.
//
// Slots: a trivially copyable T travels by value, copied into slots of
// sizeof(T) bytes (what CK_RING_PROTOTYPE makes of a named type); any other T
// travels as a pointer to a heap copy, ck_ring's native form, allocated by
// try_push and freed by the try_pop that takes it.
//
// Capacity: a ring of 2^k slots holds 2^k - 1 items (one slot stays empty to
// tell full from empty), so the adapter takes capacities of the form 2^k - 1
// and builds a ring of capacity + 1 slots: it holds exactly `capacity` items.
//
// Progress: blocking. A producer claims a ticket, writes its slot, then spins
// until every earlier ticket has been published: one stalled producer stalls
// every later one, as a lock holder would. Consumers are lock-free (a CAS on
// the head, retried only when another consumer won). FIFO: items are
// published in ticket order and taken in head order.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "queues/peers/ck_ring_shim.h"
#include "queues/queue.hpp"

namespace qb {

template <class T>
class CkRingMpmc {
  static constexpr bool kByValue = std::is_trivially_copyable_v<T>;
  using Slot = std::conditional_t<kByValue, T, T*>;

 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "ck_ring_mpmc", .bounded = true, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::blocking, .order = Order::fifo,
      .capacity_required = true};
  static constexpr std::size_t kDefaultCapacity = 1023;

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked(capacity); }
  explicit CkRingMpmc(std::size_t capacity)
      : slots_(new Slot[checked(capacity) + 1]), ring_(qb_ck_ring_new(static_cast<unsigned>(capacity + 1))) {
    if (!ring_) throw std::bad_alloc();
  }
  ~CkRingMpmc() {
    if constexpr (!kByValue) {
      for (Slot left; dequeue(left);) delete left;
    }
  }

  bool try_push(T&& value) {
    if constexpr (kByValue) {
      return qb_ck_ring_enqueue_mpmc(ring_.get(), slots_.get(), &value, sizeof(Slot));
    } else {
      auto copy = std::make_unique<T>(std::move(value));
      const Slot slot = copy.get();
      if (!qb_ck_ring_enqueue_mpmc(ring_.get(), slots_.get(), &slot, sizeof(Slot))) {
        value = std::move(*copy);  // full: the caller keeps its element
        return false;
      }
      copy.release();  // the ring holds it now
      return true;
    }
  }

  bool try_pop(T& out) {
    Slot slot;  // the ring copies into it even on a lost CAS, so not into `out`
    if (!dequeue(slot)) return false;
    if constexpr (kByValue) {
      out = slot;
    } else {
      out = std::move(*std::unique_ptr<T>(slot));
    }
    return true;
  }

 private:
  struct RingDeleter {
    void operator()(ck_ring* ring) const { qb_ck_ring_delete(ring); }
  };

  bool dequeue(Slot& slot) { return qb_ck_ring_dequeue_mpmc(ring_.get(), slots_.get(), &slot, sizeof(Slot)); }

  static std::size_t checked(std::size_t capacity) {
    if (capacity == 0 || capacity >= (std::size_t{1} << 31) || ((capacity + 1) & capacity) != 0) {
      throw std::invalid_argument("ck_ring_mpmc capacity must be 2^k - 1 (1, 3, 7, ..., 1023, ...), got " +
                                  std::to_string(capacity));
    }
    return capacity;
  }

  const std::unique_ptr<Slot[]> slots_;
  const std::unique_ptr<ck_ring, RingDeleter> ring_;
};

}  // namespace qb
