// mpsc_elastic: a lock-free multi-producer single-consumer queue whose capacity
// grows when full (by growth_factor, up to max_capacity) and shrinks when
// occupancy falls under shrink_threshold (by the same factor, down to
// min_capacity).
//
// Design: a chain of ElasticRings. Producers fill the ring current_ points at.
// A resize never copies and never resets an index: the ring is sealed (a bit
// in its claim word, so no producer can claim a slot in it afterwards), a
// successor of the new size is linked after it and current_ moves on. The
// consumer drains every ring to its sealed end before it follows the link, so
// FIFO order holds across resizes. Every slot carries a stamp that its
// producer publishes after writing, so the consumer never reads an unwritten
// slot: a design that publishes the claim and the write with one index lets
// a consumer that sees the index read the slot before its producer wrote it.
// Retired rings are freed once no producer's hazard pointer names them.
// Fast paths, inlined into the caller: a push is one TLS compare (is the
// hazard already on current_?), one claim CAS and the publish; a pop one
// stamp check. Resizes, lap ends (only in a ring that may shrink, or whose
// capacity is not a power of two), a new hazard and emptiness are out of line.
//
// Invariants:
// - head_ring_ (consumer only) is at or before current_ in the chain; every
//   ring before head_ring_ has been drained and retired.
// - current_ only moves to current_->next, by CAS, and only once current_ is sealed.
// - A ring's successor has capacity next_capacity(ring): grown if it was sealed
//   for growth, shrunk if sealed for shrinking; so every ring's capacity lies in
//   [min_capacity, max_capacity].
// - A retired ring is freed only after current_ has moved past it and no hazard
//   record holds it.
//
// Bulk calls (mpsc_elastic_bulk.hpp): try_push_bulk claims what the current
// ring has free with one CAS and publishes it at once, else takes try_push's
// path (so it grows as single pushes would); try_pop_bulk pops the head
// ring's run of published items, stopping at a lap's or a ring's end.
//
// Progress: try_push is slot_blocking (it waits only for a producer of the
// previous lap that claimed the same slot and has not published it); resizes
// are lock-free (any producer links the successor if the sealer stalls).
// try_pop never waits: an unpublished slot reads as empty. Bulk calls: the same.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "queues/elastic_config.hpp"
#include "queues/elastic_generation.hpp"
#include "queues/elastic_ring.hpp"
#include "queues/hazard_pointer.hpp"
#include "queues/queue.hpp"

namespace qb {

template <class T>
class MpscElastic {
  using Ring = detail::ElasticRing<T>;

 public:
  using value_type = T;

  static constexpr QueueTraits traits{
      .name = "mpsc_elastic",
      .bounded = true,  // try_push fails when the ring is full at max_capacity
      .producers = Multiplicity::many,
      .consumers = Multiplicity::one,
      .progress = Progress::slot_blocking,
      .order = Order::fifo,
      .capacity_required = false,  // 0 selects the default config
  };

  // Throws what the constructor would for `capacity`, allocating nothing:
  // the command line's check before a run.
  static void check_capacity(std::size_t capacity) { (void)validated(ElasticConfig::for_capacity(capacity)); }
  explicit MpscElastic(std::size_t capacity) : MpscElastic(ElasticConfig::for_capacity(capacity)) {}

  explicit MpscElastic(const ElasticConfig& config) : config_(validated(config)) {
    auto* first = new Ring(config_.initial_capacity, 0, cue_for(config_.initial_capacity));
    head_ring_ = first;
    // relaxed: the queue is shared only after construction (thread start).
    current_.store(first, std::memory_order_relaxed);
    capacity_word_.store(pack(0, first->capacity()), std::memory_order_relaxed);
    // Every push reads current_, every pop head_ring_: producers write (on a
    // resize) only the first's range, the consumer only the second's.
    static_assert(std::is_standard_layout_v<MpscElastic> &&
                  in_different_ranges(offsetof(MpscElastic, current_), offsetof(MpscElastic, head_ring_)) &&
                  in_different_ranges(offsetof(MpscElastic, grow_count_), offsetof(MpscElastic, retired_)));
  }

  MpscElastic(const MpscElastic&) = delete;
  MpscElastic& operator=(const MpscElastic&) = delete;

  // Quiescent by contract: no thread is inside try_push or try_pop.
  ~MpscElastic() {
    for (Ring* r : retired_) delete r;
    for (Ring* r = head_ring_; r != nullptr;) {
      Ring* next = r->next().load(std::memory_order_relaxed);  // relaxed: quiescent
      delete r;  // destroys the items still in it
      r = next;
    }
  }

