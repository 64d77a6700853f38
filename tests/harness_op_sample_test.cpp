// --latency ops times about one call in a period, at random gaps: a stall
// that recurs with any cycle is sampled in every phase, where a fixed
// one-in-N countdown saw only one phase of a cycle that is a multiple of N.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "harness/measure/op_sample.hpp"

namespace {

// How many of `calls` the sampler picks, and how many of those fall on a
// call with index % cycle == phase (a queue's periodic stall).
struct Picked {
  std::uint64_t all = 0, on_stall = 0;
  std::set<std::uint64_t> phases;
};

Picked pick(qb::OpSampler& s, std::uint64_t calls, std::uint64_t cycle, std::uint64_t phase) {
  Picked p;
  for (std::uint64_t i = 0; i < calls; ++i) {
    if (!s.next()) continue;
    ++p.all;
    p.on_stall += i % cycle == phase;
    p.phases.insert(i % cycle);
  }
  return p;
}

TEST(OpSample, times_about_one_call_in_its_period) {
  qb::OpSampler s(64, 1);
  const Picked p = pick(s, 6'400'000, 1, 0);
  EXPECT_NEAR(static_cast<double>(p.all), 100'000.0, 2'000.0);
}

TEST(OpSample, a_stall_every_1024th_call_is_sampled_in_proportion) {
  // 1024 is a multiple of 64: a one-in-64 countdown from call 63 on times
  // calls 63, 127, ..., never call 1000 of a cycle, so this stall was never seen.
  qb::OpSampler s(64, 7);
  const std::uint64_t calls = 64ull << 20;
  const Picked p = pick(s, calls, 1024, 1000);
  const double expected = static_cast<double>(calls) / 1024 / 64;  // 1024 stalls, 1 in 64 timed
  EXPECT_GT(static_cast<double>(p.on_stall), expected / 3);
  EXPECT_LT(static_cast<double>(p.on_stall), expected * 3);
  EXPECT_EQ(p.phases.size(), 1024u);  // every phase of the cycle is reached
}

TEST(OpSample, threads_with_different_seeds_draw_different_gaps) {
  qb::OpSampler a(64, 1), b(64, 2);
  int differ = 0;
  for (int i = 0; i < 10'000; ++i) differ += a.next() != b.next();
  EXPECT_GT(differ, 100);
}

TEST(OpSample, a_period_of_one_or_zero_times_every_call) {
  for (std::uint32_t period : {0u, 1u}) {
    qb::OpSampler s(period, 3);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.next()) << period;
  }
}

}  // namespace
