// The runner's promises: a known item count arrives, a broken queue is
// reported invalid, a crash or a hang fails only its repetition, an
// interrupt keeps what finished.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "harness/run/isolation.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/point_runner.hpp"
#include "queues/sequence_ring.hpp"
#include "tests/broken_queue.hpp"

namespace {

using namespace std::chrono_literals;
using Item = qb::Payload<8>;

qb::PointParams small_point(int producers, int consumers) {
  qb::PointParams p;
  p.producers = producers;
  p.consumers = consumers;
  p.capacity = 64;
  p.warmup = 20ms;
  p.duration = 50ms;
  p.placement = qb::Placement::none;
  return p;
}

std::vector<int> unpinned(const qb::PointParams& p) { return std::vector<int>(static_cast<std::size_t>(p.producers + p.consumers), -1); }

// Crashes on the 1000th pop.
template <class T>
class CrashingQueue : public qb::test::BrokenDeque<T> {
 public:
  using qb::test::BrokenDeque<T>::BrokenDeque;
  bool try_push(T&& v) { return ring_.try_push(std::move(v)); }
  bool try_pop(T& out) {
    if (++pops_ == 1000) std::abort();
    return ring_.try_pop(out);
  }

 private:
  qb::SequenceRing<T> ring_{64};
  std::atomic<int> pops_{0};
};

// Never accepts an item and never lets its caller return.
template <class T>
class HangingQueue : public qb::test::BrokenDeque<T> {
 public:
  using qb::test::BrokenDeque<T>::BrokenDeque;
  bool try_push(T&&) {
    for (;;) std::this_thread::sleep_for(1s);
  }
};

TEST(Runner, fixed_count_run_delivers_every_item_exactly_once) {
  auto params = small_point(2, 2);
  params.items = 20000;
  const auto rep = qb::run_repetition<qb::SequenceRing<Item>>(params, unpinned(params));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  std::uint64_t pushed_in_window = 0;
  for (const auto& t : rep.threads) {
    if (t.role == "producer") pushed_in_window += t.items;
  }
  EXPECT_EQ(pushed_in_window, 20000u);
  EXPECT_EQ(rep.validation.pushed, rep.validation.popped);
  EXPECT_TRUE(rep.validation.valid());
  EXPECT_TRUE(rep.validation.order_checked);
  EXPECT_GT(rep.items_per_s, 0);
  EXPECT_GT(rep.elapsed_s, 0);
}

TEST(Runner, duration_run_reports_a_window_and_validates) {
  auto params = small_point(1, 1);
  const auto rep = qb::run_repetition<qb::SequenceRing<Item>>(params, unpinned(params));
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  EXPECT_NEAR(rep.elapsed_s, 0.05, 0.05);
  EXPECT_EQ(rep.validation.lost + rep.validation.duplicated + rep.validation.misordered, 0u);
}

TEST(Runner, broken_queue_is_reported_invalid_without_a_throughput) {
  auto params = small_point(2, 2);
  params.items = 20000;
  const auto rep = qb::run_repetition<qb::test::BrokenDeque<Item>>(params, unpinned(params));
  EXPECT_EQ(rep.status, qb::RepStatus::invalid);
  EXPECT_GT(rep.validation.lost, 0u);
  EXPECT_GT(rep.validation.duplicated, 0u);
  EXPECT_EQ(rep.items_per_s, 0);
}

TEST(Isolation, crashing_queue_fails_its_repetition_with_the_signal) {
  auto params = small_point(1, 1);
  const auto rep = qb::run_isolated([&] { return qb::run_repetition<CrashingQueue<Item>>(params, unpinned(params)); }, 30s);
  EXPECT_EQ(rep.status, qb::RepStatus::failed);
  EXPECT_NE(rep.failure.find("signal"), std::string::npos) << rep.failure;
  // The next repetition in the same process is unaffected.
  const auto next = qb::run_isolated([&] { return qb::run_repetition<qb::SequenceRing<Item>>(params, unpinned(params)); }, 30s);
  EXPECT_EQ(next.status, qb::RepStatus::ok) << next.failure;
  EXPECT_GT(next.peak_rss_kib, 0);
}

TEST(Isolation, hanging_queue_is_killed_at_the_timeout) {
  auto params = small_point(1, 1);
  const auto start = std::chrono::steady_clock::now();
  const auto rep = qb::run_isolated([&] { return qb::run_repetition<HangingQueue<Item>>(params, unpinned(params)); }, 1s);
  EXPECT_EQ(rep.status, qb::RepStatus::failed);
  EXPECT_NE(rep.failure.find("timed out"), std::string::npos) << rep.failure;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

TEST(Isolation, exception_in_the_child_fails_the_repetition) {
  const auto rep = qb::run_isolated([]() -> qb::RepResult { throw std::runtime_error("boom"); }, 10s);
  EXPECT_EQ(rep.status, qb::RepStatus::failed);
  EXPECT_NE(rep.failure.find("boom"), std::string::npos);
}

}  // namespace