  // Any thread. Fails only when the current ring is full at max_capacity.
  bool try_push(T&& value) {
    // (6) seq_cst: a plain load on x86; the re-check half of the hazard
    // pairing with the consumer's unlink (8) and scan (see protect_current).
    Ring* ring = current_.load(std::memory_order_seq_cst);
    // Equal: this thread's hazard names `ring` (its TLS copy is compared, not
    // the shared record), stored by a (7) sequenced before (6): protected.
    if (detail::my_pointer_hazard() == ring) [[likely]] {
      if (ring->try_push_once(value)) [[likely]] return true;
    }
    const auto claim = claim_slow();
    if (claim.slot == nullptr) return false;
    Ring::publish(claim, value);
    return true;
  }

  // The single consumer only.
  bool try_pop(T& out) {
    if (head_ring_->try_pop(out)) [[likely]] return true;
    Ring* ring = ready_slow();
    return ring != nullptr && ring->try_pop(out);  // cannot fail: its head is published
  }

  // Any thread: pushes items[0..k), returns k < n only when full at max_capacity.
  std::size_t try_push_bulk(T* items, std::size_t n);
  // The single consumer only: pops into out[0..k); 0 only when try_pop would fail.
  std::size_t try_pop_bulk(T* out, std::size_t n);

  // Capacity of the ring producers currently fill; within [min, max]. Stale as
  // soon as it returns.
  std::size_t approx_capacity() const noexcept {
    // relaxed: a snapshot of one word; nothing else is read on its strength.
    return static_cast<std::size_t>(capacity_word_.load(std::memory_order_relaxed) & kCapMask);
  }
  std::uint64_t grow_count() const noexcept { return grow_count_.load(std::memory_order_relaxed); }
  std::uint64_t shrink_count() const noexcept { return shrink_count_.load(std::memory_order_relaxed); }
  const ElasticConfig& config() const noexcept { return config_; }
  // Consumer only: retired rings a hazard pinned at the last scan, not yet freed.
  std::size_t retired_pending() const noexcept { return retired_.size(); }

 private:
  static constexpr int kCapBits = 40;
  static constexpr std::uint64_t kCapMask = (std::uint64_t{1} << kCapBits) - 1;
  static std::uint64_t pack(std::uint64_t generation, std::size_t capacity) {
    return (generation & detail::kGenerationMask) << kCapBits | capacity;
  }

  static const ElasticConfig& validated(const ElasticConfig& c) {
    c.validate(traits.name);
    if (c.max_capacity > kCapMask) throw std::invalid_argument("mpsc_elastic config: max_capacity too large");
    return c;
  }

  // try_pop's path: start the next lap (and consider shrinking), shrink if
  // emptier than the threshold, or follow the chain past a drained ring.
  // Returns the ring whose head is ready, or null when the queue is empty;
  // takes no item, so the caller's `out` need not be in memory for the call.
  [[gnu::noinline]] Ring* ready_slow() {
    for (;;) {
      Ring* ring = head_ring_;
      if (ring->next_lap()) maybe_shrink(ring);
      if (ring->ready()) return ring;
      if (!ring->drained()) {
        maybe_shrink(ring);
        return nullptr;
      }
      // Nothing can ever appear in this ring again: follow the chain.
      head_ring_ = move_past(ring);
      retire(ring);
    }
  }

  // try_push's path: protect current_, grow or follow the chain, claim a
  // slot. Returns the claim, or one with a null slot when full at max_capacity.
  [[gnu::noinline]] typename Ring::Claim claim_slow() {
    detail::HazardRecord& hazard = detail::my_hazard_record();
    for (;;) {
      Ring* ring = protect_current(hazard);
      const auto claim = ring->claim();
      switch (claim.result()) {
        case Ring::PushResult::pushed:
          return claim;
        case Ring::PushResult::full:
          if (ring->capacity() >= config_.max_capacity) return claim;
          if (ring->seal(Ring::kSealGrow)) grow_count_.fetch_add(1, std::memory_order_relaxed);
          break;  // relaxed above: a statistic, ordered with nothing
        case Ring::PushResult::sealed:
          break;
      }
      move_past(ring);
    }
  }

  // Returns current_, protected by this thread's hazard record. A hazard
  // that already names the ring (6) loaded protects it with no fence (here
  // and on try_push's fast path): it was set by this thread's seq_cst store
  // (7), sequenced before (6). The consumer frees a ring only after an unlink
  // (8) (its seq_cst CAS of current_, or a failed one that read a producer's)
  // and a seq_cst scan; (6) read the ring, so (7) < (6) < (8) < scan in the
  // total order and the scan sees (7), or a later store of this thread, made
  // once done with the ring. However old (7) is, even for a reused address.
  Ring* protect_current(detail::HazardRecord& hazard) {
    // (6) seq_cst: a plain load on x86; pairs with (8) as described above.
    Ring* ring = current_.load(std::memory_order_seq_cst);
    if (detail::my_pointer_hazard() == ring) return ring;
    for (;;) {
      // (7) seq_cst store then seq_cst re-load of current_: either the
      // consumer's scan sees this hazard, or we see current_ moved on (Dekker).
      detail::set_pointer_hazard(hazard, ring);
      Ring* again = current_.load(std::memory_order_seq_cst);
      if (again == ring) return ring;
      ring = again;
    }
  }

