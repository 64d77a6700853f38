// End-to-end latency from a sample of items, with nothing added to the item
// and nothing shared while the window is open. A producer notes the send
// time of each sampled item (its push, or its intended send time when paced)
// in its own log; a consumer notes the time it popped each sampled item in
// its own log; after the threads have joined, the logs are joined on the tag
// and every pair becomes one latency.
//
// The sample is a hash of the tag (producer, sequence), not every N-th item,
// so it cannot beat in step with a ring's lap or a segment's size. A log has
// a fixed capacity, allocated and touched before the window: when it fills,
// the log halves its sampling threshold and keeps only the entries that pass
// the new one (it "thins"), so memory stays bounded whatever the window's
// length; the join applies the strictest threshold of all the logs to every
// log, so producers and consumers agree on which items are in the sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/measure/clock.hpp"
#include "harness/measure/histogram.hpp"
#include "queues/cache_line.hpp"

namespace qb {

// murmur3's 64-bit finalizer: every input bit reaches every output bit.
constexpr std::uint64_t sample_hash(std::uint64_t tag) noexcept {
  tag ^= tag >> 33;
  tag *= 0xff51afd7ed558ccdull;
  tag ^= tag >> 33;
  tag *= 0xc4ceb9fe1a85ec53ull;
  tag ^= tag >> 33;
  return tag;
}

// One in this many items by default: ~1/64 of a clock read per item on each
// side, and at 10M items/s still ~150K samples a second.
inline constexpr std::uint64_t kDefaultLatencySamplePeriod = 64;

class alignas(kFalseSharingRange) SampleLog {
 public:
  struct Entry {
    std::uint64_t tag;
    std::uint64_t ticks;
  };

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  static constexpr std::size_t kCapacity = std::size_t{1} << 13;
#else
  static constexpr std::size_t kCapacity = std::size_t{1} << 17;  // 2 MiB a thread
#endif

  // 1 in `period` items (period >= 1; 1: every item, until the log thins).
  explicit SampleLog(std::uint64_t period);

  bool wants(std::uint64_t tag) const noexcept { return sample_hash(tag) <= threshold_; }

  // Notes `tag`, which wants() has just accepted, at `ticks` (callers ask
  // first, so an item out of the sample costs no clock read). A second note
  // of the tag just noted (a push that failed and is tried again) replaces
  // the first.
  void note(std::uint64_t tag, std::uint64_t ticks) noexcept {
    if (size_ > 0 && entries_[size_ - 1].tag == tag) {
      entries_[size_ - 1].ticks = ticks;
      return;
    }
    if (size_ == kCapacity) {
      thin();
      if (!wants(tag)) return;
    }
    entries_[size_++] = Entry{tag, ticks};
  }

  std::uint64_t threshold() const noexcept { return threshold_; }
  int thinned() const noexcept { return thinned_; }
  std::size_t size() const noexcept { return size_; }
  const Entry* begin() const noexcept { return entries_.data(); }
  const Entry* end() const noexcept { return entries_.data() + size_; }

 private:
  void thin() noexcept;  // halves the threshold, keeps the entries that pass it

  std::vector<Entry> entries_;
  std::size_t size_ = 0;
  std::uint64_t threshold_;
  int thinned_ = 0;
};

// The joined sample of one repetition.
struct E2eSample {
  Histogram e2e;                 // ns, receive - send
  std::uint64_t negative = 0;    // receive before send (cross-core clock skew), recorded as 0
  std::uint64_t matched = 0;     // sampled items seen on both sides
  std::uint64_t unmatched = 0;   // received sampled items whose send was not noted (sent before noting began)
  std::uint64_t period = 0;      // as asked
  std::uint64_t effective_period = 0;  // after thinning: ~1 in this many items
  int thinned = 0;               // halvings of the most-thinned log
  struct Pair {
    std::uint64_t tag, ns;
  };
  std::vector<Pair> pairs;       // every matched sample, when asked for (per-lane figures)
};

E2eSample join_samples(const std::vector<SampleLog>& senders, const std::vector<SampleLog>& receivers,
                       std::uint64_t period, const Clock& clock, bool keep_pairs);

// The "sample" member of an e2e block: {"period", "effective_period", "thinned", "sampled", "unmatched"}.
nlohmann::json sample_json(const E2eSample& s);

}  // namespace qb
