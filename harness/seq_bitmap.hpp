// Exactly-once bookkeeping: one bitmap per (consumer, producer), a bit per
// sequence number, merged after the run to count lost and duplicated items.
//
// The bitmap is a lazily-committed anonymous mapping: it reserves address
// space for `limit` sequence numbers up front, so the hot path never
// reallocates, and pages are only touched (one fault per 32768 items) as
// sequence numbers reach them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace qb {

class SeqBitmap {
 public:
  explicit SeqBitmap(std::uint64_t limit);
  ~SeqBitmap();
  SeqBitmap(SeqBitmap&& other) noexcept;
  SeqBitmap& operator=(SeqBitmap&&) = delete;
  SeqBitmap(const SeqBitmap&) = delete;

  // Marks seq; false if it was already marked (a duplicate seen by this
  // consumer). Requires seq < limit().
  bool mark(std::uint64_t seq) noexcept {
    std::uint64_t& word = words_[seq >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (seq & 63);
    const bool fresh = (word & bit) == 0;
    word |= bit;
    if (seq >= high_) high_ = seq + 1;
    return fresh;
  }

  std::uint64_t limit() const noexcept { return limit_; }
  // One past the highest sequence marked so far.
  std::uint64_t high() const noexcept { return high_; }
  std::span<const std::uint64_t> words() const noexcept { return {words_, (high_ + 63) / 64}; }

 private:
  std::uint64_t* words_ = nullptr;
  std::uint64_t limit_ = 0;
  std::uint64_t high_ = 0;
  std::size_t bytes_ = 0;
};

struct MergeCounts {
  std::uint64_t seen = 0;        // distinct sequence numbers in [0, pushed) seen by any consumer
  std::uint64_t duplicated = 0;  // extra sightings across consumers
  std::uint64_t unexpected = 0;  // sequence numbers >= pushed
};

// Merges one producer's bitmaps from every consumer, given how many items it pushed.
MergeCounts merge_bitmaps(std::span<const SeqBitmap* const> per_consumer, std::uint64_t pushed);

}  // namespace qb
