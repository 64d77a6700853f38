// The waiting push and pop of every registered queue that models
// BlockingQueue (queues/queue.hpp): a waiter wakes when another thread makes
// room or brings an item, a timeout is honoured (never early, and within twice
// its length), a failed wait leaves its argument alone, and under contention
// at the smallest capacity no wake-up is lost.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "queues/registry.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Long enough that a waiter that returns before it was woken by the other
// thread's action is clearly a bug, short enough that a lost wake-up fails
// the test rather than hangs it.
constexpr auto kLongWait = 10s;

// The timeout whose length is measured, and how late its return may be: the
// issue asks for "within twice its length". The slack this leaves (50 ms) is
// the scheduler's: a timed-out waiter must be woken by the kernel, run, and
// win the queue's mutex.
constexpr auto kTimeout = 50ms;
constexpr auto kLateBound = 2 * kTimeout;

// Returning early is the queue's fault alone, so every try checks it. How late
// a timed-out thread runs again is also the scheduler's: under TSan on a
// loaded two-core machine one try in a few hundred came back after 127 ms. A
// queue that overshoots by design (a second wait after a spurious wake-up, a
// deadline computed twice) is late on every try; a preemption hits one. So
// "within twice its length" must hold on at least one of kTries tries, and
// the message lists them all.
constexpr int kTries = 3;

// `timed_wait` makes one wait that must time out (checking its own result)
// and returns how long it took.
template <class F>
void expect_timely_timeouts(F timed_wait) {
  std::ostringstream took;
  for (int i = 0; i < kTries; ++i) {
    const Clock::duration elapsed = timed_wait();
    EXPECT_GE(elapsed, kTimeout) << "returned before its timeout";
    took << " " << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us";
    if (elapsed < kLateBound) return;
  }
  ADD_FAILURE() << "took more than twice its timeout on every one of " << kTries << " tries:" << took.str();
}

template <class Q>
class UnitBlocking : public ::testing::Test {};

using Blocking = registry_where<::testing::Types, IsBlocking, Item>;
TYPED_TEST_SUITE(UnitBlocking, Blocking);

TYPED_TEST(UnitBlocking, a_blocked_pop_wakes_when_another_thread_pushes) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  Item out{99, 99};
  bool popped = false;
  Clock::duration waited{};
  std::thread consumer([&] {
    const auto start = Clock::now();
    popped = q->pop(out, kLongWait);
    waited = Clock::now() - start;
  });
  std::this_thread::sleep_for(20ms);  // most likely asleep in pop by now
  ASSERT_TRUE(q->try_push(Item{1, 7}));
  consumer.join();
  EXPECT_TRUE(popped) << "the waiting pop timed out instead of taking the pushed item";
  EXPECT_EQ(out, (Item{1, 7}));
  EXPECT_LT(waited, kLongWait / 2) << "woke only near its timeout: the push did not wake it";
  Item again;
  EXPECT_FALSE(q->try_pop(again));
}

TYPED_TEST(UnitBlocking, a_blocked_push_wakes_when_another_thread_pops) {
  if constexpr (!kHasCapacity<TypeParam>) {
    GTEST_SKIP() << "unbounded: push never waits";
  } else {
    auto q = make_fixed<TypeParam>(1);
    ASSERT_TRUE(q->try_push(Item{0, 0}));
    ASSERT_FALSE(q->try_push(Item{0, 1})) << "capacity 1 should be full";
    bool pushed = false;
    Clock::duration waited{};
    std::thread producer([&] {
      const auto start = Clock::now();
      pushed = q->push(Item{0, 1}, kLongWait);
      waited = Clock::now() - start;
    });
    std::this_thread::sleep_for(20ms);  // most likely asleep in push by now
    Item out;
    ASSERT_TRUE(q->try_pop(out));
    EXPECT_EQ(out.seq, 0u);
    producer.join();
    EXPECT_TRUE(pushed) << "the waiting push timed out although a slot was freed";
    EXPECT_LT(waited, kLongWait / 2) << "woke only near its timeout: the pop did not wake it";
    ASSERT_TRUE(q->try_pop(out));
    EXPECT_EQ(out.seq, 1u);
  }
}

