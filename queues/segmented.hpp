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
// - Block::next: null until the producer of the block's last slot links the
//   next block (allocated before its claim); never changes afterwards.
// - Slot::state, zero in a new block: kWrite once the value is constructed;
//   kRead once the consumer has moved it out and destroyed it, and is done
//   with the block; kDestroy once a thread freeing the block found the slot
//   still being read, handing the freeing on to its reader. Bits only grow.
// - head <= tail; each slot is claimed by one producer and one consumer.
// - A block is freed once, by its last reader to finish; no producer touches
//   a block after setting kWrite in its slot.
//
// Progress:
// - try_push: slot_blocking. Never waits for space (there is no "full"); it
//   waits only while the claimer of a block's last slot installs the next one.
// - try_pop: slot_blocking. Returns false at once when empty; after a claim it
//   waits for the slot's kWrite (and, on a last slot, for Block::next).
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
      const std::size_t offset = (head >> kShift) % kLap;
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

  bool try_push(T&& v) {
    Backoff backoff;
    std::size_t tail;
    Block* block;
    auto load = [&] {
      // (1) acquire: pairs with the release claims (5) and store (7), so the
      // block loaded in (2) is this index's, or a later one.
      tail = tail_.index.load(std::memory_order_acquire);
      // (2) acquire: pairs with the release in (3) and (6): the block's zeroed
      // states and null next are visible before we claim a slot in it.
      block = tail_.block.load(std::memory_order_acquire);
    };
    load();
    std::unique_ptr<Block> next_block;
    for (;;) {
      const std::size_t offset = (tail >> kShift) % kLap;
      if (offset == kBlockCap) {  // the next block is being installed
        backoff.snooze();
        load();
        continue;
      }
      // Allocated before the claim, so the others wait for stores, not malloc.
      if (offset + 1 == kBlockCap && !next_block) next_block = std::make_unique<Block>();
      if (block == nullptr) {  // the first push installs the first block
        auto first = next_block ? std::move(next_block) : std::make_unique<Block>();
        Block* expected = nullptr;
        // (3) release: publishes the zeroed block to producers' (2). Relaxed
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
      // to (1)) in the single total order with pop's fence (11), so an
      // emptiness check after this claim sees it. Acquire on failure: as (1).
      if (tail_.index.compare_exchange_weak(tail, tail + kStep, std::memory_order_seq_cst,
                                            std::memory_order_acquire)) {
        if (offset + 1 == kBlockCap) {  // we took the last slot: install the next block
          Block* next = next_block.release();
          // (6) release: publishes the zeroed next block; pairs with (2).
          tail_.block.store(next, std::memory_order_release);
          // (7) release: skips the sentinel; pairs with (1) and (5)'s failure
          // load, so a producer that sees this index also sees (6)'s block.
          tail_.index.store(tail + 2 * kStep, std::memory_order_release);
          // (8) release: links the block for our last slot's consumer; pairs
          // with wait_next's (18).
          block->next.store(next, std::memory_order_release);
        }
        Slot& slot = block->slots[offset];
        ::new (static_cast<void*>(slot.storage)) T(std::move(v));
        // (9) release: publishes the value; pairs with wait_write's (19).
        slot.state.fetch_or(kWrite, std::memory_order_release);
        return true;  // an unused preallocation dies with next_block
      }
      block = tail_.block.load(std::memory_order_acquire);  // as (2)
      backoff.spin();
    }
  }

  bool try_pop(T& out) {
    Backoff backoff;
    std::size_t head;
    Block* block;
    auto load = [&] {
      // (10) acquire: pairs with (13)/(16) for the index and (4)/(15) for the
      // block, so the block is this index's (or a later one), contents visible.
      head = head_.index.load(std::memory_order_acquire);
      block = head_.block.load(std::memory_order_acquire);
    };
    load();
    for (;;) {
      const std::size_t offset = (head >> kShift) % kLap;
      if (offset == kBlockCap) {  // the next block is being installed
        backoff.snooze();
        load();
        continue;
      }
      std::size_t new_head = head + kStep;
      if ((new_head & kHasNext) == 0) {
        // (11) seq_cst fence: the tail read (12) sees every claim (5) before
        // it in the single total order of seq_cst operations, so "empty" means
        // empty at a point within this call; crossbeam's check relies on it.
        // (12) relaxed: (11) bounds it; no data is read through it. GCC rejects
        // fences under TSan (-Wtsan), so there (12) is a seq_cst load, which
        // sees the last claim (5) before it in that order: the same guarantee.
#if defined(__SANITIZE_THREAD__)
        const std::size_t tail = tail_.index.load(std::memory_order_seq_cst);
#else
        std::atomic_thread_fence(std::memory_order_seq_cst);
        const std::size_t tail = tail_.index.load(std::memory_order_relaxed);
#endif
        if (head >> kShift == tail >> kShift) return false;
        // The tail is in a later block: every slot left here is claimed.
        if ((head >> kShift) / kLap != (tail >> kShift) / kLap) new_head |= kHasNext;
      }
      if (block == nullptr) {  // the first push has claimed but not yet published
        backoff.snooze();
        load();
        continue;
      }
      // (13) seq_cst on success: a release RMW for (10) that also keeps claims
      // in one total order with (5) and (11). Acquire on failure: as (10).
      if (head_.index.compare_exchange_weak(head, new_head, std::memory_order_seq_cst,
                                            std::memory_order_acquire)) {
        if (offset + 1 == kBlockCap) {  // we took the last slot: move the head on
          Block* next = wait_next(*block);
          std::size_t next_index = (new_head & ~kHasNext) + kStep;
          // (14) relaxed: a hint (`next` is fully claimed); no data read through it.
          if (next->next.load(std::memory_order_relaxed) != nullptr) next_index |= kHasNext;
          // (15) release: publishes `next` (acquired in (18)); pairs with (10).
          head_.block.store(next, std::memory_order_release);
          // (16) release: skips the sentinel; pairs with (10) and (13)'s
          // failure load, so a consumer that sees it also sees (15)'s block.
          head_.index.store(next_index, std::memory_order_release);
        }
        Slot& slot = block->slots[offset];
        wait_write(slot);
        T* value = slot.value();
        out = std::move(*value);
        value->~T();
        if (offset + 1 == kBlockCap) {
          destroy(block, 0);
        } else if (slot.state.fetch_or(kRead, std::memory_order_acq_rel) & kDestroy) {
          // (17) acq_rel. Release: our move-out and destruction happen before
          // the free by whoever sees kRead in (20)/(21). Acquire: kDestroy from
          // (21) hands us the freeing, with all that thread had acquired.
          destroy(block, offset + 1);
        }
        return true;
      }
      block = head_.block.load(std::memory_order_acquire);  // as (10)
      backoff.spin();
    }
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
  static constexpr std::size_t kLap = 32;             // positions per block
  static constexpr std::size_t kBlockCap = kLap - 1;  // slots per block; then the sentinel
  static constexpr std::size_t kShift = 1;            // index bits below the position
  static constexpr std::size_t kStep = std::size_t{1} << kShift;  // one position
  static constexpr std::size_t kHasNext = 1;          // head index only
  static constexpr unsigned kWrite = 1;
  static constexpr unsigned kRead = 2;
  static constexpr unsigned kDestroy = 4;

  struct Slot {
    alignas(T) std::byte storage[sizeof(T)];
    std::atomic<unsigned> state{0};

    T* value() noexcept { return std::launder(reinterpret_cast<T*>(storage)); }
  };

  // Always allocated value-initialised (make_unique<Block>()): states 0, next null.
  struct Block {
    std::atomic<Block*> next{nullptr};
    Slot slots[kBlockCap];
  };

  struct alignas(kFalseSharingRange) Position {
    std::atomic<std::size_t> index{0};
    std::atomic<Block*> block{nullptr};
  };
  static_assert(alignof(Position) == kFalseSharingRange && sizeof(Position) == kFalseSharingRange,
                "head and tail must be kFalseSharingRange apart to prevent false sharing");

  static Block* wait_next(Block& block) {
    Backoff backoff;
    for (;;) {
      // (18) acquire: pairs with (8), so the next block's zeroed contents are
      // visible to us, and through (15) to every consumer.
      if (Block* next = block.next.load(std::memory_order_acquire)) return next;
      backoff.snooze();
    }
  }

  static void wait_write(Slot& slot) {
    Backoff backoff;
    // (19) acquire: pairs with (9), so the value is fully constructed.
    while ((slot.state.load(std::memory_order_acquire) & kWrite) == 0) backoff.snooze();
  }

  // Frees `block` unless the reader of a slot in [start, kBlockCap - 1) is still
  // busy, who then continues in (17). The last slot's reader calls with 0.
  static void destroy(Block* block, std::size_t start) {
    for (std::size_t i = start; i + 1 < kBlockCap; ++i) {
      std::atomic<unsigned>& state = block->slots[i].state;
      // (20) acquire: pairs with (17)'s release: that reader is done with the
      // block before we free it.
      if ((state.load(std::memory_order_acquire) & kRead) != 0) continue;
      // (21) acq_rel. Acquire: as (20), if kRead arrived meanwhile. Release:
      // the reader that sees kDestroy in (17) and frees the block inherits
      // every kRead we have acquired.
      if ((state.fetch_or(kDestroy, std::memory_order_acq_rel) & kRead) == 0) return;
    }
    delete block;
  }

  Position head_;  // consumers' side
  Position tail_;  // producers' side
};

}  // namespace qb
