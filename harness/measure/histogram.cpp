#include "harness/measure/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace qb {
namespace {

using nlohmann::json;

int bucket_of_index(std::size_t index) {
  return index < Histogram::kSubBucketCount
             ? 0
             : static_cast<int>(index >> (Histogram::kSubBucketBits - 1)) - 1;
}

[[noreturn]] void reject(const std::string& why) {
  throw std::invalid_argument("histogram JSON: " + why);
}

// nlohmann's get<uint64_t>() would turn -1 or 2.5 into a count; only a
// non-negative integer can have come from to_json(). (A document built in
// memory may hold one as a signed integer; a parsed one holds it unsigned.)
bool is_count(const json& j) {
  return j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
}

std::uint64_t unsigned_field(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) reject(fmt::format("no \"{}\"", key));
  if (!is_count(*it)) reject(fmt::format("\"{}\" is not a non-negative integer", key));
  return it->get<std::uint64_t>();
}

json null_if_empty(bool empty, const json& value) { return empty ? json(nullptr) : value; }

}  // namespace

Histogram::Histogram() : counts_(kCountsLen, 0) {}

std::uint64_t Histogram::lowest_at(std::size_t index) noexcept {
  const int bucket = bucket_of_index(index);
  return static_cast<std::uint64_t>(index - (static_cast<std::size_t>(bucket) << (kSubBucketBits - 1))) << bucket;
}

std::uint64_t Histogram::highest_at(std::size_t index) noexcept {
  return lowest_at(index) + (std::uint64_t{1} << bucket_of_index(index)) - 1;
}

void Histogram::merge(const Histogram& other) noexcept {
  for (std::size_t i = 0; i < kCountsLen; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  clamped_high_ += other.clamped_high_;
}

void Histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = 0;
  min_ = std::numeric_limits<std::uint64_t>::max();
  max_ = 0;
  clamped_high_ = 0;
}

double Histogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

double Histogram::stddev() const noexcept {
  if (count_ == 0) return 0.0;
  const double mu = mean();
  double squares = 0.0;
  for (std::size_t i = 0; i < kCountsLen; ++i) {
    if (counts_[i] == 0) continue;
    const double middle = (static_cast<double>(lowest_at(i)) + static_cast<double>(highest_at(i))) / 2.0;
    squares += static_cast<double>(counts_[i]) * (middle - mu) * (middle - mu);
  }
  return std::sqrt(squares / static_cast<double>(count_));
}

std::uint64_t Histogram::samples_needed(double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument(fmt::format("percentile {} is outside [0, 1]", p));
  // The slack absorbs binary fractions: 1 / (1 - 0.9) is 10.000000000000002.
  const double needed = std::ceil(1.0 / (1.0 - p) - 1e-6);
  if (!(needed < 1.8e19)) return std::numeric_limits<std::uint64_t>::max();  // p = 1, or 1 - p below 2^-64
  return static_cast<std::uint64_t>(needed);
}

std::optional<std::uint64_t> Histogram::percentile(double p) const {
  if (count_ < samples_needed(p)) return std::nullopt;
  // The same slack for the rank: 0.999 * 1000 must be rank 999, not 1000.
  const double target = std::ceil(p * static_cast<double>(count_) - 1e-6);
  const std::uint64_t rank = target < 1.0 ? 1 : std::min(static_cast<std::uint64_t>(target), count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kCountsLen; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(highest_at(i), min_, max_);
  }
  return max_;  // unreachable while count_ is the sum of counts_
}

json Histogram::summary() const {
  const bool empty = count_ == 0;
  auto pct = [this](double p) {
    const auto v = percentile(p);
    return v ? json(*v) : json(nullptr);
  };
  return json{
      {"count", count_},
      {"min_ns", null_if_empty(empty, min_)},
      {"mean_ns", null_if_empty(empty, mean())},
      {"stddev_ns", null_if_empty(empty, stddev())},
      {"p50_ns", pct(0.5)},
      {"p90_ns", pct(0.9)},
      {"p99_ns", pct(0.99)},
      {"p99_9_ns", pct(0.999)},
      {"p99_99_ns", pct(0.9999)},
      {"max_ns", null_if_empty(empty, max_)},
      {"clamped_high", clamped_high_},
  };
}

json Histogram::buckets() const {
  json out = json::array();
  for (std::size_t i = 0; i < kCountsLen; ++i)
    if (counts_[i] != 0) out.push_back(json::array({lowest_at(i), counts_[i]}));
  return out;
}

json Histogram::to_json() const {
  json j = summary();
  j["sum_ns"] = sum_;
  j["hdr"] = encode_hdr();
  return j;
}

Histogram Histogram::from_json(const json& j) {
  if (!j.is_object()) reject("not an object");
  const auto hdr = j.find("hdr");
  if (hdr == j.end() || !hdr->is_string()) reject("no \"hdr\" string");
  Histogram h = decode_hdr(hdr->get<std::string>());
  const std::uint64_t count = unsigned_field(j, "count");
  if (count != h.count_) reject(fmt::format("\"count\" is {}, the encoded counts sum to {}", count, h.count_));
  h.sum_ = unsigned_field(j, "sum_ns");
  h.clamped_high_ = unsigned_field(j, "clamped_high");
  const bool empty = h.count_ == 0;
  if (empty != j.at("min_ns").is_null() || empty != j.at("max_ns").is_null())
    reject("min_ns and max_ns must be null exactly when count is 0");
  if (!empty) {
    const std::uint64_t min = unsigned_field(j, "min_ns"), max = unsigned_field(j, "max_ns");
    // The exact extremes lie in the first and last non-empty buckets (a
    // value above kHighestNs is counted in the last bucket, kept exact in max).
    if (index_of(std::min(min, kHighestNs)) != index_of(h.min_) || index_of(std::min(max, kHighestNs)) != index_of(h.max_))
      reject("min_ns or max_ns lies outside the encoded buckets");
    h.min_ = min;
    h.max_ = max;
  }
  if (h.clamped_high_ > h.count_) reject("clamped_high > count");
  return h;
}

}  // namespace qb