TYPED_TEST(UnitBlocking, pop_times_out_on_an_empty_queue_not_early_and_within_twice_its_timeout) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  expect_timely_timeouts([&] {
    Item out{5, 5};
    const auto start = Clock::now();
    const bool popped = q->pop(out, kTimeout);
    const auto elapsed = Clock::now() - start;
    EXPECT_FALSE(popped);
    EXPECT_EQ(out, (Item{5, 5})) << "a timed-out pop must leave its argument alone";
    return elapsed;
  });
}

TYPED_TEST(UnitBlocking, push_times_out_on_a_full_queue_and_leaves_its_argument_intact) {
  using Q = rebind_t<TypeParam, std::unique_ptr<int>>;
  if constexpr (!kHasCapacity<Q>) {
    GTEST_SKIP() << "unbounded: push never waits";
  } else {
    auto q = make_fixed<Q>(1);
    ASSERT_TRUE(q->try_push(std::make_unique<int>(1)));
    auto extra = std::make_unique<int>(2);
    expect_timely_timeouts([&] {
      const auto start = Clock::now();
      const bool pushed = q->push(std::move(extra), kTimeout);
      const auto elapsed = Clock::now() - start;
      EXPECT_FALSE(pushed);
      EXPECT_NE(extra, nullptr) << "a timed-out push must not consume its argument";
      if (extra != nullptr) {
        EXPECT_EQ(*extra, 2);
      }
      return elapsed;
    });
    ASSERT_NE(extra, nullptr);
  }
}

TYPED_TEST(UnitBlocking, a_zero_or_negative_timeout_only_tries) {
  auto q = make_fixed<TypeParam>(1);
  Item out;
  for (const auto timeout : {std::chrono::nanoseconds(0), std::chrono::nanoseconds(-5'000'000)}) {
    const auto start = Clock::now();
    EXPECT_FALSE(q->pop(out, timeout));
    ASSERT_TRUE(q->push(Item{0, 1}, timeout));
    if constexpr (kHasCapacity<TypeParam>) {
      EXPECT_FALSE(q->push(Item{0, 2}, timeout));
    }
    ASSERT_TRUE(q->pop(out, timeout));
    EXPECT_EQ(out.seq, 1u);
    EXPECT_LT(Clock::now() - start, kTimeout) << "waited although told not to";
  }
}

TYPED_TEST(UnitBlocking, a_timeout_too_long_to_add_to_the_clock_still_waits_and_wakes) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  Item out;
  bool popped = false;
  std::thread consumer([&] { popped = q->pop(out, std::chrono::nanoseconds::max()); });
  std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(q->try_push(Item{2, 3}));
  consumer.join();
  EXPECT_TRUE(popped);
  EXPECT_EQ(out, (Item{2, 3}));
}

// Producers and consumers that only ever wait (no try_*) at capacity 1, more
// threads than cores: if a notify were skipped while someone slept, that
// thread would sleep until kLongWait and its operation would fail.
TYPED_TEST(UnitBlocking, waiting_producers_and_consumers_lose_no_wake_up_at_capacity_one) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 4;
  const std::uint64_t per_producer = kUnderSanitizer ? 2'000 : 20'000;
  const std::uint64_t per_consumer = per_producer * kProducers / kConsumers;
  auto q = make_fixed<TypeParam>(1);
  std::atomic<std::uint64_t> timeouts{0};  // relaxed: a count read after join
  std::vector<std::vector<Item>> popped(kConsumers);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] {
      for (std::uint64_t seq = 0; seq < per_producer; ++seq) {
        if (!q->push(Item{static_cast<std::uint32_t>(p), seq}, kLongWait)) {
          timeouts.fetch_add(1, std::memory_order_relaxed);
          return;
        }
      }
    });
  }
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&, c] {
      Item item;
      for (std::uint64_t i = 0; i < per_consumer; ++i) {
        if (!q->pop(item, kLongWait)) {
          timeouts.fetch_add(1, std::memory_order_relaxed);
          return;
        }
        popped[static_cast<std::size_t>(c)].push_back(item);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(timeouts.load(std::memory_order_relaxed), 0u) << "a waiter slept through its wake-up";
  const DeliveryReport report =
      check_delivery(popped, {.producers = kProducers, .items_per_producer = per_producer});
  EXPECT_TRUE(report.clean()) << report;
  Item left;
  EXPECT_FALSE(q->try_pop(left));
}

}  // namespace
}  // namespace qb::test
