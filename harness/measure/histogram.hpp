// A latency histogram in the HdrHistogram layout: 3 significant digits over
// 1 ns to 60 s, in memory fixed at construction. One per thread, never
// shared: record() is plain increments, and threads' histograms are merged
// after join.
//
// Layout (log-linear). Bucket 0 holds values 0..2047 in 2048 sub-buckets of
// width 1. Bucket b >= 1 holds [1024 << b, 2048 << b) in 1024 sub-buckets of
// width 2^b (the lower half of each later bucket would repeat the previous
// bucket, so it is not stored). Hence:
//   - values below 2048 ns are exact;
//   - above, a sub-bucket is at most 1/1024 of its lowest value wide, so any
//     value reported from it is within 0.098% of every value it holds;
//   - one formula indexes both: index = (b << 10) + (v >> b), where b is
//     the number of bits of (v | 2047) minus 11.
// 60 s needs b up to 25, so there are 26 buckets and (26 + 1) * 1024 = 27648
// counters of 8 bytes: 216 KiB per histogram.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace qb {

class Histogram {
 public:
  static constexpr std::uint64_t kHighestNs = 60'000'000'000;  // 60 s
  static constexpr int kSignificantDigits = 3;
  static constexpr int kSubBucketBits = 11;                    // 2048 = 2^ceil(log2(2 * 10^3))
  static constexpr std::uint64_t kSubBucketCount = std::uint64_t{1} << kSubBucketBits;
  static constexpr std::uint64_t kSubBucketHalf = kSubBucketCount / 2;
  static constexpr int kBucketCount = std::bit_width(kHighestNs) - kSubBucketBits + 1;
  static constexpr std::size_t kCountsLen = (kBucketCount + 1) * kSubBucketHalf;
  static constexpr std::size_t kMemoryBytes = kCountsLen * sizeof(std::uint64_t);
  static_assert(kBucketCount == 26 && kMemoryBytes == 221'184, "the header comment states 216 KiB");

  // Allocates the counters (216 KiB); nothing allocates after this.
  Histogram();

  // Values above kHighestNs are recorded as kHighestNs and counted in
  // clamped_high(); min() and max() still see the true value. 0 is recorded
  // as 0 (a clamped negative skew delta is worth seeing exactly).
  void record(std::uint64_t ns) noexcept {
    min_ = ns < min_ ? ns : min_;
    max_ = ns > max_ ? ns : max_;
    if (ns > kHighestNs) [[unlikely]] {
      ++clamped_high_;
      ns = kHighestNs;
    }
    ++counts_[index_of(ns)];
    ++count_;
    sum_ += ns;
  }

  // As if every value recorded into `other` had been recorded here.
  void merge(const Histogram& other) noexcept;
  // Back to empty without freeing: a worker clears its warm-up samples.
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t clamped_high() const noexcept { return clamped_high_; }
  // Exact; 0 for an empty histogram (summary() writes null instead).
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const noexcept { return max_; }
  // Exact over the recorded values, clamped ones counting as kHighestNs;
  // 0 when empty.
  double mean() const noexcept;
  // Population standard deviation around the exact mean, each value taken
  // at the middle of its sub-bucket (so exact below 2048 ns); 0 when empty.
  double stddev() const noexcept;

  // The value below which a fraction p of the samples lie, p in [0, 1]:
  // the rank-th smallest sample with rank = max(1, ceil(p * count)), reported
  // as the highest value of the sub-bucket holding it (so never below the
  // true sample, and above it by less than 0.1%), capped to [min(), max()].
  //
  // Sample rule: nullopt unless count() >= ceil(1 / (1 - p)), the number of
  // samples it takes for even one to lie above the p-quantile. So p50 needs
  // 2 samples, p90 10, p99 100, p99.9 1000, p99.99 10000, and p = 1 is always
  // nullopt (use max()). Throws std::invalid_argument for p outside [0, 1].
  std::optional<std::uint64_t> percentile(double p) const;
  static std::uint64_t samples_needed(double p);  // the rule above; UINT64_MAX for p = 1

  // {"count","min_ns","mean_ns","stddev_ns","p50_ns","p90_ns","p99_ns",
  //  "p99_9_ns","p99_99_ns","max_ns","clamped_high"}; a percentile is null
  // under its sample rule, min/mean/stddev/max are null when count is 0.
  nlohmann::json summary() const;

  // The distribution for plotting: [[lowest_ns, count], ...] for every
  // non-empty sub-bucket, ascending; lowest_ns is the smallest value the
  // sub-bucket holds (its width is up to the next entry's sub-bucket).
  nlohmann::json buckets() const;

  // HdrHistogram's V2 compressed encoding, base64: the interchange form
  // every HdrHistogram library decodes (Java's
  // Histogram.decodeFromCompressedByteBuffer, HdrHistogram_c's
  // hdr_log_decode). Only the counts travel: a decoder sees count, min and
  // max at bucket resolution, never the exact min, max and sum kept here.
  //
  // Bytes (big-endian): int32 0x1c849314 (compressed V2 cookie), int32 the
  // deflated length, then a zlib stream of: int32 0x1c849313 (V2 cookie),
  // int32 payload length, int32 0 (normalizing index offset), int32
  // kSignificantDigits, int64 1 (lowest discernible value), int64 kHighestNs,
  // double 1.0 (integer-to-double ratio), then the counts from index 0 to the
  // last non-zero one as ZigZag LEB128 (at most 9 bytes each), a run of k > 1
  // zero counts written as -k. Our counts array is HdrHistogram's for these
  // parameters, index for index (histogram.hpp's layout is its layout).
  std::string encode_hdr() const;
  // The counts of an encode_hdr() string, with count, min and max at bucket
  // resolution (min the lowest value of the first non-empty bucket, max the
  // highest of the last) and sum taken from the bucket middles. Throws
  // std::invalid_argument for anything that is not a V2 (compressed) encoding
  // with our range and precision.
  static Histogram decode_hdr(std::string_view base64);

  // The results file's histogram: summary() plus "sum_ns" and "hdr"
  // (encode_hdr()). Exact: from_json(h.to_json()) == h, the exact min, max,
  // sum and clamped_high read from their keys and the counts from "hdr".
  nlohmann::json to_json() const;
  // The inverse of to_json(). Throws std::invalid_argument on anything
  // to_json() could not have written, a count that disagrees with the
  // encoded counts included.
  static Histogram from_json(const nlohmann::json& j);

  friend bool operator==(const Histogram&, const Histogram&) = default;

  static std::size_t index_of(std::uint64_t ns) noexcept {
    const int bucket = std::bit_width(ns | (kSubBucketCount - 1)) - kSubBucketBits;
    return (static_cast<std::size_t>(bucket) << (kSubBucketBits - 1)) + static_cast<std::size_t>(ns >> bucket);
  }
  static std::uint64_t lowest_at(std::size_t index) noexcept;  // smallest value index_of maps to index
  static std::uint64_t highest_at(std::size_t index) noexcept;  // largest such value

 private:
  std::vector<std::uint64_t> counts_;  // kCountsLen entries, always
  std::uint64_t count_ = 0;            // the sum of counts_
  std::uint64_t sum_ = 0;              // of recorded (clamped) values: < 2^64 for 3e8 samples of 60 s
  std::uint64_t min_ = std::numeric_limits<std::uint64_t>::max();  // max() while empty
  std::uint64_t max_ = 0;
  std::uint64_t clamped_high_ = 0;
};

}  // namespace qb
