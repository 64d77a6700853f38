#include "harness/run/seq_bitmap.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <new>
#include <vector>

namespace qb {

SeqBitmap::SeqBitmap(std::uint64_t limit) : limit_(limit) {
  bytes_ = static_cast<std::size_t>((limit + 63) / 64 * 8);
  if (bytes_ == 0) bytes_ = 8;
  // MAP_NORESERVE: only the pages sequence numbers actually reach are committed.
  void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  words_ = static_cast<std::uint64_t*>(p);
}

SeqBitmap::~SeqBitmap() {
  if (words_ != nullptr) munmap(words_, bytes_);
}

SeqBitmap::SeqBitmap(SeqBitmap&& other) noexcept
    : next_(other.next_), words_(other.words_), limit_(other.limit_), bytes_(other.bytes_) {
  other.words_ = nullptr;
}

RunCounts SeqBitmap::record_run_slowly(std::uint64_t first, std::uint64_t end) noexcept {
  RunCounts counts;
  if (end > limit_) {
    counts.unexpected = end - std::max(first, limit_);
    end = std::max(first, limit_);
  }
  // Part of the run lies below numbers already seen (a queue that reorders
  // or repeats items): one number at a time.
  for (std::uint64_t seq = first; seq < end; ++seq) {
    std::uint64_t& word = words_[seq >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (seq & 63);
    if ((word & bit) != 0) {
      ++counts.duplicate;
    } else if (seq < next_) {
      ++counts.late;
    }
    word |= bit;
    next_ = std::max(next_, seq + 1);
  }
  return counts;
}

MergeCounts merge_bitmaps(std::span<const SeqBitmap* const> per_consumer, std::uint64_t pushed) {
  std::uint64_t high = 0;
  for (const SeqBitmap* b : per_consumer) high = std::max(high, b->high());
  const std::size_t nwords = static_cast<std::size_t>((std::max(high, pushed) + 63) / 64);
  std::vector<std::uint64_t> seen(nwords, 0);
  MergeCounts counts;
  for (const SeqBitmap* b : per_consumer) {
    const auto words = b->words();
    for (std::size_t i = 0; i < words.size(); ++i) {
      counts.duplicated += static_cast<std::uint64_t>(std::popcount(seen[i] & words[i]));
      seen[i] |= words[i];
    }
  }
  for (std::size_t i = 0; i < nwords; ++i) {
    const std::uint64_t first = std::uint64_t{i} * 64;
    std::uint64_t in_range = ~std::uint64_t{0};
    if (first >= pushed) {
      in_range = 0;
    } else if (pushed - first < 64) {
      in_range = (std::uint64_t{1} << (pushed - first)) - 1;
    }
    counts.seen += static_cast<std::uint64_t>(std::popcount(seen[i] & in_range));
    counts.unexpected += static_cast<std::uint64_t>(std::popcount(seen[i] & ~in_range));
  }
  return counts;
}

}  // namespace qb
