// One fixed-size ring of an mpsc_elastic chain: many producers, one consumer,
// any capacity, and a seal that stops new claims for good.
//
// Positions are stamps {lap, index} (crossbeam's ArrayQueue scheme): index is
// the low bits, below one_lap (the smallest power of two above capacity), and
// lap counts up in steps of one_lap, so no division is needed for any capacity.
// Unlike crossbeam, a position always advances by one: index capacity is a
// lap's end, a position that holds no item and whose slot is a sentinel that
// never matches. Whoever reaches it takes the slow path, which moves on to the
// next lap's index 0 (stamp + lap_skip_): so neither fast path tests for the
// end of a lap, and the consumer's slow path is where a lap's end is noticed.
// A ring built with LapCue::not_wanted whose capacity is a power of two (>= 2)
// has no lap's end: one_lap is its capacity, as in sequence_ring, and both
// sides stay on their fast paths all the way round. (With capacity 1 a
// published stamp, s + 1, would equal the next lap's "empty", s + one_lap.)
//
// Invariants:
// - tail_ holds the stamp of the next slot a producer will claim (or a lap's
//   end), plus at most one seal bit (kSealGrow or kSealShrink). Once a seal bit
//   is set it is never cleared and the stamp never changes again: claims and
//   lap skips are CASes on the whole word, so every one after the seal fails.
// - head_ is the stamp of the next slot the consumer reads (or a lap's end);
//   only the consumer touches it. normal(s) maps a lap's end to the next lap's
//   index 0; positions are equal when their normal forms are.
// - For a slot whose next producer stamp is s: slot.stamp == s means empty and
//   next written by the producer holding s; slot.stamp == s + 1 means it holds
//   that producer's published value, next read by the consumer at head s; the
//   consumer then stores s + one_lap, the next lap's "empty".
// - The slot holds a live T exactly while its stamp is "published".
// - slots_[capacity] is the sentinel: its stamp is kNever, which no position
//   + 1 and no tail equals, and nobody writes it.
// - Stamps stay below 2^62 (it would take 2^62 claims to reach it), so a slot
//   stamp never equals a tail word that carries a seal bit: a producer's
//   "stamp == tail" test also rejects a sealed ring.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"

namespace qb::detail {

template <class T>
class ElasticRing {
  // A claimed slot must be completed: if moving into or out of it threw, the
  // slot would stay claimed and the ring could never be drained or retired.
  static_assert(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_destructible_v<T>,
                "T's move constructor and destructor must be noexcept");

  // The producers' claim word, first: at the ring's own address, so the claim
  // CAS addresses it through the ring pointer with no offset to compute
  // (one instruction a push, callgrind). Alone in its kFalseSharingRange.
  alignas(kFalseSharingRange) std::atomic<std::uint64_t> tail_{0};

 public:
  static constexpr std::uint64_t kSealGrow = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kSealShrink = std::uint64_t{1} << 62;
  static constexpr std::uint64_t kSealMask = kSealGrow | kSealShrink;

  enum class PushResult { pushed, full, sealed };

  // Does the consumer want its slow path once a lap (to consider shrinking)?
  // Only then, or for a capacity that is not a power of two, does the ring
  // keep a lap's end position.
  enum class LapCue { wanted, not_wanted };

  // A slot: its stamp and room for one T. Opaque outside the ring.
  class Slot {
    friend class ElasticRing;
    std::atomic<std::uint64_t> stamp{0};
    alignas(T) unsigned char storage[sizeof(T)];
  };

  // A claimed slot, or the reason there is none: `slot` is null when the
  // claim failed, and `stamp` is then the PushResult (full or sealed). A claim
  // made must be completed by publish(). Two words, so it comes back in
  // registers and the caller's value need not be in memory for the call.
  struct Claim {
    Slot* slot;
    std::uint64_t stamp;
    PushResult result() const noexcept {
      return slot != nullptr ? PushResult::pushed : static_cast<PushResult>(stamp);
    }
  };

  ElasticRing(std::size_t capacity, std::uint64_t generation, LapCue cue)
      : capacity_(capacity),
        one_lap_(lap_for(capacity, cue)),
        mask_(one_lap_ - 1),
        lap_skip_(one_lap_ - capacity),
        generation_(generation),
        slots_(new Slot[capacity + 1]) {
    // relaxed, all: the ring is published to other threads by a release (the
    // CAS that links it), which orders these stores before any reader.
    for (std::size_t i = 0; i < capacity; ++i) slots_[i].stamp.store(i, std::memory_order_relaxed);
    slots_[capacity].stamp.store(kNever, std::memory_order_relaxed);
    // The layout is a promise: the producers' word (tail_), the consumer's
    // (head_) and the read-only fields each in a range of their own. Here,
    // where the class is complete; offsetof needs a standard-layout class,
    // which is why every data member is private.
    static_assert(std::is_standard_layout_v<ElasticRing> && alignof(ElasticRing) == kFalseSharingRange);
    static_assert(in_different_ranges(offsetof(ElasticRing, tail_), offsetof(ElasticRing, head_)));
    static_assert(in_different_ranges(offsetof(ElasticRing, tail_), offsetof(ElasticRing, slots_)));
    static_assert(in_different_ranges(offsetof(ElasticRing, head_), offsetof(ElasticRing, slots_)));
    static_assert(offsetof(ElasticRing, next_) / kFalseSharingRange ==
                  offsetof(ElasticRing, slots_) / kFalseSharingRange);  // capacity_ .. slots_ lie between
    static_assert(offsetof(ElasticRing, tail_) == 0, "the claim CAS addresses tail_ as the ring");
  }

