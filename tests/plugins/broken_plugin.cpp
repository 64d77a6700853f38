// libqb_test_broken.so: six queues that claim to be correct bounded MPMC FIFOs,
// five of them wrong on purpose, one fault each, for the tests that must see
// qbench's validation catch a plugin that loses, duplicates, reorders, tears or
// publishes items too early. correct_ring, the same ring without a fault, is
// the control: what it passes, the others fail only by their fault.
//
// The faults count successful calls per queue (1-based), so they are
// deterministic in number though not in which item they hit:
//   broken_loss           push n, n % 1000 == 0: returns 1, stores nothing;
//   broken_dup            pop n, n % 1000 == 0: returns the item, leaves it queued;
//   broken_reorder        push n, n % 1000 == 0: swaps the new item with the one
//                         queued before it, if any (out of order when both are
//                         one producer's: about half to all of the swaps at 2P2C);
//   broken_torn           pop n, n % 1000 == 0: flips the item's last byte (items
//                         wider than 8 bytes; an 8-byte item is qbench's tag alone);
//   broken_publish_early  a lock-free ring whose push publishes the slot before
//                         writing the item: a racing consumer reads stale or
//                         half-written bytes. Correct with one thread; a data
//                         race by design, which TSan reports.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "mutex_ring.hpp"

namespace {

using qb::test_plugin::MutexRing;
using qb::test_plugin::mutex_ring_ops;

constexpr std::uint64_t kFaultEvery = 1000;

int loss_push(void* queue, const void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.count == ring.capacity) return 0;
  if (++ring.pushes % kFaultEvery != 0) ring.push_locked(item);
  return 1;
}

int dup_pop(void* queue, void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.count == 0) return 0;
  if (++ring.pops % kFaultEvery == 0) {
    std::memcpy(item, ring.slot(ring.head), ring.item_size);
  } else {
    ring.pop_locked(item);
  }
  return 1;
}

int reorder_push(void* queue, const void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.count == ring.capacity) return 0;
  ring.push_locked(item);
  if (++ring.pushes % kFaultEvery == 0 && ring.count >= 2) {
    const std::size_t last = ring.head + ring.count - 1;
    std::swap_ranges(ring.slot(last), ring.slot(last) + ring.item_size, ring.slot(last - 1));
  }
  return 1;
}

int torn_pop(void* queue, void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.count == 0) return 0;
  ring.pop_locked(item);
  if (++ring.pops % kFaultEvery == 0 && ring.item_size > 8) {
    static_cast<unsigned char*>(item)[ring.item_size - 1] ^= 0xFF;
  }
  return 1;
}

// Vyukov's bounded MPMC ring (queues/sequence_ring.hpp has the careful one),
// with the publish and the write swapped in try_push.
// Invariants as SequenceRing's: for ticket pos in cell pos % capacity, seq ==
// pos means empty and next written by pos, seq == pos + 1 means published for
// reader pos (here: before the bytes are there), then seq becomes pos + capacity.
// Progress: slot_blocking, as SequenceRing.
class EarlyRing {
 public:
  EarlyRing(std::size_t capacity, std::size_t item_size)
      : capacity_(capacity >= 2 ? capacity
                                : throw std::invalid_argument("broken_publish_early needs a capacity of at least 2")),
        item_size_(item_size),
        seqs_(new std::atomic<std::uint64_t>[capacity]),
        bytes_(new unsigned char[capacity * item_size]()) {
    // relaxed: the queue is not shared until create returns.
    for (std::size_t i = 0; i < capacity; ++i) seqs_[i].store(i, std::memory_order_relaxed);
  }

