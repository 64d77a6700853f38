// segmented's claims: the loops that take one slot, or a run of slots, at
// the tail (claim_tail) or the head (claim_head), with the hand-over to the
// next block when a claim takes a block's last slot; and the bulk calls
// (qb::BulkQueue) built on them. Included by segmented.hpp, whose Segmented
// declares them; the memory orders are numbered across segmented.hpp, this
// file and segmented_block.hpp.
//
// A run is up to `want` consecutive slots of one block, claimed by one CAS
// of the index: never past the block's last slot, whose claimer installs the
// next block (producers) or moves the head into it (consumers) as a single
// claim of that slot does. A run is so the same as single claims in a row,
// linearised at the CAS. Its slots are then written (read) in order; the
// block-freeing protocol is per slot, so one reader holding several slots
// needs nothing new (segmented_block.hpp says why the block outlives them).
//
// Progress (besides segmented.hpp's): try_push_bulk is slot_blocking like
// try_push and moves all n items, one claim per block it reaches (there is
// no "full"); try_pop_bulk makes one claim, of the run of slots claimed by
// producers from the head on in the head's block, so it returns fewer than n
// at a block's end, 0 at once when empty, and then waits like try_pop for
// each slot's `written`.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "queues/backoff.hpp"
#include "queues/segmented.hpp"
#include "queues/segmented_block.hpp"

namespace qb {

template <class T>
inline auto Segmented<T>::claim_tail(std::size_t want) -> Claim {
  Backoff backoff;
  std::size_t tail;
  Block* block;
  auto load = [&] {
    // (1) acquire: pairs with the release claims (5) and store (7), so the
    // block loaded in (2) is this index's, or a later one.
    tail = tail_.index.load(std::memory_order_acquire);
    // (2) acquire: pairs with the release in (3) and (6): the block's
    // initialised flags and null next are visible before we claim a slot.
    block = tail_.block.load(std::memory_order_acquire);
  };
  load();
  std::unique_ptr<Block> next_block;
  for (;;) {
    const std::size_t offset = offset_of(tail);
    if (offset == kBlockCap) {  // the next block is being installed
      backoff.snooze();
      load();
      continue;
    }
    const std::size_t left = kBlockCap - offset;  // slots left in this block, >= 1
    const std::size_t count = want == 1 ? 1 : std::min(want, left);  // push_slow: no count
    const bool takes_last = count == left;
    if (block == nullptr) {  // the first push installs the first block
      auto first = next_block ? std::move(next_block) : new_block();
      Block* expected = nullptr;
      // (3) release: publishes the new block to producers' (2). Relaxed
      // on failure: load() then acquires the winner's block.
      if (!tail_.block.compare_exchange_strong(expected, first.get(), std::memory_order_release,
                                               std::memory_order_relaxed)) {
        next_block = std::move(first);  // keep it as a preallocation
        load();
        continue;
      }
      // (4) release: publishes the block to consumers; pairs with (10).
      head_.block.store(first.get(), std::memory_order_release);
      block = first.release();
    }
    // Allocated before the claim, so the others wait for stores, not malloc;
    // and after the first block's install, which may use a preallocation: a
    // run from the first slot can take the last.
    if (takes_last && !next_block) next_block = new_block();
    // (5) seq_cst on success: a release RMW (carrying (7)'s release sequence
    // to (1)) in the single total order with pop's load (11), so an
    // emptiness check after this claim sees it. Acquire on failure: as (1).
    if (tail_.index.compare_exchange_weak(tail, tail + count * kStep, std::memory_order_seq_cst,
                                          std::memory_order_acquire)) {
      if (takes_last) {  // we took the last slot: install the next block
        Block* next = next_block.release();
        // (6) release: publishes the next block; pairs with (2).
        tail_.block.store(next, std::memory_order_release);
        // (7) release: skips the sentinel; pairs with (1) and (5)'s failure
        // load, so a producer that sees this index also sees (6)'s block.
        tail_.index.store(tail + (count + 1) * kStep, std::memory_order_release);
        // (8) release: links the block for our last slot's consumer; pairs
        // with wait_next's (17) (segmented_block.hpp, as (9), (16)-(20)).
        block->next.store(next, std::memory_order_release);
      }
      return {block, offset, count};  // an unused preallocation dies with next_block
    }
    block = tail_.block.load(std::memory_order_acquire);  // as (2)
    backoff.spin();
  }
}

template <class T>
inline auto Segmented<T>::claim_head(std::size_t want) -> Claim {
  Backoff backoff;
  std::size_t head;
  Block* block;
  auto load = [&] {
    // (10) acquire: pairs with (12)/(15) for the index and (4)/(14) for the
    // block, so the block is this index's (or a later one), contents visible.
    head = head_.index.load(std::memory_order_acquire);
    block = head_.block.load(std::memory_order_acquire);
  };
  load();
  for (;;) {
    const std::size_t offset = offset_of(head);
    if (offset == kBlockCap) {  // the next block is being installed
      backoff.snooze();
      load();
      continue;
    }
    std::size_t new_head;
    const std::size_t count = claimable(head, want, new_head);
    if (count == 0) return {nullptr, 0, 0};
    if (block == nullptr) {  // the first push has claimed but not yet published
      backoff.snooze();
      load();
      continue;
    }
    // (12) seq_cst on success: a release RMW for (10) that also keeps claims
    // in one total order with (5) and (11). Acquire on failure: as (10).
    if (head_.index.compare_exchange_weak(head, new_head, std::memory_order_seq_cst,
                                          std::memory_order_acquire)) {
      if (offset + count == kBlockCap) {  // we took the last slot: move the head on
        Block* next = segmented_detail::wait_next(*block);
        std::size_t next_index = (new_head & ~kHasNext) + kStep;
        // (13) relaxed: a hint (`next` is fully claimed); no data read through it.
        if (next->next.load(std::memory_order_relaxed) != nullptr) next_index |= kHasNext;
        // (14) release: publishes `next` (acquired in (17)); pairs with (10).
        head_.block.store(next, std::memory_order_release);
        // (15) release: skips the sentinel; pairs with (10) and (12)'s
        // failure load, so a consumer that sees it also sees (14)'s block.
        head_.index.store(next_index, std::memory_order_release);
      }
      return {block, offset, count};
    }
    block = head_.block.load(std::memory_order_acquire);  // as (10)
    backoff.spin();
  }
}

template <class T>
std::size_t Segmented<T>::try_push_bulk(T* items, std::size_t n) {
  for (std::size_t done = 0; done < n;) {
    const Claim run = claim_tail(n - done);
    for (std::size_t i = 0; i < run.count; ++i) {
      segmented_detail::write(run.block->slots[run.offset + i], std::move(items[done + i]));
    }
    done += run.count;
  }
  return n;
}

template <class T>
std::size_t Segmented<T>::try_pop_bulk(T* out, std::size_t n) {
  if (n == 0) return 0;
  const Claim run = claim_head(n);
  for (std::size_t i = 0; i < run.count; ++i) {
    segmented_detail::read(run.block->slots[run.offset + i], out[i]);
    segmented_detail::release(run.block, run.offset + i);  // the block's last slot frees it: last here
  }
  return run.count;
}

}  // namespace qb