  ElasticRing(const ElasticRing&) = delete;
  ElasticRing& operator=(const ElasticRing&) = delete;

  // Quiescent by contract: every claimed slot has been published, so the live
  // items are exactly positions [head_, tail_).
  ~ElasticRing() {
    const auto tail = normal(tail_.load(std::memory_order_relaxed) & ~kSealMask);
    for (auto h = normal(head_); h != tail; h = normal(h + 1)) item(slots_[index_of(h)])->~T();
  }

  std::size_t capacity() const noexcept { return capacity_; }
  std::uint64_t generation() const noexcept { return generation_; }

  // Producers: one attempt to claim the next slot and publish `value` in it;
  // false (value untouched) if the slot was not free, the claim lost, or the
  // tail is at a lap's end or sealed. The caller's fast path: claim() decides
  // what a false means. Progress: wait-free.
  bool try_push_once(T& value) {
    // (1) relaxed: a guess; the slot stamp (2) and the CAS decide.
    auto tail = tail_.load(std::memory_order_relaxed);
    Slot& slot = slots_[index_of(tail)];  // index_of drops any seal bit
    // (2) acquire: pairs with the consumer's release (5) or (12) that emptied
    // the slot on the previous lap, so our write cannot race its read.
    // relaxed CAS on both paths: the claim publishes nothing (the value is
    // published by (3)); a seal bit set meanwhile makes it fail. A sealed
    // tail or a lap's end never equals the stamp (see the invariants).
    if (slot.stamp.load(std::memory_order_acquire) != tail) return false;
    // Into a copy, so that tail stays in its register (as in sequence_ring).
    auto expected = tail;
    if (!tail_.compare_exchange_weak(expected, tail + 1, std::memory_order_relaxed,
                                     std::memory_order_relaxed)) {
      return false;
    }
    publish({&slot, tail}, value);
    return true;
  }

  // Producers: claims the next slot for a push, to be completed by publish(),
  // or says why there is none (full or sealed). Progress: slot_blocking; waits
  // only for a producer of the previous lap that claimed this slot and has
  // not yet published it.
  [[gnu::noinline]] Claim claim() {
    Backoff backoff;
    auto tail = tail_.load(std::memory_order_relaxed);  // relaxed: as (1)
    for (;;) {
      if (tail & kSealMask) return {nullptr, static_cast<std::uint64_t>(PushResult::sealed)};
      if (index_of(tail) == capacity_) {
        // A lap's end: move the tail to the next lap. relaxed: it claims and
        // publishes nothing; on failure, tail is reloaded and we look again.
        if (tail_.compare_exchange_weak(tail, tail + lap_skip_, std::memory_order_relaxed,
                                        std::memory_order_relaxed)) {
          tail += lap_skip_;
        }
        continue;
      }
      Slot& slot = slots_[index_of(tail)];
      const auto stamp = slot.stamp.load(std::memory_order_acquire);  // (2) acquire
      if (stamp == tail) {
        // relaxed: as in try_push_once.
        if (tail_.compare_exchange_weak(tail, tail + 1, std::memory_order_relaxed,
                                        std::memory_order_relaxed)) {
          return {&slot, tail};
        }
        backoff.spin();
      } else if (stamp + one_lap_ == tail + 1) {
        // The slot holds the previous lap's published item.
        return {nullptr, static_cast<std::uint64_t>(PushResult::full)};
      } else {
        // Stale tail, or the previous lap's producer has not published yet.
        backoff.snooze();
        tail = tail_.load(std::memory_order_relaxed);  // relaxed: as (1)
      }
    }
  }

  // Bulk calls, in elastic_ring_bulk.hpp: try_push_bulk claims up to n free
  // slots with one CAS; try_pop_bulk (consumer only) pops a run of items.
  std::size_t try_push_bulk(T* items, std::size_t n);
  std::size_t try_pop_bulk(T* out, std::size_t n) noexcept;

  // Completes a claim: moves `value` into the slot and publishes it.
  static void publish(Claim claim, T& value) noexcept {
    ::new (static_cast<void*>(claim.slot->storage)) T(std::move(value));
    // (3) release: publishes the value; pairs with the acquire (4) or (11).
    claim.slot->stamp.store(claim.stamp + 1, std::memory_order_release);
  }

