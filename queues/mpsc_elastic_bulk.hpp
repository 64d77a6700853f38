// MpscElastic's bulk calls (qb::BulkQueue), declared in its class
// (mpsc_elastic.hpp) and defined here to keep each file near 300 lines. The
// ring does the work (elastic_ring_bulk.hpp); here the calls meet the chain.
//
// try_push_bulk loops: a bulk claim on the current ring (as try_push's fast
// path, under the hazard this thread already holds on it), and when that
// claims nothing, one item through try_push's own slow path, which protects
// the ring, skips a lap's end, waits for a previous lap's producer, grows a
// full ring or follows the chain. So a ring grows only when a single push
// would have found it full, and the call stops short only when a ring of
// max_capacity is full. Every item is pushed by one claim CAS (alone or with
// its neighbours in the call), the point where it joins the queue's order,
// and each claim comes after the previous one, so the call's items keep
// their order and each push is linearisable as a single one is.
//
// try_pop_bulk is try_pop with a run for an item: the head ring's run of
// published items, or, when there is none, ready_slow (next lap, shrinking,
// the move to the next ring) and that ring's run, which holds at least the
// item try_pop would have taken. It returns fewer than n at a lap's end or a
// ring's end even when more items wait beyond it; the next call takes them.
#pragma once

#include <cstddef>
#include <utility>

#include "queues/hazard_pointer.hpp"
#include "queues/mpsc_elastic.hpp"

namespace qb {

template <class T>
std::size_t MpscElastic<T>::try_push_bulk(T* items, std::size_t n) {
  // One item: try_push's inlined path, not a bulk claim's set-up (callgrind:
  // a bulk call of one cost about twice a single call).
  if (n == 1) return try_push(std::move(items[0])) ? 1 : 0;
  std::size_t done = 0;
  while (done < n) {
    // (6) seq_cst: as in try_push, the re-check half of the hazard pairing.
    Ring* ring = current_.load(std::memory_order_seq_cst);
    // Equal: protected, as in try_push (a (7) of this thread precedes (6)).
    if (detail::my_pointer_hazard() == ring) [[likely]] {
      const std::size_t k = ring->try_push_bulk(items + done, n - done);
      done += k;
      if (k != 0) [[likely]] continue;
    }
    const auto claim = claim_slow();
    if (claim.slot == nullptr) break;  // full at max_capacity
    Ring::publish(claim, items[done]);
    ++done;
  }
  return done;
}

template <class T>
std::size_t MpscElastic<T>::try_pop_bulk(T* out, std::size_t n) {
  if (n == 0) return 0;  // and no slow path: it could shrink for a call that takes nothing
  if (n == 1) return try_pop(out[0]) ? 1 : 0;  // as in try_push_bulk
  if (const std::size_t k = head_ring_->try_pop_bulk(out, n)) [[likely]] return k;
  Ring* ring = ready_slow();
  return ring != nullptr ? ring->try_pop_bulk(out, n) : 0;  // at least 1: its head is published
}

}  // namespace qb
