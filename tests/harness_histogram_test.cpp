// The latency histogram (harness/histogram): exactness below 2048 ns, the
// 0.1% bound above, the sample rule for percentiles, merging, clamping and
// the JSON round trip a child process uses to hand its histogram back.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/measure/histogram.hpp"

namespace qb {
namespace {

using nlohmann::json;

// Latency-like values: mostly hundreds of ns, a long tail to seconds.
std::vector<std::uint64_t> tail_heavy_values(std::size_t n, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(5.5, 2.0);
  std::vector<std::uint64_t> out(n);
  for (auto& v : out) v = static_cast<std::uint64_t>(dist(rng));
  return out;
}

TEST(Histogram, layout_keeps_every_value_within_a_thousandth) {
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> values = {0, 1, 2047, 2048, 2049, 4095, 4096, 1'000'000, Histogram::kHighestNs};
  for (int i = 0; i < 100'000; ++i) values.push_back(rng() % (Histogram::kHighestNs + 1));
  for (int bits = 1; bits < 36; ++bits) values.push_back((std::uint64_t{1} << bits) - 1);
  for (const std::uint64_t v : values) {
    const std::size_t i = Histogram::index_of(v);
    ASSERT_LT(i, Histogram::kCountsLen) << v;
    ASSERT_LE(Histogram::lowest_at(i), v);
    ASSERT_GE(Histogram::highest_at(i), v);
    if (v < 2048) {
      ASSERT_EQ(Histogram::highest_at(i), v);
    }
    const double width = static_cast<double>(Histogram::highest_at(i) - Histogram::lowest_at(i));
    ASSERT_LE(width, static_cast<double>(v) / 1000.0) << v;
  }
  EXPECT_EQ(Histogram::kMemoryBytes, 27648u * 8u);
}

TEST(Histogram, small_values_are_exact) {
  Histogram h;
  for (std::uint64_t v = 0; v < 2048; ++v) h.record(v);
  EXPECT_EQ(h.count(), 2048u);
  EXPECT_EQ(h.percentile(0.5), 1023u);
  EXPECT_EQ(h.percentile(0.9), 1843u);  // rank ceil(0.9 * 2048) = 1844, values from 0
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 2047u);
  const json b = h.buckets();
  ASSERT_EQ(b.size(), 2048u);
  EXPECT_EQ(b[17], json::array({17, 1}));
}

TEST(Histogram, percentiles_of_a_uniform_distribution_are_within_a_thousandth) {
  Histogram h;
  constexpr std::uint64_t kN = 1'000'000;
  for (std::uint64_t v = 1; v <= kN; ++v) h.record(v);
  for (const double p : {0.5, 0.9, 0.99, 0.999, 0.9999}) {
    const double truth = std::ceil(p * kN - 1e-6);  // nearest rank of 1..N is the value itself
    const auto got = h.percentile(p);
    ASSERT_TRUE(got.has_value()) << p;
    EXPECT_GE(static_cast<double>(*got), truth) << p;
    EXPECT_LE(std::abs(static_cast<double>(*got) - truth) / truth, 0.001) << p;
  }
  EXPECT_EQ(h.percentile(0.0), 1u);
}

TEST(Histogram, percentile_is_null_below_its_sample_threshold) {
  EXPECT_EQ(Histogram::samples_needed(0.5), 2u);
  EXPECT_EQ(Histogram::samples_needed(0.9), 10u);
  EXPECT_EQ(Histogram::samples_needed(0.99), 100u);
  EXPECT_EQ(Histogram::samples_needed(0.999), 1000u);
  EXPECT_EQ(Histogram::samples_needed(0.9999), 10000u);
  EXPECT_EQ(Histogram::samples_needed(1.0), std::numeric_limits<std::uint64_t>::max());

  Histogram h;
  EXPECT_FALSE(h.percentile(0.5));
  h.record(10);
  EXPECT_FALSE(h.percentile(0.5));
  h.record(20);
  EXPECT_EQ(h.percentile(0.5), 10u);
  EXPECT_FALSE(h.percentile(1.0));
  for (int i = 2; i < 999; ++i) h.record(30);
  EXPECT_TRUE(h.percentile(0.99));
  EXPECT_FALSE(h.percentile(0.999));
  h.record(40);
  EXPECT_EQ(h.percentile(0.999), 30u);

  const json s = h.summary();
  EXPECT_EQ(s["p99_9_ns"], 30);
  EXPECT_TRUE(s["p99_99_ns"].is_null());
  EXPECT_THROW((void)h.percentile(-0.1), std::invalid_argument);
  EXPECT_THROW((void)h.percentile(1.5), std::invalid_argument);
  EXPECT_THROW((void)h.percentile(std::nan("")), std::invalid_argument);
}

TEST(Histogram, empty_summary_has_nulls_where_nothing_is_known) {
  const json s = Histogram().summary();
  EXPECT_EQ(s["count"], 0);
  for (const char* key : {"min_ns", "mean_ns", "stddev_ns", "p50_ns", "p90_ns", "p99_ns", "p99_9_ns", "p99_99_ns",
                          "max_ns"})
    EXPECT_TRUE(s.at(key).is_null()) << key;
  EXPECT_EQ(Histogram().buckets(), json::array());
}

TEST(Histogram, min_max_mean_and_stddev_are_right) {
  Histogram h;
  for (std::uint64_t v : {2, 4, 4, 4, 5, 5, 7, 9}) h.record(v);
  EXPECT_EQ(h.min(), 2u);
  EXPECT_EQ(h.max(), 9u);
  EXPECT_DOUBLE_EQ(h.mean(), 5.0);
  EXPECT_DOUBLE_EQ(h.stddev(), 2.0);  // population: sqrt(32 / 8)

  // Above 2048 the mean stays exact and the stddev within the bucket error.
  Histogram big;
  const auto values = tail_heavy_values(100'000, 3);
  double sum = 0.0;
  for (auto v : values) {
    big.record(v);
    sum += static_cast<double>(v);
  }
  const double mean = sum / static_cast<double>(values.size());
  double squares = 0.0;
  for (auto v : values) squares += (static_cast<double>(v) - mean) * (static_cast<double>(v) - mean);
  EXPECT_NEAR(big.mean(), mean, mean * 1e-12);
  const double stddev = std::sqrt(squares / static_cast<double>(values.size()));
  EXPECT_NEAR(big.stddev(), stddev, stddev * 0.001);
  const json s = big.summary();
  EXPECT_EQ(s["min_ns"], big.min());
  EXPECT_EQ(s["max_ns"], big.max());
  EXPECT_LE(s["p50_ns"].get<std::uint64_t>(), s["p90_ns"].get<std::uint64_t>());
  EXPECT_LE(s["p99_99_ns"].get<std::uint64_t>(), big.max());
}

TEST(Histogram, values_above_sixty_seconds_clamp_to_the_top_and_are_counted) {
  Histogram h;
  h.record(10);
  for (int i = 0; i < 9; ++i) h.record(70'000'000'000);
  h.record(std::numeric_limits<std::uint64_t>::max());  // an unclamped negative delta
  EXPECT_EQ(h.count(), 11u);
  EXPECT_EQ(h.clamped_high(), 10u);
  EXPECT_EQ(h.max(), std::numeric_limits<std::uint64_t>::max());  // max stays exact
  const auto p90 = h.percentile(0.9);
  ASSERT_TRUE(p90);
  EXPECT_NEAR(static_cast<double>(*p90), 60e9, 60e9 * 0.001);
  EXPECT_DOUBLE_EQ(h.mean(), (10.0 + 10 * 60e9) / 11.0);
  EXPECT_EQ(h.summary()["clamped_high"], 10);
}

TEST(Histogram, merge_equals_recording_both_into_one) {
  const auto a = tail_heavy_values(50'000, 1);
  const auto b = tail_heavy_values(70'000, 2);
  Histogram ha, hb, both;
  for (auto v : a) ha.record(v), both.record(v);
  for (auto v : b) hb.record(v), both.record(v);
  hb.record(90'000'000'000);
  both.record(90'000'000'000);
  ha.merge(hb);
  EXPECT_EQ(ha, both);
  EXPECT_EQ(ha.summary(), both.summary());

  Histogram empty;
  both.merge(empty);
  EXPECT_EQ(ha, both);
  empty.merge(both);
  EXPECT_EQ(empty, both);
}

TEST(Histogram, reset_returns_to_empty) {
  Histogram h;
  for (auto v : tail_heavy_values(1000, 4)) h.record(v);
  h.reset();
  EXPECT_EQ(h, Histogram());
}

TEST(Histogram, json_round_trip_is_exact) {
  Histogram h;
  for (auto v : tail_heavy_values(200'000, 5)) h.record(v);
  h.record(0);
  h.record(61'000'000'000);
  const Histogram back = Histogram::from_json(json::parse(h.to_json().dump()));
  EXPECT_EQ(back, h);
  EXPECT_EQ(back.summary(), h.summary());
  EXPECT_EQ(Histogram::from_json(Histogram().to_json()), Histogram());

  const json b = h.buckets();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    total += b[i][1].get<std::uint64_t>();
    if (i > 0) {
      EXPECT_LT(b[i - 1][0].get<std::uint64_t>(), b[i][0].get<std::uint64_t>());
    }
  }
  EXPECT_EQ(total, h.count());
}

TEST(Histogram, from_json_rejects_what_to_json_could_not_have_written) {
  Histogram h;
  h.record(5000);
  h.record(7);
  const json good = h.to_json();
  auto broken = [&](auto edit) {
    json j = good;
    edit(j);
    return j;
  };
  Histogram other;
  other.record(9000);
  other.record(7);
  EXPECT_THROW(Histogram::from_json(json::array()), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j.erase("hdr"); })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j["hdr"] = "not base64!"; })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j["count"] = 3; })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j["count"] = -2; })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j["max_ns"] = 9000; })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j["min_ns"] = 8; })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j["min_ns"] = nullptr; })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([](json& j) { j.erase("sum_ns"); })), std::invalid_argument);
  EXPECT_THROW(Histogram::from_json(broken([&](json& j) { j["hdr"] = other.encode_hdr(); })), std::invalid_argument);
  EXPECT_NO_THROW(Histogram::from_json(good));
}