  // Sets `seal_bit` unless the ring is already sealed. relaxed is enough for
  // the word itself: the final stamp is read back through the same atomic
  // (coherence), and the next ring is published by its own release CAS.
  // acq_rel anyway, as the seal is rare and this keeps TSan's model simple.
  bool seal(std::uint64_t seal_bit) {
    auto tail = tail_.load(std::memory_order_relaxed);
    while ((tail & kSealMask) == 0) {
      if (tail_.compare_exchange_weak(tail, tail | seal_bit, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // The tail word, seal bits included. relaxed: callers use it as a count or
  // to read the seal bits, both settled by coherence on this one atomic.
  std::uint64_t tail_word() const noexcept { return tail_.load(std::memory_order_relaxed); }

  // Consumer only. False when the head slot holds no published item, or the
  // head is at a lap's end (see next_lap). Progress: wait-free.
  bool try_pop(T& out) noexcept {
    const auto head = head_;
    // head + one_lap_, from the mask that the index loads anyway (one load
    // fewer a pop). Computed before (4), whose acquire orders later loads.
    const auto emptied = head + mask_ + 1;
    Slot& slot = slots_[index_of(head)];
    // (4) acquire: pairs with (3) or (10), so the value is visible (a bulk
    // claim's later slots: ordered by its first, see elastic_ring_bulk.hpp).
    if (slot.stamp.load(std::memory_order_acquire) != head + 1) return false;
    T* p = item(slot);
    out = std::move(*p);
    p->~T();
    // (5) release: our read happens before the next lap's write; pairs with (2) or (9).
    slot.stamp.store(emptied, std::memory_order_release);
    head_ = head + 1;
    return true;
  }

  // Consumer only: true when the head slot's item is published, so the next
  // try_pop succeeds (false at a lap's end: call next_lap first).
  bool ready() const noexcept {
    // acquire: as (4); try_pop's own load orders the read in any case.
    return slots_[index_of(head_)].stamp.load(std::memory_order_acquire) == head_ + 1;
  }

  // Consumer only: if the head is at a lap's end, moves it to the next lap and
  // returns true (the consumer's cue to consider shrinking).
  bool next_lap() noexcept {
    if (index_of(head_) != capacity_) return false;
    head_ += lap_skip_;
    return true;
  }

  // Consumer only: true when the ring is sealed and every item claimed before
  // the seal has been popped, so nothing more will ever appear in it. Reads
  // tail_, which every push writes, only once a successor is linked: until
  // then nothing can be in the successor, and the sealer links it.
  bool drained() const noexcept {
    // acquire: pairs with the release of move_past's linking CAS, made after
    // its thread set or read the seal: the load below reads the sealed word.
    if (next_.load(std::memory_order_acquire) == nullptr) return false;
    const auto tail = tail_word();
    return (tail & kSealMask) != 0 && normal(tail & ~kSealMask) == normal(head_);
  }

  // Consumer only: items claimed but not yet popped (seal bits ignored).
  std::size_t occupancy() const noexcept { return count(tail_word() & ~kSealMask) - count(head_); }

  // The successor: set once, by the CAS that links it (mpsc_elastic.hpp).
  std::atomic<ElasticRing*>& next() noexcept { return next_; }

 private:
  static constexpr std::uint64_t kNever = ~std::uint64_t{0};

  static std::uint64_t lap_for(std::size_t capacity, LapCue cue) noexcept {
    if (cue == LapCue::not_wanted && capacity >= 2 && std::has_single_bit(capacity)) return capacity;
    return std::bit_ceil(std::uint64_t{capacity} + 1);
  }

  std::uint64_t index_of(std::uint64_t stamp) const noexcept { return stamp & mask_; }
  std::uint64_t lap_of(std::uint64_t stamp) const noexcept { return stamp & ~mask_; }
  // A lap's end as the next lap's index 0; any other position unchanged.
  std::uint64_t normal(std::uint64_t stamp) const noexcept {
    return index_of(stamp) == capacity_ ? stamp + lap_skip_ : stamp;
  }
  // Positions before `stamp`; a lap's end counts as the next lap's index 0.
  std::size_t count(std::uint64_t stamp) const noexcept {
    return static_cast<std::size_t>(lap_of(stamp) / one_lap_ * capacity_ + index_of(stamp));
  }
  static T* item(Slot& slot) noexcept { return std::launder(reinterpret_cast<T*>(slot.storage)); }

  // Read-only after construction (next_ is written once, when the ring is
  // sealed), in a range of their own: every push and pop reads them, and
  // neither position's writes may take their lines away.
  alignas(kFalseSharingRange) std::atomic<ElasticRing*> next_{nullptr};
  const std::size_t capacity_;
  const std::uint64_t one_lap_;
  const std::uint64_t mask_;        // one_lap_ - 1
  const std::uint64_t lap_skip_;    // one_lap_ - capacity_: from a lap's end to the next lap
  const std::uint64_t generation_;  // 0 for the first ring, +1 per successor
  const std::unique_ptr<Slot[]> slots_;  // capacity_ slots, then the sentinel
  alignas(kFalseSharingRange) std::uint64_t head_ = 0;
};

}  // namespace qb::detail

#include "queues/elastic_ring_bulk.hpp"  // the bulk calls' definitions