  int try_push(const void* item) noexcept {
    // relaxed: a guess; the cell's seq decides and the CAS claims.
    auto pos = enqueue_pos_.load(std::memory_order_relaxed);
    for (;;) {
      auto& seq = seqs_[pos % capacity_];
      // (1) acquire: pairs with the release (4) of the last lap's reader.
      const auto diff = static_cast<std::int64_t>(seq.load(std::memory_order_acquire) - pos);
      if (diff < 0) return 0;  // last lap's item is still there (or being read)
      if (diff > 0) {
        pos = enqueue_pos_.load(std::memory_order_relaxed);
        continue;
      }
      // relaxed: claiming the ticket publishes nothing.
      if (enqueue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
    }
    // (2) release, THE FAULT: publishes the cell before the bytes below are in
    // it, so (3) orders nothing a reader needs. The copy is split in two so
    // that a reader between the halves sees a torn item, not only a stale one,
    // and every kYieldEvery-th ticket yields between them: a window of a few
    // nanoseconds alone is missed by whole runs on a two-core machine.
    seqs_[pos % capacity_].store(pos + 1, std::memory_order_release);
    unsigned char* cell = bytes_.get() + (pos % capacity_) * item_size_;
    const std::size_t half = item_size_ / 2;
    std::memcpy(cell, item, half);
    if (pos % kYieldEvery == 0) std::this_thread::yield();
    std::memcpy(cell + half, static_cast<const unsigned char*>(item) + half, item_size_ - half);
    return 1;
  }

  int try_pop(void* item) noexcept {
    auto pos = dequeue_pos_.load(std::memory_order_relaxed);  // relaxed: a guess
    for (;;) {
      auto& seq = seqs_[pos % capacity_];
      // (3) acquire: pairs with (2), which was meant to publish the item.
      const auto diff = static_cast<std::int64_t>(seq.load(std::memory_order_acquire) - (pos + 1));
      if (diff < 0) return 0;  // not published yet: empty
      if (diff > 0) {
        pos = dequeue_pos_.load(std::memory_order_relaxed);
        continue;
      }
      if (dequeue_pos_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
    }
    std::memcpy(item, bytes_.get() + (pos % capacity_) * item_size_, item_size_);
    // (4) release: our read happens before the next lap's write; pairs with (1).
    seqs_[pos % capacity_].store(pos + capacity_, std::memory_order_release);
    return 1;
  }

 private:
  static constexpr std::uint64_t kYieldEvery = 64;

  const std::size_t capacity_;
  const std::size_t item_size_;
  const std::unique_ptr<std::atomic<std::uint64_t>[]> seqs_;
  const std::unique_ptr<unsigned char[]> bytes_;
  alignas(128) std::atomic<std::uint64_t> enqueue_pos_{0};
  alignas(128) std::atomic<std::uint64_t> dequeue_pos_{0};
};

int early_push(void* queue, const void* item) noexcept { return static_cast<EarlyRing*>(queue)->try_push(item); }
int early_pop(void* queue, void* item) noexcept { return static_cast<EarlyRing*>(queue)->try_pop(item); }

constexpr qbench_queue_ops publish_early_ops() {
  auto ops = mutex_ring_ops("broken_publish_early", early_push, early_pop);
  ops.progress = QBENCH_PROGRESS_SLOT_BLOCKING;
  ops.create = qb::test_plugin::create_ring<EarlyRing>;
  ops.destroy = qb::test_plugin::destroy_ring<EarlyRing>;
  return ops;
}

constexpr qbench_queue_ops kQueues[] = {
    mutex_ring_ops("broken_loss", loss_push),
    mutex_ring_ops("broken_dup", qb::test_plugin::correct_push, dup_pop),
    mutex_ring_ops("broken_reorder", reorder_push),
    mutex_ring_ops("broken_torn", qb::test_plugin::correct_push, torn_pop),
    publish_early_ops(),
    mutex_ring_ops("correct_ring"),
};

constexpr qbench_plugin kPlugin{
    .abi_version = QBENCH_PLUGIN_ABI_VERSION,
    .version = "qbench test plugin: broken queues 1",
    .queue_count = std::size(kQueues),
    .queues = kQueues,
};

}  // namespace

QB_TEST_PLUGIN_EXPORT const qbench_plugin* qbench_plugin_describe(void) { return &kPlugin; }