  // `ring` is sealed and protected (or owned by the consumer). Links its
  // successor if nobody has, moves current_ past it if nobody has, and
  // returns the successor. Never dereferences the successor, which is not
  // protected here.
  Ring* move_past(Ring* ring) {
    // acquire: pairs with the release of the CAS below that linked it.
    Ring* next = ring->next().load(std::memory_order_acquire);
    if (next == nullptr) {
      const auto capacity = next_capacity(*ring);
      auto* fresh = new Ring(capacity, ring->generation() + 1, cue_for(capacity));
      // release on success: publishes fresh's initialised slots; acquire on
      // failure: the winner's ring, likewise.
      if (ring->next().compare_exchange_strong(next, fresh, std::memory_order_acq_rel,
                                             std::memory_order_acquire)) {
        next = fresh;
      } else {
        delete fresh;
      }
    }
    Ring* expected = ring;
    // (8) seq_cst: the unlink half of the hazard pairing with (6)/(7).
    if (current_.compare_exchange_strong(expected, next, std::memory_order_seq_cst)) {
      publish_capacity(ring->generation() + 1, next_capacity(*ring));
    }
    return next;
  }

  // Keeps capacity_word_ at the newest ring's capacity even when two advances
  // race: the word carries the ring's generation and only moves forward.
  void publish_capacity(std::uint64_t generation, std::size_t capacity) {
    // relaxed: a statistic; the CAS loop alone keeps it monotone.
    auto word = capacity_word_.load(std::memory_order_relaxed);
    while (detail::generation_is_newer(generation, word >> kCapBits) &&
           !capacity_word_.compare_exchange_weak(word, pack(generation, capacity),
                                                 std::memory_order_relaxed)) {
    }
  }

  std::size_t next_capacity(const Ring& ring) const {
    const auto cap = ring.capacity();
    if (ring.tail_word() & Ring::kSealShrink) {
      const auto smaller = static_cast<std::size_t>(std::floor(static_cast<double>(cap) / config_.growth_factor));
      return std::max(smaller, config_.min_capacity);
    }
    const double grown = std::ceil(static_cast<double>(cap) * config_.growth_factor);
    if (grown >= static_cast<double>(config_.max_capacity)) return config_.max_capacity;
    return std::max(static_cast<std::size_t>(grown), cap + 1);
  }

  // Could maybe_shrink ever seal a ring of this capacity? Only such a ring
  // needs the consumer's once-a-lap look; any other may drop its lap's end.
  bool can_shrink(std::size_t capacity) const {
    const auto smaller = static_cast<std::size_t>(std::floor(static_cast<double>(capacity) / config_.growth_factor));
    return capacity > config_.min_capacity && std::max(std::size_t{1}, smaller) < capacity;
  }
  typename Ring::LapCue cue_for(std::size_t capacity) const {
    return can_shrink(capacity) ? Ring::LapCue::wanted : Ring::LapCue::not_wanted;
  }

  // Consumer only, on the ring it reads: seal it for shrinking when it is the
  // producers' ring, larger than min, and emptier than the threshold.
  [[gnu::noinline]] void maybe_shrink(Ring* ring) {
    if (!can_shrink(ring->capacity())) return;
    const auto tail = ring->tail_word();
    if (tail & Ring::kSealMask) return;
    if (static_cast<double>(ring->occupancy()) >= config_.shrink_threshold * static_cast<double>(ring->capacity())) return;
    if (ring->seal(Ring::kSealShrink)) {
      shrink_count_.fetch_add(1, std::memory_order_relaxed);  // relaxed: a statistic
      move_past(ring);  // link the smaller ring now, so producers need not
    }
  }

  // Consumer only. `ring` is drained and current_ has moved past it (move_past
  // did that with a seq_cst CAS or saw it done), so no producer can newly
  // protect it; free it and any earlier retiree that no hazard names.
  void retire(Ring* ring) {
    retired_.push_back(ring);
    auto& domain = detail::HazardDomain::instance();
    std::erase_if(retired_, [&](Ring* r) {
      if (domain.is_protected(r)) return false;
      delete r;
      return true;
    });
  }

  const ElasticConfig config_;
  alignas(kFalseSharingRange) std::atomic<Ring*> current_{nullptr};
  std::atomic<std::uint64_t> capacity_word_{0};  // {generation mod 2^24, capacity:40}
  std::atomic<std::uint64_t> grow_count_{0};
  alignas(kFalseSharingRange) std::atomic<std::uint64_t> shrink_count_{0};
  Ring* head_ring_ = nullptr;   // consumer only
  std::vector<Ring*> retired_;  // consumer only
};

}  // namespace qb

#include "queues/mpsc_elastic_bulk.hpp"  // the bulk calls' definitions
