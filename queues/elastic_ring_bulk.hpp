// ElasticRing's bulk calls, declared in its class (elastic_ring.hpp) and
// defined here to keep each file near 300 lines. The numbers (9)-(12) go on
// from elastic_ring.hpp's (1)-(5); mpsc_elastic.hpp's (6)-(8) lie between.
//
// A bulk push claims k consecutive positions [t, t + k) with one CAS of the
// tail, from t to t + k, once their slots are free for this lap (a slot's
// stamp equals its position). Positions stop at the lap's end (index
// capacity_), so the k slots are slots_[index(t)] onwards, in a row, with no
// wrap: in a ring without a lap's end capacity_ is one_lap_ and t + k then
// lands on the next lap's index 0 by itself.
//
// The free slots from t on are a prefix: slot t + i is free once the single
// consumer has popped position t + i - one_lap (the previous lap's), and it
// pops positions in order. So one look at the range's last slot tells that
// the whole range is free, and a slot held by a previous lap's producer that
// has not published cannot hide behind it: the consumer has not passed it.
//
// One publish of N: the k stamps cannot become one word (the consumer checks
// each slot's stamp, since the claims of other producers interleave with
// ours in the ring), but only one of them needs to be a release: the first.
// The consumer reads slots in position order, so it reads slot t + i (i > 0)
// only after its acquire (4) or (11) has read slot t's stamp t + 1, which
// (10) alone writes; every value and every later stamp of the claim is
// written before (10), so they all happen before that read. The later stamps
// are relaxed, and the consumer sees the claim's k items appear together.
// Nothing else reads a published stamp but producers, to learn that a slot
// is not free, which touches no value.
//
// A bulk pop reads the slots from head_ on while their stamps say published,
// in runs of slots in a row: to the lap's end, where it stops (next_lap() is
// the caller's), or in a ring without one across the wrap. It empties each
// slot with its own release (12): any slot may be the one a producer's (2) or
// (9) looks at, and then its release must cover every read before it.
//
// Progress: try_push_bulk is lock-free (a lost CAS means another claim won;
// it never waits for a slot), try_pop_bulk wait-free (at most n slots).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "queues/backoff.hpp"
#include "queues/elastic_ring.hpp"

namespace qb::detail {

template <class T>
std::size_t ElasticRing<T>::try_push_bulk(T* items, std::size_t n) {
  Backoff backoff;
  // relaxed: as (1), a guess that the stamps (9) and the CAS check.
  auto tail = tail_.load(std::memory_order_relaxed);
  std::uint64_t k = 0;
  for (;;) {
    if (tail & kSealMask) return 0;
    const auto first = index_of(tail);
    // 0 at a lap's end (first == capacity_): claim() moves the tail on.
    const auto room = std::min<std::uint64_t>(n, capacity_ - first);
    if (room == 0) return 0;
    // (9) acquire: pairs with the consumer's release (5) or (12) that emptied
    // the slot on the previous lap. The free slots from the tail on are a
    // prefix (see the top of this file), so the range's last slot first: if
    // it is free, all are, and its (5) or (12), made after the consumer read
    // every earlier slot, orders all those reads before our writes. Else the
    // slots one by one, each load its own (9). A claimed slot not yet
    // published also reads as free, but then the tail has moved past it and
    // the CAS below fails.
    k = room;
    if (slots_[first + room - 1].stamp.load(std::memory_order_acquire) != tail + room - 1) {
      k = 0;
      while (k < room - 1 && slots_[first + k].stamp.load(std::memory_order_acquire) == tail + k) ++k;
      if (k == 0) return 0;
    }
    // relaxed: as try_push_once's claim, it publishes nothing; a seal bit
    // set meanwhile makes it fail. On failure tail is reloaded: look again.
    if (tail_.compare_exchange_weak(tail, tail + k, std::memory_order_relaxed, std::memory_order_relaxed)) break;
    backoff.spin();
  }
  Slot* slot = &slots_[index_of(tail)];
  // relaxed, the later stamps: (10) below orders them, with every value,
  // before the consumer's read of any of them (see the top of this file).
  for (std::uint64_t i = 1; i < k; ++i) {
    ::new (static_cast<void*>(slot[i].storage)) T(std::move(items[i]));
    slot[i].stamp.store(tail + i + 1, std::memory_order_relaxed);
  }
  ::new (static_cast<void*>(slot[0].storage)) T(std::move(items[0]));
  // (10) release: publishes the claim's k values and later stamps; pairs
  // with the consumer's acquire (4) or (11) of the first slot.
  slot[0].stamp.store(tail + 1, std::memory_order_release);
  return static_cast<std::size_t>(k);
}

template <class T>
std::size_t ElasticRing<T>::try_pop_bulk(T* out, std::size_t n) noexcept {
  // The fields the loop needs, in registers: after an acquire the compiler
  // would load each again (it cannot know they never change).
  Slot* const slots = slots_.get();
  const auto mask = mask_;
  const std::uint64_t capacity = capacity_;
  const auto head = head_;
  auto position = head;
  std::size_t k = 0;
  for (;;) {
    // A run of slots in a row: up to the lap's end (index capacity), or in a
    // ring without one (capacity == mask + 1) up to the wrap.
    const auto first = position & mask;
    Slot* slot = &slots[first];
    Slot* const end = slot + std::min<std::uint64_t>(n - k, capacity - first);
    // (11) acquire: pairs with (3), or with (10) for the first slot of a bulk
    // claim (the later ones are ordered by that first, read before them).
    for (; slot != end && slot->stamp.load(std::memory_order_acquire) == position + 1; ++slot, ++position) {
      T* p = item(*slot);
      out[k++] = std::move(*p);
      p->~T();
      // (12) release: our read happens before the next lap's write (position
      // + one_lap_, its "empty"); pairs with (2) or (9).
      slot->stamp.store(position + mask + 1, std::memory_order_release);
    }
    // Stop at an unpublished slot, at n, or at a lap's end (next_lap's work).
    if (slot != end || k == n || capacity != mask + 1) break;
  }
  head_ = position;
  return k;
}

}  // namespace qb::detail
