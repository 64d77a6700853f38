// sequence_ring: bounded MPMC ring with a 64-bit sequence number per slot
// (Dmitry Vyukov's bounded MPMC protocol).
//
// Invariants (pos is a 64-bit ticket that never wraps in practice):
// - enqueue_pos_ is the ticket of the next slot a producer will claim,
//   dequeue_pos_ the next a consumer will claim; dequeue_pos_ <= enqueue_pos_
//   <= dequeue_pos_ + capacity (up to in-flight claims).
// - For cell i on lap L (ticket pos = L * capacity + i):
//     seq == pos        the cell is empty and is next written by ticket pos;
//     seq == pos + 1    the cell holds ticket pos's value, next read by ticket pos;
//   after the read, seq becomes pos + capacity, the next lap's "empty".
//   So a cell's seq only grows: +1 on publish, +capacity - 1 on release.
// - storage holds a live T exactly while seq == pos + 1 for its ticket
//   (and between a claim and its seq store, for the claiming thread only).
//
// Progress: try_push and try_pop are slot_blocking. Neither waits for space or
// items, but a thread preempted between claiming a ticket and storing seq
// makes the peer that needs that cell wait for it (spin, then yield): the
// price of returning false only when the ring is really full or empty. A
// thread preempted after reading its cell may come back to a ticket the
// others have lapped; it retries with a fresh one, so a stale view never
// reads as "full" or "empty".
// try_push_bulk and try_pop_bulk (qb::BulkQueue): slot_blocking too. One CAS
// claims the run of k <= n consecutive cells from pos that are ready for
// their tickets, filled (emptied) in ticket order: k single calls in a row,
// linearised at the CAS. They wait only as a single call does, for the first
// cell; a later cell not ready ends the run, so k can be below the room (the
// items) the positions count while a peer is mid-operation. The argument and
// the protocol itself are in sequence_ring_attempt.hpp.
// Hooks (default NoRingHooks, empty) runs test code after each first cell
// read, to force that preemption deterministically.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"
#include "queues/queue.hpp"

namespace qb {

enum class Padding {
  none,        // cells packed: several share a cache line
  cache_line,  // one cell per kFalseSharingRange (128 bytes, cache_line.hpp): no false sharing between neighbours
};

// SequenceRing's Hooks policy: called after an operation has read its cell's
// seq and before it reads the other side's position, which is where a thread
// preempted mid-operation comes back to a stale view. A test's Hooks plays
// the other threads there (tests/queues_sequence_ring_preemption_test.cpp); this
// default does nothing, so it compiles away.
struct NoRingHooks {
  template <class Ring>
  static void after_cell_read_in_push(Ring&) noexcept {}
  template <class Ring>
  static void after_cell_read_in_pop(Ring&) noexcept {}
};

template <class T, Padding kPadding = Padding::none, class Hooks = NoRingHooks>
class SequenceRing {
  // A claimed cell must be completed: if moving into or out of it threw, its
  // seq would never advance and every later lap would wait on it forever.
  static_assert(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_destructible_v<T>,
                "T's move constructor and destructor must be noexcept");

 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "sequence_ring",
      .bounded = true,
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::slot_blocking,
      .order = Order::fifo,
      .capacity_required = true,
  };

