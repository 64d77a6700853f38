// A consumer's exactly-once bookkeeping on the hot path. Items arrive tagged
// (source, sequence); the tracker gathers a run of consecutive tags of one
// source with one compare per item, and records the run in that source's
// bitmap when another tag ends it. Validating more per item is not an option:
// a consumer even a few instructions slower than its producer keeps a bounded
// ring full, the producer then trails it cell by cell, and sequence_ring at
// 1P1C fell from ~110M to ~30M items/s with a bit marked per item.
#pragma once

#include <cstdint>

#include "harness/run/payload.hpp"
#include "harness/run/seq_bitmap.hpp"

namespace qb {

class RunTracker {
 public:
  // `bitmaps[s]`: this consumer's bitmap of source s, for s < sources.
  RunTracker(SeqBitmap* bitmaps, std::uint32_t sources, bool check_order) noexcept
      : bitmaps_(bitmaps), sources_(sources), check_order_(check_order) {}

  void see(std::uint64_t tag) noexcept {
    if (tag == end_) {  // extends the run: the common case
      ++end_;
      return;
    }
    flush();
    if (tag_producer(tag) < sources_ && tag_sequence(tag) < bitmaps_[0].limit()) {
      first_ = tag;
      end_ = tag + 1;
    } else {
      ++unexpected_;
      first_ = end_ = make_tag(0, 0);
    }
  }

  // The tag that would extend the run, and `n` such tags in a row: the
  // window's bursts (timeline_bursts.hpp) make see()'s compare themselves.
  std::uint64_t next() const noexcept { return end_; }
  void extend(std::uint64_t n) noexcept { end_ += n; }

  // Records the run gathered so far (call once more after the last item).
  void flush() noexcept {
    const RunCounts counts = bitmaps_[tag_producer(first_)].record_run(tag_sequence(first_), tag_sequence(end_));
    misordered_ += check_order_ ? counts.late : 0;
    duplicated_ += counts.duplicate;
    unexpected_ += counts.unexpected;
    first_ = end_;
  }

  std::uint64_t misordered() const noexcept { return misordered_; }
  std::uint64_t duplicated() const noexcept { return duplicated_; }
  std::uint64_t unexpected() const noexcept { return unexpected_; }

 private:
  SeqBitmap* bitmaps_;
  std::uint32_t sources_;
  bool check_order_;
  std::uint64_t first_ = make_tag(0, 0);  // the run is [first_, end_), not yet recorded
  std::uint64_t end_ = make_tag(0, 0);
  std::uint64_t misordered_ = 0, duplicated_ = 0, unexpected_ = 0;
};

}  // namespace qb
