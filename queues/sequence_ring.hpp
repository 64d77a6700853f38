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
// Hooks (default NoRingHooks, empty) runs test code after each cell read,
// to force that preemption deterministically.
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

  bool try_push(T&& value) {
    // (1) relaxed: pos is only a guess; the cell's seq (2) says whether it is
    // ours to take, and the CAS makes the claim.
    auto pos = enqueue_pos_.load(std::memory_order_relaxed);
    const Attempt first = push_once(pos, value);
    if (first == Attempt::done) [[likely]] return true;
    return first != Attempt::refused && retry(first, [&] { return push_once(pos, value); });
  }

  bool try_pop(T& out) {
    // relaxed: a guess, as (1).
    auto pos = dequeue_pos_.load(std::memory_order_relaxed);
    const Attempt first = pop_once(pos, out);
    if (first == Attempt::done) [[likely]] return true;
    return first != Attempt::refused && retry(first, [&] { return pop_once(pos, out); });
  }

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

  // One push attempt at ticket pos; leaves in pos the ticket to try next.
  Attempt push_once(std::uint64_t& pos, T& value) {
    Cell& cell = cells_[pos & mask_];
    // (2) acquire: pairs with the release (6) of the consumer that emptied
    // this cell on the previous lap, so our write below cannot race its read.
    const auto seq = cell.seq.load(std::memory_order_acquire);
    Hooks::after_cell_read_in_push(*this);
    const auto diff = static_cast<std::int64_t>(seq - pos);
    if (diff == 0) [[likely]] {
      // (3) relaxed on both paths: winning the ticket publishes nothing;
      // the value is published by (4), and (2) already ordered us after the
      // cell's previous reader.
      // Into a copy, so that pos stays in the register the winner goes on
      // with (two moves a pair fewer, callgrind; pop_once likewise).
      auto current = pos;
      if (enqueue_pos_.compare_exchange_weak(current, pos + 1, std::memory_order_relaxed,
                                             std::memory_order_relaxed)) {
        ::new (static_cast<void*>(cell.storage)) T(std::move(value));
        // (4) release: publishes the value; pairs with the acquire (5).
        cell.seq.store(pos + 1, std::memory_order_release);
        return Attempt::done;
      }
      pos = current;  // the ticket that won
      return Attempt::lost;
    }
    if (diff < 0) {
      // The cell still holds last lap's item. Full, unless a consumer has
      // already claimed that item and is still reading it, or pos went stale
      // while we were preempted after (2) and consumers have since passed
      // it. Signed, because in that last case dequeue_pos_ > pos and the
      // unsigned difference would wrap to "full" on an empty ring. A stale
      // pos cannot fake "full": enqueue_pos_ only grows, so the real count
      // is at least this one.
      // relaxed: only a count is compared; no data is read on its strength.
      const auto claimed =
          static_cast<std::int64_t>(pos - dequeue_pos_.load(std::memory_order_relaxed));
      if (claimed >= static_cast<std::int64_t>(capacity())) return Attempt::refused;
      // relaxed: as (1). Unchanged, pos is current and a consumer is still
      // reading the cell: wait for its (6). Changed, pos was stale: retry now.
      const auto fresh = enqueue_pos_.load(std::memory_order_relaxed);
      const Attempt next = fresh == pos ? Attempt::waiting : Attempt::stale;
      pos = fresh;
      return next;
    }
    pos = enqueue_pos_.load(std::memory_order_relaxed);  // stale ticket; as (1)
    return Attempt::stale;
  }

  // One pop attempt at ticket pos; leaves in pos the ticket to try next.
  Attempt pop_once(std::uint64_t& pos, T& out) {
    Cell& cell = cells_[pos & mask_];
    // (5) acquire: pairs with the release (4), so the value is visible.
    const auto seq = cell.seq.load(std::memory_order_acquire);
    Hooks::after_cell_read_in_pop(*this);
    const auto diff = static_cast<std::int64_t>(seq - (pos + 1));
    if (diff == 0) [[likely]] {
      // relaxed on both paths, as (3): (5) already ordered us after the write.
      auto current = pos;
      if (dequeue_pos_.compare_exchange_weak(current, pos + 1, std::memory_order_relaxed,
                                             std::memory_order_relaxed)) {
        T* p = item(cell);
        out = std::move(*p);
        p->~T();
        // (6) release: our read of the cell happens before the next lap's
        // producer writes it; pairs with the acquire (2).
        cell.seq.store(pos + mask_ + 1, std::memory_order_release);
        return Attempt::done;
      }
      pos = current;
      return Attempt::lost;
    }
    if (diff < 0) {
      // Not published yet. Empty, unless a producer has claimed this ticket
      // and is still writing it, or pos went stale while we were preempted
      // after (5). No signed difference is needed here: a stale pos is only
      // ever below the current positions, so it reads as "not empty" and we
      // retry, and "empty" needs enqueue_pos_ <= pos <= dequeue_pos_, which
      // with dequeue_pos_ <= enqueue_pos_ means there is nothing to take.
      // relaxed: a count only, as in push_once.
      if (enqueue_pos_.load(std::memory_order_relaxed) <= pos) return Attempt::refused;
      // relaxed: a guess, as (1). Unchanged, a producer is still writing
      // ticket pos: wait for its (4). Changed, pos was stale: retry now.
      const auto fresh = dequeue_pos_.load(std::memory_order_relaxed);
      const Attempt next = fresh == pos ? Attempt::waiting : Attempt::stale;
      pos = fresh;
      return next;
    }
    pos = dequeue_pos_.load(std::memory_order_relaxed);  // stale ticket; as (1)
    return Attempt::stale;
  }

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