  // Capacity must be a power of two (the slot is ticket & mask) and at least 2:
  // with one cell, "published" (pos + 1) would equal the next ticket's "empty".
  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)checked_capacity(capacity); }
  explicit SequenceRing(std::size_t capacity)
      : mask_(checked_capacity(capacity) - 1), cells_(new Cell[capacity]) {
    for (std::size_t i = 0; i < capacity; ++i) {
      // relaxed: the constructor finishes before the queue is shared, and
      // sharing it (thread start) is itself a synchronisation point.
      cells_[i].seq.store(i, std::memory_order_relaxed);
    }
    // The layout is a promise (here, where the class is complete): producers
    // write enqueue_pos_, consumers dequeue_pos_, both read mask_ and cells_;
    // each group in its own range, and nothing after dequeue_pos_ in its.
    static_assert(std::is_standard_layout_v<SequenceRing>);
    static_assert(in_different_ranges(offsetof(SequenceRing, enqueue_pos_), offsetof(SequenceRing, dequeue_pos_)));
    static_assert(in_different_ranges(offsetof(SequenceRing, enqueue_pos_), offsetof(SequenceRing, cells_)));
    static_assert(in_different_ranges(offsetof(SequenceRing, dequeue_pos_), offsetof(SequenceRing, cells_)));
    static_assert(sizeof(SequenceRing) - offsetof(SequenceRing, dequeue_pos_) >= kFalseSharingRange);
  }

  SequenceRing(const SequenceRing&) = delete;
  SequenceRing& operator=(const SequenceRing&) = delete;

  ~SequenceRing() {
    // Quiescent by contract: every claimed ticket has been published, so the
    // live items are exactly tickets [dequeue_pos_, enqueue_pos_).
    const auto end = enqueue_pos_.load(std::memory_order_relaxed);
    for (auto pos = dequeue_pos_.load(std::memory_order_relaxed); pos != end; ++pos) {
      item(cells_[pos & mask_])->~T();
    }
  }

  std::size_t capacity() const noexcept { return mask_ + 1; }

  bool try_push(T&& value) { return push_run(&value, 1) != 0; }
  bool try_pop(T& out) { return pop_run(&out, 1) != 0; }

  // Moves items[0, k) in (out[0, k) out) and returns k: 0 only when full
  // (empty); n == 0 looks at nothing.
  std::size_t try_push_bulk(T* items, std::size_t n) { return n == 0 ? 0 : push_run(items, n); }
  std::size_t try_pop_bulk(T* out, std::size_t n) { return n == 0 ? 0 : pop_run(out, n); }

  // Stale as soon as it returns.
  std::size_t approx_size() const noexcept {
    const auto deq = dequeue_pos_.load(std::memory_order_relaxed);  // relaxed: an estimate
    const auto enq = enqueue_pos_.load(std::memory_order_relaxed);
    return enq > deq ? static_cast<std::size_t>(enq - deq) : 0;
  }

 private:
  static constexpr std::size_t kCellAlign =
      kPadding == Padding::cache_line ? kFalseSharingRange : alignof(std::atomic<std::uint64_t>);

  struct alignas(kCellAlign) Cell {
    std::atomic<std::uint64_t> seq{0};
    alignas(T) unsigned char storage[sizeof(T)];
  };

  // What one look at a cell ended in; try_push and try_pop repeat it until
  // done or refused, waiting as it says.
  enum class Attempt {
    done,     // the item is pushed (popped)
    refused,  // full (empty)
    lost,     // another thread won the ticket: spin, it is making progress
    waiting,  // the cell's previous owner is mid-operation: snooze
    stale,    // pos had been overtaken: retry at once with the fresh one
  };

  // The Backoff is built only here, after a first attempt that did not
  // finish, so the uncontended path spends nothing on it (zeroing its
  // counter cost an instruction per push and per pop, callgrind).
  template <class Once>
  static bool retry(Attempt attempt, Once once) {
    Backoff backoff;
    for (;;) {
      if (attempt == Attempt::lost) backoff.spin();
      if (attempt == Attempt::waiting) backoff.snooze();
      attempt = once();
      if (attempt == Attempt::done) return true;
      if (attempt == Attempt::refused) return false;
    }
  }

  // Pushes a run of k in [1, n] items (n >= 1), or none when full; returns k.
  std::size_t push_run(T* items, std::size_t n) {
    // (1) relaxed: pos is only a guess; the cell's seq (2) says whether it is
    // ours to take, and the CAS makes the claim.
    auto pos = enqueue_pos_.load(std::memory_order_relaxed);
    std::size_t k = 0;
    const Attempt first = push_once(pos, items, n, k);
    if (first == Attempt::done) [[likely]] return k;
    return first != Attempt::refused && retry(first, [&] { return push_once(pos, items, n, k); }) ? k : 0;
  }

  std::size_t pop_run(T* out, std::size_t n) {
    // relaxed: a guess, as (1).
    auto pos = dequeue_pos_.load(std::memory_order_relaxed);
    std::size_t k = 0;
    const Attempt first = pop_once(pos, out, n, k);
    if (first == Attempt::done) [[likely]] return k;
    return first != Attempt::refused && retry(first, [&] { return pop_once(pos, out, n, k); }) ? k : 0;
  }

  // One push (pop) attempt of up to n items at ticket pos: done with the
  // run's length in k, else pos is left at the ticket to try next.
  // Defined in sequence_ring_attempt.hpp.
  Attempt push_once(std::uint64_t& pos, T* items, std::size_t n, std::size_t& k);
  Attempt pop_once(std::uint64_t& pos, T* out, std::size_t n, std::size_t& k);

  static T* item(Cell& cell) noexcept {
    return std::launder(reinterpret_cast<T*>(cell.storage));
  }

  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0) {
      throw std::invalid_argument("sequence_ring capacity must be a power of two >= 2, got " +
                                  std::to_string(capacity));
    }
    return capacity;
  }

  // Read-only after construction; on a line of their own so that the hot
  // positions below do not drag them into every ping-pong.
  alignas(kFalseSharingRange) const std::size_t mask_;
  const std::unique_ptr<Cell[]> cells_;
  alignas(kFalseSharingRange) std::atomic<std::uint64_t> enqueue_pos_{0};
  alignas(kFalseSharingRange) std::atomic<std::uint64_t> dequeue_pos_{0};
  // Keeps the next object off dequeue_pos_'s line.
  [[maybe_unused]] char tail_padding_[kFalseSharingRange - sizeof(std::atomic<std::uint64_t>)] = {};

  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
};

}  // namespace qb

#include "queues/sequence_ring_attempt.hpp"  // push_once and pop_once
