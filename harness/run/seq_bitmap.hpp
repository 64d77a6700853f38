// Exactly-once bookkeeping: one SeqBitmap per (consumer, producer), a bit per
// sequence number, merged after the run to count lost and duplicated items.
//
// The bitmap is a lazily-committed anonymous mapping: it reserves address
// space for `limit` sequence numbers up front, so the hot path never
// reallocates, and pages are only touched (one fault per 32768 items) as
// sequence numbers reach them.
//
// Sightings arrive as runs of consecutive sequence numbers: a consumer of a
// FIFO queue gets each producer's numbers in increasing order, and with one
// consumer every run is the whole repetition. The runner gathers a run with
// one compare per item and records it here when it ends, so a run in order
// costs a word-at-a-time fill, not a bit per item.
//
// Invariant: every number marked is below next_, one past the highest number
// seen; so a run starting at or above next_ is new to this consumer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "queues/cache_line.hpp"

namespace qb {

// What one run held besides first sightings in increasing order.
struct RunCounts {
  std::uint64_t late = 0;        // first sightings below a number already seen
  std::uint64_t duplicate = 0;   // numbers this consumer had seen before
  std::uint64_t unexpected = 0;  // numbers at or past limit(), not recorded
};

// Aligned so that two consumers' bitmaps, adjacent in the runner's vector,
// never share a line: each consumer writes next_ at the end of every run.
class alignas(kFalseSharingRange) SeqBitmap {
 public:
  explicit SeqBitmap(std::uint64_t limit);
  ~SeqBitmap();
  SeqBitmap(SeqBitmap&& other) noexcept;
  SeqBitmap& operator=(SeqBitmap&&) = delete;
  SeqBitmap(const SeqBitmap&) = delete;

  // Records one sighting of each of first, first + 1, ..., end - 1, in that
  // order. Requires first <= end.
  RunCounts record_run(std::uint64_t first, std::uint64_t end) noexcept {
    if (first >= next_ && end <= limit_) {  // the common case: all new, all in order
      mark_range(first, end);
      next_ = std::max(next_, end);
      return {};
    }
    return record_run_slowly(first, end);
  }

  std::uint64_t limit() const noexcept { return limit_; }
  // One past the highest sequence marked so far.
  std::uint64_t high() const noexcept { return next_; }
  std::span<const std::uint64_t> words() const noexcept { return {words_, (next_ + 63) / 64}; }

 private:
  // Sets [first, end), which holds no marked bit: partial words bit by bit,
  // whole words at once.
  void mark_range(std::uint64_t first, std::uint64_t end) noexcept {
    for (; first < end && (first & 63) != 0; ++first) words_[first >> 6] |= std::uint64_t{1} << (first & 63);
    for (; end - first >= 64; first += 64) words_[first >> 6] = ~std::uint64_t{0};
    for (; first < end; ++first) words_[first >> 6] |= std::uint64_t{1} << (first & 63);
  }
  RunCounts record_run_slowly(std::uint64_t first, std::uint64_t end) noexcept;

  std::uint64_t next_ = 0;
  std::uint64_t* words_ = nullptr;
  std::uint64_t limit_ = 0;
  std::size_t bytes_ = 0;
};

static_assert(sizeof(SeqBitmap) % kFalseSharingRange == 0,
              "adjacent SeqBitmaps must not share a line: different consumers write them");

struct MergeCounts {
  std::uint64_t seen = 0;        // distinct sequence numbers in [0, pushed) seen by any consumer
  std::uint64_t duplicated = 0;  // extra sightings across consumers
  std::uint64_t unexpected = 0;  // sequence numbers >= pushed
};

// Merges one producer's bitmaps from every consumer, given how many items it pushed.
MergeCounts merge_bitmaps(std::span<const SeqBitmap* const> per_consumer, std::uint64_t pushed);

}  // namespace qb
