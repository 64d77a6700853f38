// xenium (Debian libxenium-dev 0.0.2, header-only): michael_scott_queue,
// ramalhete_queue and vyukov_bounded_queue.
//
// Reclamation, for the two linked queues: generic_epoch_based<> with the
// library's defaults (every 100th operation scans all threads' epochs). An
// operation costs one fence to enter its epoch, where hazard pointers would
// cost one per protected node; the price is that a thread stalled inside an
// operation holds back every thread's garbage (memory, not progress). Threads
// need no registration: a thread's epoch record is made on its first
// operation, and when it exits its unreclaimed nodes go to a global list that
// other threads adopt.
//
// xenium_ms_queue: Michael and Scott's linked queue; one node allocated per
// push. Unbounded, lock_free, FIFO. T is stored as Stored<T> (emptying.hpp)
// because a popped value's husk stays in the dummy node until reclaimed.
//
// xenium_ramalhete_queue: Ramalhete and Correia's FAAArrayQueue, linked nodes
// of 512 entries filled by fetch-and-add. Entries are pointer-sized, so each
// item travels as a pointer to a heap copy (one allocation per push).
// Unbounded, lock_free (a pop that finds its entry still being written waits
// at most pop_retries polls, then marks it and moves on), FIFO. Raw pointers,
// not the library's std::unique_ptr mode: in 0.0.2 a node's destructor walks
// push_idx past the node's end when pushes overflowed into the next node, and
// deletes entries that were already popped (AddressSanitizer: double free);
// with raw pointers the node deletes nothing and ~XeniumRamalheteQueue pops
// and deletes what is left.
//
// xenium_vyukov_bounded: Vyukov's bounded ring, capacity a power of two >= 2.
// Its try_push/try_pop wait for a pending operation on the same slot (the
// library calls them blocking): slot_blocking. FIFO. No reclamation.
#pragma once

#include <xenium/michael_scott_queue.hpp>
#include <xenium/policy.hpp>
#include <xenium/ramalhete_queue.hpp>
#include <xenium/reclamation/generic_epoch_based.hpp>
#include <xenium/vyukov_bounded_queue.hpp>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "queues/peers/emptying.hpp"
#include "queues/queue.hpp"

namespace qb {

using XeniumReclaimer = xenium::policy::reclaimer<xenium::reclamation::generic_epoch_based<>>;

template <class T>
class XeniumMsQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "xenium_ms_queue", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::lock_free, .order = Order::fifo,
      .capacity_required = false};

  explicit XeniumMsQueue(std::size_t /*capacity: unbounded*/ = 0) {}
  bool try_push(T&& value) {
    queue_.push(Stored<T>(std::move(value)));
    return true;
  }
  bool try_pop(T& out) {
    return take_stored(out, [this](Stored<T>& s) { return queue_.try_pop(s); });
  }

 private:
  xenium::michael_scott_queue<Stored<T>, XeniumReclaimer> queue_;
};

template <class T>
class XeniumRamalheteQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "xenium_ramalhete_queue", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::lock_free, .order = Order::fifo,
      .capacity_required = false};

  explicit XeniumRamalheteQueue(std::size_t /*capacity: unbounded*/ = 0) {}
  XeniumRamalheteQueue(const XeniumRamalheteQueue&) = delete;
  XeniumRamalheteQueue& operator=(const XeniumRamalheteQueue&) = delete;
  ~XeniumRamalheteQueue() {
    for (T* left = nullptr; queue_.try_pop(left);) delete left;
  }

  bool try_push(T&& value) {
    auto copy = std::make_unique<T>(std::move(value));
    queue_.push(copy.get());
    copy.release();  // the queue holds it now
    return true;
  }
  bool try_pop(T& out) {
    T* popped = nullptr;
    if (!queue_.try_pop(popped)) return false;
    out = std::move(*std::unique_ptr<T>(popped));
    return true;
  }

 private:
  xenium::ramalhete_queue<T*, XeniumReclaimer> queue_;
};

template <class T>
class XeniumVyukovBounded {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "xenium_vyukov_bounded", .bounded = true, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::slot_blocking, .order = Order::fifo,
      .capacity_required = true};

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked(capacity); }
  explicit XeniumVyukovBounded(std::size_t capacity) : queue_(checked(capacity)) {}
  bool try_push(T&& value) {
    return offer_stored(value, [this](Stored<T>&& s) { return queue_.try_push(std::move(s)); });
  }
  bool try_pop(T& out) {
    return take_stored(out, [this](Stored<T>& s) { return queue_.try_pop(s); });
  }

 private:
  static std::size_t checked(std::size_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) {
      throw std::invalid_argument("xenium_vyukov_bounded capacity must be a power of two >= 2, got " +
                                  std::to_string(capacity));
    }
    return capacity;
  }

  xenium::vyukov_bounded_queue<Stored<T>> queue_;
};

}  // namespace qb