TEST(Histogram, hdr_encoding_keeps_every_count_and_states_its_range) {
  Histogram h;
  for (auto v : tail_heavy_values(200'000, 7)) h.record(v);
  h.record(0);
  h.record(61'000'000'000);  // clamped: counted in the last bucket
  const Histogram back = Histogram::decode_hdr(h.encode_hdr());
  EXPECT_EQ(back.buckets(), h.buckets());
  EXPECT_EQ(back.count(), h.count());
  // Bucket resolution only: the exact extremes stay in to_json's keys.
  EXPECT_EQ(back.min(), Histogram::lowest_at(Histogram::index_of(h.min())));
  EXPECT_EQ(back.max(), Histogram::highest_at(Histogram::index_of(Histogram::kHighestNs)));
  for (double p : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(Histogram::index_of(*back.percentile(p)), Histogram::index_of(*h.percentile(p))) << p;
  }
  EXPECT_EQ(Histogram::decode_hdr(Histogram().encode_hdr()), Histogram());
}

TEST(Histogram, hdr_encoding_is_hdrhistograms_v2_compressed_form) {
  Histogram h;
  h.record(3);
  const std::string text = h.encode_hdr();
  // Base64 of the compressed cookie 0x1c849314: every V2 compressed
  // histogram, in any HdrHistogram library, starts "HISTFAAA".
  EXPECT_EQ(text.rfind("HISTFAAA", 0), 0u) << text;
  EXPECT_THROW(Histogram::decode_hdr("HISTFAAA"), std::invalid_argument);      // the header alone
  EXPECT_THROW(Histogram::decode_hdr(text.substr(0, text.size() - 4)), std::invalid_argument);
  EXPECT_THROW(Histogram::decode_hdr("AAAAAAAAAAAA"), std::invalid_argument);  // no cookie
}

// No timing assertion (it would flake under sanitizers); the elapsed time
// is recorded so a slow record() shows in the test output.
TEST(Histogram, records_ten_million_values_quickly) {
  Histogram h;
  std::uint64_t x = 88172645463325252ull;
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 10'000'000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift: cheaper than the record being timed
    h.record(x >> 30);
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
  RecordProperty("record_10M_ms", std::to_string(ms));
  std::printf("10M records: %.1f ms\n", ms);
  EXPECT_EQ(h.count(), 10'000'000u);
}

}  // namespace
}  // namespace qb
