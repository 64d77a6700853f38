// The latency sample (latency_sample.hpp): bounded memory that thins itself
// and says so, a join that pairs each sampled item's send and receive, and a
// choice of items that does not beat in step with the sequence numbers.
#include <gtest/gtest.h>

#include <set>

#include "harness/measure/clock.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/run/payload.hpp"

namespace {

TEST(LatencySample, a_full_log_thins_itself_and_never_grows) {
  qb::SampleLog log(1);
  const std::uint64_t n = 4 * qb::SampleLog::kCapacity;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (log.wants(qb::make_tag(0, i))) log.note(qb::make_tag(0, i), i);  // as the runners call it
  }
  EXPECT_LE(log.size(), qb::SampleLog::kCapacity);
  EXPECT_GE(log.thinned(), 2);
  for (const auto& e : log) EXPECT_TRUE(log.wants(e.tag));
  // About n / 2^thinned of the items are left, give or take the hash.
  const double expected = static_cast<double>(n) / static_cast<double>(1u << log.thinned());
  EXPECT_GT(static_cast<double>(log.size()), 0.4 * expected);
}

TEST(LatencySample, a_retried_note_replaces_the_first) {
  qb::SampleLog log(1);
  log.note(qb::make_tag(1, 7), 100);
  log.note(qb::make_tag(1, 7), 250);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.begin()->ticks, 250u);
}

TEST(LatencySample, the_join_pairs_sends_and_receives_and_counts_what_it_cannot_pair) {
  const auto clock = qb::Clock::monotonic("test");  // ticks are ns
  std::vector<qb::SampleLog> senders, receivers;
  senders.emplace_back(1);
  receivers.emplace_back(1);
  for (std::uint64_t i = 0; i < 1000; ++i) senders[0].note(qb::make_tag(0, i), 1000 * i);
  for (std::uint64_t i = 0; i < 1000; ++i) receivers[0].note(qb::make_tag(0, i), 1000 * i + 500);
  receivers[0].note(qb::make_tag(3, 1), 5);        // never sent in the window
  receivers[0].note(qb::make_tag(0, 999 + 1), 0);  // sent after it was received: skew
  senders[0].note(qb::make_tag(0, 1000), 10);
  const auto joined = qb::join_samples(senders, receivers, 1, clock, true);
  EXPECT_EQ(joined.matched, 1001u);
  EXPECT_EQ(joined.unmatched, 1u);
  EXPECT_EQ(joined.negative, 1u);
  EXPECT_EQ(joined.e2e.count(), 1001u);
  EXPECT_EQ(joined.pairs.size(), 1001u);
  EXPECT_EQ(joined.e2e.percentile(0.5).value_or(0), 500u);
}

TEST(LatencySample, the_sample_is_not_every_nth_item) {
  qb::SampleLog log(64);
  std::set<std::uint64_t> gaps;
  std::uint64_t last = 0, chosen = 0;
  for (std::uint64_t i = 0; i < 64 * 2000; ++i) {
    if (!log.wants(qb::make_tag(0, i))) continue;
    if (chosen++ > 0) gaps.insert(i - last);
    last = i;
  }
  // About 1 in 64, with gaps of many lengths (a periodic sample has one).
  EXPECT_GT(chosen, 1500u);
  EXPECT_LT(chosen, 2500u);
  EXPECT_GT(gaps.size(), 50u);
}

}  // namespace
