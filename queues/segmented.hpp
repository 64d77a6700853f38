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
// - approx_size: lock-free; retries while the tail moves; stale on return.
// - ~Segmented: never concurrent with anything else.
#pragma once

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

  // The common case, peeled from push_slow's loop so that it inlines: a slot
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

  // The common case, peeled from pop_slow's loop as in try_push.
  bool try_pop(T& out) {
    std::size_t head = head_.index.load(std::memory_order_acquire);  // as (10)
    Block* block = head_.block.load(std::memory_order_acquire);     // as (10)
    const std::size_t offset = offset_of(head);
    if (offset + 1 < kBlockCap && block != nullptr) [[likely]] {
      std::size_t new_head = head + kStep;
      if (!claimable(head, new_head)) return false;
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

  [[gnu::noinline]] bool push_slow(T&& v) {
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
      // Allocated before the claim, so the others wait for stores, not malloc.
      if (offset + 1 == kBlockCap && !next_block) next_block = new_block();
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
      // (5) seq_cst on success: a release RMW (carrying (7)'s release sequence
      // to (1)) in the single total order with pop's load (11), so an
      // emptiness check after this claim sees it. Acquire on failure: as (1).
      if (tail_.index.compare_exchange_weak(tail, tail + kStep, std::memory_order_seq_cst,
                                            std::memory_order_acquire)) {
        if (offset + 1 == kBlockCap) {  // we took the last slot: install the next block
          Block* next = next_block.release();
          // (6) release: publishes the next block; pairs with (2).
          tail_.block.store(next, std::memory_order_release);
          // (7) release: skips the sentinel; pairs with (1) and (5)'s failure
          // load, so a producer that sees this index also sees (6)'s block.
          tail_.index.store(tail + 2 * kStep, std::memory_order_release);
          // (8) release: links the block for our last slot's consumer; pairs
          // with wait_next's (17) (segmented_block.hpp, as (9), (16)-(20)).
          block->next.store(next, std::memory_order_release);
        }
        segmented_detail::write(block->slots[offset], std::move(v));
        return true;  // an unused preallocation dies with next_block
      }
      block = tail_.block.load(std::memory_order_acquire);  // as (2)
      backoff.spin();
    }
  }

  [[gnu::noinline]] bool pop_slow(T& out) {
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
      std::size_t new_head = head + kStep;
      if (!claimable(head, new_head)) return false;
      if (block == nullptr) {  // the first push has claimed but not yet published
        backoff.snooze();
        load();
        continue;
      }
      // (12) seq_cst on success: a release RMW for (10) that also keeps claims
      // in one total order with (5) and (11). Acquire on failure: as (10).
      if (head_.index.compare_exchange_weak(head, new_head, std::memory_order_seq_cst,
                                            std::memory_order_acquire)) {
        if (offset + 1 == kBlockCap) {  // we took the last slot: move the head on
          Block* next = segmented_detail::wait_next(*block);
          std::size_t next_index = (new_head & ~kHasNext) + kStep;
          // (13) relaxed: a hint (`next` is fully claimed); no data read through it.
          if (next->next.load(std::memory_order_relaxed) != nullptr) next_index |= kHasNext;
          // (14) release: publishes `next` (acquired in (17)); pairs with (10).
          head_.block.store(next, std::memory_order_release);
          // (15) release: skips the sentinel; pairs with (10) and (12)'s
          // failure load, so a consumer that sees it also sees (14)'s block.
          head_.index.store(next_index, std::memory_order_release);
          segmented_detail::read(block->slots[offset], out);
          segmented_detail::free_from(block, 0);
        } else {
          segmented_detail::read(block->slots[offset], out);
          segmented_detail::release_slot(block, offset);
        }
        return true;
      }
      block = head_.block.load(std::memory_order_acquire);  // as (10)
      backoff.spin();
    }
  }

  // False if the queue is empty at head (whose kHasNext is clear, or the
  // check is skipped); else sets kHasNext in new_head when the tail is known
  // to be in a later block.
  bool claimable(std::size_t head, std::size_t& new_head) const {
    if ((head & kHasNext) != 0) return true;
    // (11) seq_cst load: in the single total order of seq_cst operations it
    // sees every claim (5) before it, so "empty" means empty at that point,
    // which lies within this call. Crossbeam has a seq_cst fence and a
    // relaxed load here, an mfence on x86 where this is a plain mov; towards
    // the queue's own operations the guarantee is the same, as every claim
    // is a seq_cst RMW. No data is read through it.
    const std::size_t tail = tail_.index.load(std::memory_order_seq_cst);
    // head's flag is clear here and the tail has none: whole indices compare.
    if (head == tail) return false;
    // The tail is in a later block (the indices differ above the offset):
    // every slot left here is claimed.
    if ((head ^ tail) >= kBlockIndex) new_head |= kHasNext;
    return true;
  }

  Position head_;  // consumers' side
  Position tail_;  // producers' side
};

}  // namespace qb
