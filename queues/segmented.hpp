// segmented: crossbeam's SegQueue, an unbounded MPMC queue of linked blocks of
// slots, each block freed by its last reader without a garbage collector.
//
// An index is `position << kShift | flags`; a position's offset,
// `position % kLap`, is its slot and its lap, `position / kLap`, its block.
//
// Invariants:
// - head_.index: the position of the next slot a consumer will claim; its
//   kHasNext bit means the tail is known to be in a later block, so every slot
//   left in this block is claimed and a pop may skip the emptiness check.
// - tail_.index: the position of the next slot a producer will claim; no flags.
// - Offset kLap - 1 is a sentinel, never a slot: an index resting on it means
//   the claimer of the block's last slot is moving it into the next block.
// - head_.block, tail_.block: the block the head (tail) lies in; null until the
//   first push installs the first block.
// - The blocks' own invariants (next, written, state, freeing) are stated in
//   segmented_block.hpp.
// - head <= tail; each slot is claimed by one producer and one consumer.
//
// Progress:
// - try_push: slot_blocking. Never waits for space (there is no "full"); it
//   waits only while the claimer of a block's last slot installs the next one.
// - try_pop: slot_blocking. Returns false at once when empty; after a claim it
//   waits for the slot's `written` (and, on a last slot, for Block::next).
// - try_push_bulk, try_pop_bulk (qb::BulkQueue): slot_blocking, as try_push
//   and try_pop; each claim takes a run of slots in one block with one CAS
//   (segmented_claim.hpp, with the claims themselves).
// - approx_size: lock-free; retries while the tail moves; stale on return.
// - ~Segmented: never concurrent with anything else.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"
#include "queues/queue.hpp"
#include "queues/segmented_block.hpp"

namespace qb {

template <class T>
class Segmented {
  // A claimed slot must be completed: if moving into or out of it threw, its
  // consumer would wait forever, or its block would never be freed.
  static_assert(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T> &&
                    std::is_nothrow_destructible_v<T>,
                "T's move constructor, move assignment and destructor must be noexcept");

 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "segmented",
      .bounded = false,
      .producers = Multiplicity::many,
      .consumers = Multiplicity::many,
      .progress = Progress::slot_blocking,
      .order = Order::fifo,
      .capacity_required = false,
  };

  // The capacity is ignored: the queue is unbounded and grows a block at a time.
  explicit Segmented(std::size_t /*capacity*/ = 0) {}
  Segmented(const Segmented&) = delete;
  Segmented& operator=(const Segmented&) = delete;

  ~Segmented() {
    // Relaxed: the destroying thread has synchronised with every user (joined).
    std::size_t head = head_.index.load(std::memory_order_relaxed) & ~kHasNext;
    const std::size_t tail = tail_.index.load(std::memory_order_relaxed);
    Block* block = head_.block.load(std::memory_order_relaxed);
    for (; head != tail; head += kStep) {
      const std::size_t offset = offset_of(head);
      if (offset < kBlockCap) {
        block->slots[offset].value()->~T();
      } else {
        Block* next = block->next.load(std::memory_order_relaxed);
        delete block;
        block = next;
      }
    }
    delete block;
  }

  bool try_push(const T& v) requires std::copy_constructible<T> {
    return try_push(T(v));  // copied before the claim: a throwing copy claims nothing
  }

  // The common case, peeled from claim_tail's loop so that it inlines: a slot
  // that is not its block's last, in an installed block, won at the first
  // claim. Everything else (and a lost claim) goes to push_slow.
  bool try_push(T&& v) {
    std::size_t tail = tail_.index.load(std::memory_order_acquire);  // as (1)
    Block* block = tail_.block.load(std::memory_order_acquire);     // as (2)
    const std::size_t offset = offset_of(tail);
    // As (5); relaxed on failure, as push_slow loads afresh.
    if (offset + 1 < kBlockCap && block != nullptr &&
        tail_.index.compare_exchange_weak(tail, tail + kStep, std::memory_order_seq_cst,
                                          std::memory_order_relaxed)) [[likely]] {
      segmented_detail::write(block->slots[offset], std::move(v));
      return true;
    }
    return push_slow(std::move(v));
  }

  // The common case, peeled from claim_head's loop as in try_push.
  bool try_pop(T& out) {
    std::size_t head = head_.index.load(std::memory_order_acquire);  // as (10)
    Block* block = head_.block.load(std::memory_order_acquire);     // as (10)
    const std::size_t offset = offset_of(head);
    if (offset + 1 < kBlockCap && block != nullptr) [[likely]] {
      std::size_t new_head;
      if (claimable(head, 1, new_head) == 0) return false;
      // As (12); relaxed on failure, as pop_slow loads afresh.
      if (head_.index.compare_exchange_weak(head, new_head, std::memory_order_seq_cst,
                                            std::memory_order_relaxed)) [[likely]] {
        segmented_detail::read(block->slots[offset], out);
        segmented_detail::release_slot(block, offset);
        return true;
      }
    }
    return pop_slow(out);
  }

  // qb::BulkQueue (segmented_claim.hpp): try_push_bulk moves all n items in,
  // a claim per block; try_pop_bulk moves out the k <= n items of one claim
  // and returns k, 0 when empty.
  std::size_t try_push_bulk(T* items, std::size_t n);
  std::size_t try_pop_bulk(T* out, std::size_t n);

