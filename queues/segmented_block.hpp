// segmented's block: a run of slots that producers fill once and consumers
// empty once, freed by its last reader without a garbage collector
// (crossbeam's SegQueue block). The queue (segmented.hpp) hands out the slots;
// this file holds the slot's state words and the protocol that frees a block.
//
// Invariants:
// - Block::next: null until the producer of the block's last slot links the
//   next block (allocated before its claim); never changes afterwards.
// - Slot::written, false in a new block: true once the value is constructed.
//   Its only writer is the slot's producer, once, so a plain release store
//   sets it: the readers' and freers' bits live in `state`, another word.
// - Slot::state, zero in a new block: kRead once the consumer has moved the
//   value out and destroyed it, and is done with the block; kDestroy once a
//   thread freeing the block found the slot still being read, handing the
//   freeing on to its reader. Bits only grow; each is set at most once.
// - A block is freed once, by its last reader to finish; no producer touches
//   a block after setting `written` in its slot (its last, for a producer
//   that claimed a run: every slot of the run lacks `written`, and so kRead,
//   until the producer reaches it, and kRead on every slot but the last, or
//   kDestroy handed to that slot's reader, must come before the free).
// - A reader of a run of slots (a bulk pop) reads and releases them in
//   order, as that many single readers would. The block outlives the run:
//   a freer that meets one of the run's slots without kRead hands the
//   freeing to its reader (kDestroy), and that reader, going on in
//   free_from from the next slot, hands it back to itself at its own next
//   slot, until its last one; the block's last slot, when in the run, is its
//   last and frees (free_from(block, 0)) after all the others are released.
//
// Progress: wait_next and wait_write wait for one producer (slot_blocking);
// release_slot and free_from never wait.
#pragma once

#include <atomic>
#include <cstddef>
#include <new>
#include <utility>

#include "queues/backoff.hpp"

namespace qb::segmented_detail {

inline constexpr std::size_t kLap = 32;             // positions per block
inline constexpr std::size_t kBlockCap = kLap - 1;  // slots per block; then the sentinel
inline constexpr unsigned kRead = 1;
inline constexpr unsigned kDestroy = 2;

template <class T>
struct Slot {
  alignas(T) std::byte storage[sizeof(T)];
  std::atomic<unsigned> state{0};
  std::atomic<bool> written{false};

  T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
};

// Allocated with `new Block` (default-initialised): the member initialisers
// set the flags and next, and nothing else is zeroed, since a slot's storage
// is only read after its value is constructed.
template <class T>
struct Block {
  std::atomic<Block*> next{nullptr};
  Slot<T> slots[kBlockCap];
};

// True when every slot but the last has kRead: one pass, unrolled, a test and
// a branch per slot (the loop below spends about 6 instructions a slot,
// callgrind). (19) acquire, each: as below.
template <class T, std::size_t... I>
bool all_read(Block<T>* block, std::index_sequence<I...>) {
  return ((block->slots[I].state.load(std::memory_order_acquire) & kRead) && ...);
}

// Frees `block` unless the reader of a slot in [start, kBlockCap - 1) is
// still busy, who then continues in release_slot's (16). The last slot's
// reader calls with 0.
template <class T>
[[gnu::noinline]] void free_from(Block<T>* block, std::size_t start) {
  // The common case for the last slot's reader: all the others are done, so
  // no slot needs kDestroy. Each load that sees kRead acquires that reader's
  // (16), as (19) does, so the free below comes after every reader's use.
  if (start == 0 && all_read(block, std::make_index_sequence<kBlockCap - 1>{})) {
    delete block;
    return;
  }
  for (std::size_t i = start; i + 1 < kBlockCap; ++i) {
    std::atomic<unsigned>& state = block->slots[i].state;
    // (19) acquire: pairs with (16)'s release: that reader is done with the
    // block before we free it.
    if ((state.load(std::memory_order_acquire) & kRead) != 0) continue;
    // (20) acq_rel. Acquire: as (19), if kRead arrived meanwhile. Release:
    // the reader that sees kDestroy in (16) and frees the block inherits
    // every kRead we have acquired.
    if ((state.fetch_or(kDestroy, std::memory_order_acq_rel) & kRead) == 0) return;
  }
  delete block;
}

template <class T>
[[gnu::noinline]] Block<T>* wait_next(Block<T>& block) {
  Backoff backoff;
  for (;;) {
    // (17) acquire: pairs with segmented.hpp's (8), so the next block's
    // initialised flags are visible to us, and through (14) to every consumer.
    if (Block<T>* next = block.next.load(std::memory_order_acquire)) return next;
    backoff.snooze();
  }
}

template <class T>
[[gnu::noinline]] void wait_write_slow(Slot<T>& slot) {
  Backoff backoff;
  do backoff.snooze();
  while (!slot.written.load(std::memory_order_acquire));  // as (18)
}

// Returns once the slot's value is constructed.
template <class T>
void wait_write(Slot<T>& slot) {
  // (18) acquire: pairs with write's (9), so the value is fully
  // constructed. The first look is inline; only a wait leaves the fast path.
  if (!slot.written.load(std::memory_order_acquire)) [[unlikely]] wait_write_slow(slot);
}

// Constructs the value in a slot its producer has claimed and publishes it.
template <class T>
void write(Slot<T>& slot, T&& v) {
  ::new (static_cast<void*>(slot.storage)) T(std::move(v));
  // (9) release: publishes the value; pairs with wait_write's (18). A store,
  // not crossbeam's fetch_or: the producer is `written`'s only writer, and a
  // thread freeing the block sets kDestroy in `state`, never here.
  slot.written.store(true, std::memory_order_release);
}

// Moves the value out of a slot its consumer has claimed, once it is written.
template <class T>
void read(Slot<T>& slot, T& out) {
  wait_write(slot);
  T* value = slot.value();
  out = std::move(*value);
  value->~T();
}

// Called by the reader of block->slots[offset], not the last slot, once done
// with it: frees the block if a freer handed that on to us. (release, below,
// for any slot.)
template <class T>
void release_slot(Block<T>* block, std::size_t offset) {
  // (16) acq_rel, an add that is an or: kRead is set once, by us, so it is
  // clear here and nothing carries. A tested fetch_or compiles to a load and
  // a CAS loop; this is one lock xadd. Release: our move-out and destruction
  // happen before the free by whoever sees kRead in (19)/(20). Acquire:
  // kDestroy from (20) hands us the freeing, with all that thread had acquired.
  if (block->slots[offset].state.fetch_add(kRead, std::memory_order_acq_rel) & kDestroy) [[unlikely]] {
    free_from(block, offset + 1);
  }
}

// Called by the reader of block->slots[offset] once done with it: the last
// slot's reader frees the block (or hands the freeing on); any other
// releases its slot.
template <class T>
void release(Block<T>* block, std::size_t offset) {
  if (offset + 1 == kBlockCap) {
    free_from(block, 0);
  } else {
    release_slot(block, offset);
  }
}

}  // namespace qb::segmented_detail
