// sequence_ring's protocol: one push or pop attempt at a ticket, which
// SequenceRing's try_* calls (sequence_ring.hpp) repeat until it is done or
// refused. The memory orders are numbered across both files.
//
// An attempt takes a run: from the cell at pos, the k <= n consecutive cells
// free (published) for their tickets pos, pos + 1, ..., claimed with one CAS
// of the position from pos to pos + k, then filled (emptied) in ticket order.
// A single call is the run of one (n == 1 folds the run's loops away, so its
// code is the one-cell protocol's: same instruction count, callgrind).
//
// Why the cells looked at before the CAS are still ours after it: a cell's
// seq changes only by the holder of the ticket it is free (published) for,
// and tickets are handed out only by the position's CAS, which moves the
// position up. Cell pos + i read free for ticket pos + i (seq == pos + i)
// can change only once ticket pos + i is claimed, which moves enqueue_pos_
// past pos; so a CAS that finds enqueue_pos_ still at pos finds every cell
// of the run as it was read. Likewise for pops, with seq == pos + i + 1 and
// dequeue_pos_. A cell ahead by a lap or more (seq above) also means the
// position has moved, and the CAS fails. k is at most the capacity.
//
// So a run of k is k single calls in a row, linearised at the CAS: FIFO and
// exactly-once hold as for single calls. Progress is the single call's: only
// the run's first cell can make the attempt wait; a later cell not ready
// (its previous reader, or its writer, still at work) ends the run there, so
// k may be below the room (the items) the positions count at that moment.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "queues/sequence_ring.hpp"

namespace qb {

template <class T, Padding kPadding, class Hooks>
inline auto SequenceRing<T, kPadding, Hooks>::push_once(std::uint64_t& pos, T* items, std::size_t n,
                                                        std::size_t& k) -> Attempt {
  // Read-only members into locals: the atomics below would make the compiler
  // load them again for every cell of a run (callgrind).
  const std::size_t mask = mask_;
  Cell* const cells = cells_.get();
  Cell& cell = cells[pos & mask];
  // (2) acquire: pairs with the release (6) of the consumer that emptied
  // this cell on the previous lap, so our write below cannot race its read.
  const auto seq = cell.seq.load(std::memory_order_acquire);
  Hooks::after_cell_read_in_push(*this);
  const auto diff = static_cast<std::int64_t>(seq - pos);
  if (diff == 0) [[likely]] {
    std::size_t run = 1;  // a single push (n == 1) folds the loops away
    // (7) acquire, each: as (2), for the run's later cells; pairs with (6).
    const std::size_t most = n <= mask ? n : mask + 1;  // at most a lap
    while (run < most && cells[(pos + run) & mask].seq.load(std::memory_order_acquire) == pos + run) ++run;
    // (3) relaxed on both paths: winning the tickets publishes nothing;
    // the values are published by (4), and (2) and (7) already ordered us
    // after the cells' previous readers.
    // Into a copy, so that pos stays in the register the winner goes on
    // with (two moves a pair fewer, callgrind; pop_once likewise).
    auto current = pos;
    if (enqueue_pos_.compare_exchange_weak(current, pos + run, std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
      for (std::size_t i = 0; i < run; ++i) {
        Cell& mine = i == 0 ? cell : cells[(pos + i) & mask];  // cell: no reload after the CAS
        ::new (static_cast<void*>(mine.storage)) T(std::move(items[i]));
        // (4) release: publishes the value; pairs with the acquire (5) or (8).
        mine.seq.store(pos + i + 1, std::memory_order_release);
      }
      k = run;
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

template <class T, Padding kPadding, class Hooks>
inline auto SequenceRing<T, kPadding, Hooks>::pop_once(std::uint64_t& pos, T* out, std::size_t n,
                                                       std::size_t& k) -> Attempt {
  const std::size_t mask = mask_;  // as in push_once
  Cell* const cells = cells_.get();
  Cell& cell = cells[pos & mask];
  // (5) acquire: pairs with the release (4), so the value is visible.
  const auto seq = cell.seq.load(std::memory_order_acquire);
  Hooks::after_cell_read_in_pop(*this);
  const auto diff = static_cast<std::int64_t>(seq - (pos + 1));
  if (diff == 0) [[likely]] {
    std::size_t run = 1;
    // (8) acquire, each: as (5), for the run's later cells; pairs with (4).
    const std::size_t most = n <= mask ? n : mask + 1;
    while (run < most && cells[(pos + run) & mask].seq.load(std::memory_order_acquire) == pos + run + 1) ++run;
    // relaxed on both paths, as (3): (5) and (8) already ordered us after
    // the writes.
    auto current = pos;
    if (dequeue_pos_.compare_exchange_weak(current, pos + run, std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
      for (std::size_t i = 0; i < run; ++i) {
        Cell& mine = i == 0 ? cell : cells[(pos + i) & mask];  // cell: no reload after the CAS
        T* p = item(mine);
        out[i] = std::move(*p);
        p->~T();
        // (6) release: our read of the cell happens before the next lap's
        // producer writes it; pairs with the acquire (2) or (7).
        mine.seq.store(pos + i + mask + 1, std::memory_order_release);
      }
      k = run;
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

}  // namespace qb