  // Items queued, counting pushes and pops still in flight; stale on return.
  std::size_t approx_size() const {
    for (;;) {
      // Acquire, all three: no later read moves above an acquire, so the head
      // read falls between two equal tail reads (a consistent snapshot).
      std::size_t tail = tail_.index.load(std::memory_order_acquire);
      std::size_t head = head_.index.load(std::memory_order_acquire);
      if (tail_.index.load(std::memory_order_acquire) != tail) continue;
      tail >>= kShift;
      head >>= kShift;
      // An index on a sentinel stands for the next block's first slot.
      if (tail % kLap == kBlockCap) ++tail;
      if (head % kLap == kBlockCap) ++head;
      // Pops under kHasNext never read the tail, so nothing orders our tail
      // read after the push that let the head get where it is.
      if (tail <= head) return 0;
      // Rotated into the head's lap, each whole lap of the tail holds one sentinel.
      tail -= head / kLap * kLap;
      head %= kLap;
      return tail - head - tail / kLap;
    }
  }

 private:
  using Block = segmented_detail::Block<T>;
  using Slot = segmented_detail::Slot<T>;
  static constexpr std::size_t kLap = segmented_detail::kLap;
  static constexpr std::size_t kBlockCap = segmented_detail::kBlockCap;
  static constexpr std::size_t kShift = 1;            // index bits below the position
  static constexpr std::size_t kStep = std::size_t{1} << kShift;  // one position
  static constexpr std::size_t kHasNext = 1;          // head index only
  static constexpr std::size_t kBlockIndex = kLap << kShift;  // index bits from here up: the block
  static_assert((kLap & (kLap - 1)) == 0, "the offset is the index's bits below kBlockIndex");

  static std::size_t offset_of(std::size_t index) noexcept { return (index >> kShift) % kLap; }
  // Default-initialised: see Block.
  static std::unique_ptr<Block> new_block() { return std::make_unique_for_overwrite<Block>(); }

  struct alignas(kFalseSharingRange) Position {
    std::atomic<std::size_t> index{0};
    std::atomic<Block*> block{nullptr};
  };
  static_assert(alignof(Position) == kFalseSharingRange && sizeof(Position) == kFalseSharingRange,
                "head and tail must be kFalseSharingRange apart to prevent false sharing");

  // Where a claim landed: `count` slots of `block` from `offset` on; count
  // 0 (and no block) when claim_head found the queue empty.
  struct Claim {
    Block* block;
    std::size_t offset;
    std::size_t count;
  };

  // Claims a run of 1 to `want` slots, at the tail (never fails: unbounded)
  // or at the head (count 0 when empty), installing the next block or moving
  // the head into it when the run ends the block (segmented_claim.hpp).
  Claim claim_tail(std::size_t want);
  Claim claim_head(std::size_t want);

  // The rest of try_push and try_pop: a block's last slot, the first block,
  // a lost claim.
  [[gnu::noinline]] bool push_slow(T&& v) {
    const Claim claim = claim_tail(1);
    segmented_detail::write(claim.block->slots[claim.offset], std::move(v));
    return true;
  }

  [[gnu::noinline]] bool pop_slow(T& out) {
    const Claim claim = claim_head(1);
    if (claim.count == 0) return false;
    segmented_detail::read(claim.block->slots[claim.offset], out);
    segmented_detail::release(claim.block, claim.offset);
    return true;
  }

  // How many slots from head on, up to want (>= 1), a consumer may claim
  // now: 0 if the queue is empty at head (whose kHasNext is clear, or the
  // check is skipped), else those producers have claimed in head's block.
  // Sets new_head past them, with kHasNext when the tail is known to be in a
  // later block. A single claim (want 1) needs no count: try_pop's inlined
  // call then compiles to the one-slot check (callgrind: the same Ir).
  std::size_t claimable(std::size_t head, std::size_t want, std::size_t& new_head) const {
    new_head = head + kStep;     // one slot; a run's others are added last
    std::size_t end = kBlockCap;  // producers have claimed up to this offset
    // Likely: a consumer that keeps up has the tail in its block.
    if ((head & kHasNext) == 0) [[likely]] {
      // (11) seq_cst load: in the single total order of seq_cst operations it
      // sees every claim (5) before it, so "empty" means empty at that point,
      // which lies within this call. Crossbeam has a seq_cst fence and a
      // relaxed load here, an mfence on x86 where this is a plain mov; towards
      // the queue's own operations the guarantee is the same, as every claim
      // is a seq_cst RMW. No data is read through it.
      const std::size_t tail = tail_.index.load(std::memory_order_seq_cst);
      // head's flag is clear here and the tail has none: whole indices compare.
      if (head == tail) return 0;
      if ((head ^ tail) >= kBlockIndex) {
        // The tail is in a later block (the indices differ above the
        // offset): every slot left here is claimed.
        new_head |= kHasNext;
      } else {
        // Up to the tail's offset (the sentinel's, kBlockCap, while the
        // claimer of the last slot installs the next block: all of them).
        end = offset_of(tail);
      }
    }
    if (want == 1) return 1;
    const std::size_t count = std::min(want, end - offset_of(head));
    new_head += (count - 1) * kStep;
    return count;
  }

  Position head_;  // consumers' side
  Position tail_;  // producers' side
};

}  // namespace qb

#include "queues/segmented_claim.hpp"  // the claims and the bulk calls
