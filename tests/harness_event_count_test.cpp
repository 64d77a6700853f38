// The harness's blocking layer (harness/run/event_count.hpp, harness_block.hpp):
// a sleeper is never left asleep with an item there for it. A lost wake-up
// shows as a pop or push that waited out its long timeout (10-30 s), so each
// test fails rather than hangs.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "harness/run/harness_block.hpp"
#include "queues/sequence_ring.hpp"

namespace {

using namespace std::chrono_literals;

TEST(EventCount, a_wait_with_no_notify_times_out_and_uncounts_the_waiter) {
  qb::EventCount ec;
  const auto key = ec.prepare_wait();
  EXPECT_EQ(ec.waiters(), 1u);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(ec.wait(key, 20ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 20ms);
  EXPECT_EQ(ec.waiters(), 0u);
}

TEST(EventCount, a_notify_between_prepare_and_wait_is_not_lost) {
  qb::EventCount ec;
  const auto key = ec.prepare_wait();
  ec.notify_one();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ec.wait(key, 30s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

TEST(EventCount, a_notify_with_nobody_counted_leaves_the_epoch) {
  qb::EventCount ec;
  ec.notify_one();  // nobody waits: a fence and a load, no epoch move
  const auto key = ec.prepare_wait();
  EXPECT_FALSE(ec.wait(key, 5ms));
}

// Every consumer has found the queue empty, counted itself as a waiter and
// is held just before its sleep; then the last items arrive (one each), and
// only then do the consumers go to sleep. Each must get its item at once.
std::barrier<>* g_about_to_sleep = nullptr;
std::atomic<bool> g_release{false};

struct HoldBeforeSleep {
  static void before_sleep() noexcept {
    thread_local bool held = false;  // only each thread's first sleep is held
    if (held || g_about_to_sleep == nullptr) return;
    held = true;
    g_about_to_sleep->arrive_and_wait();
    while (!g_release.load(std::memory_order_acquire)) std::this_thread::yield();
  }
};

TEST(HarnessBlock, the_last_items_arriving_while_every_consumer_is_about_to_sleep_wake_them_all) {
  constexpr int kConsumers = 4;
  qb::SequenceRing<std::uint64_t> queue(16);
  qb::BasicBlockingWaits<HoldBeforeSleep> waits;
  std::barrier<> about_to_sleep(kConsumers + 1);
  g_about_to_sleep = &about_to_sleep;
  g_release = false;
  std::atomic<int> got{0}, timed_out{0};
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&] {
      std::uint64_t item = 0;
      if (qb::harness_pop(queue, item, waits, 30s)) {
        got.fetch_add(1);
      } else {
        timed_out.fetch_add(1);
      }
    });
  }
  about_to_sleep.arrive_and_wait();  // every consumer re-checked, found nothing, and is held
  EXPECT_EQ(waits.not_empty.waiters(), static_cast<std::uint32_t>(kConsumers));
  for (std::uint64_t i = 0; i < kConsumers; ++i) ASSERT_TRUE(qb::harness_push(queue, std::uint64_t{i}, waits, 1s));
  const auto t0 = std::chrono::steady_clock::now();
  g_release.store(true, std::memory_order_release);
  for (auto& t : consumers) t.join();
  g_about_to_sleep = nullptr;
  EXPECT_EQ(got.load(), kConsumers);
  EXPECT_EQ(timed_out.load(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s) << "a consumer slept through its item";
}

// Many sleepers, rare items: producers push at random gaps of 0-300 us into a
// small ring (so producers sleep on a full ring too), consumers pop with a
// 10 s timeout. Every item arrives exactly once and no call times out.
void many_sleepers_rare_items(std::uint32_t spin) {
#if defined(QB_UNDER_SANITIZER)
  constexpr std::uint64_t kPerProducer = 300;
#else
  constexpr std::uint64_t kPerProducer = 3000;
#endif
  constexpr int kProducers = 2, kConsumers = 6;
  constexpr std::uint64_t kPoison = ~std::uint64_t{0};
  qb::SequenceRing<std::uint64_t> queue(4);
  qb::BlockingWaits waits;
  waits.spin = spin;
  std::vector<std::atomic<std::uint8_t>> seen(kProducers * kPerProducer);
  std::atomic<int> timeouts{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        std::uint64_t item = 0;
        if (!qb::harness_pop(queue, item, waits, 10s)) {
          timeouts.fetch_add(1);
          return;
        }
        if (item == kPoison) return;
        seen[item].fetch_add(1);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      std::minstd_rand rng(static_cast<unsigned>(p) + 1);
      for (std::uint64_t i = 0; i < kPerProducer; ++i) {
        const auto gap = std::chrono::microseconds(rng() % 300);
        if (gap > 150us) std::this_thread::sleep_for(gap);  // rare: half the items come at once
        if (!qb::harness_push(queue, p * kPerProducer + i, waits, 10s)) timeouts.fetch_add(1);
      }
    });
  }
  for (auto& t : producers) t.join();
  for (int c = 0; c < kConsumers; ++c) {
    if (!qb::harness_push(queue, std::uint64_t{kPoison}, waits, 10s)) timeouts.fetch_add(1);
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(timeouts.load(), 0) << "a thread slept through an item or a free slot";
  std::uint64_t missing = 0, repeated = 0;
  for (auto& s : seen) {
    missing += s.load() == 0;
    repeated += s.load() > 1;
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(repeated, 0u);
  EXPECT_EQ(waits.not_empty.waiters(), 0u);
  EXPECT_EQ(waits.not_full.waiters(), 0u);
}

TEST(HarnessBlock, many_sleepers_and_rare_items_lose_no_wake_up_with_pure_blocking) { many_sleepers_rare_items(0); }

TEST(HarnessBlock, many_sleepers_and_rare_items_lose_no_wake_up_after_a_spin_phase) { many_sleepers_rare_items(64); }

TEST(HarnessBlock, a_pop_on_an_empty_queue_returns_false_after_its_timeout_with_out_untouched) {
  qb::SequenceRing<std::uint64_t> queue(4);
  qb::BlockingWaits waits;
  std::uint64_t out = 7;
  EXPECT_FALSE(qb::harness_pop(queue, out, waits, 5ms));
  EXPECT_EQ(out, 7u);
  EXPECT_EQ(waits.not_empty.waiters(), 0u);
}

TEST(HarnessBlock, a_push_on_a_full_ring_returns_false_after_its_timeout_and_a_pop_then_lets_it_in) {
  qb::SequenceRing<std::uint64_t> queue(2);
  qb::BlockingWaits waits;
  ASSERT_TRUE(qb::harness_push(queue, std::uint64_t{1}, waits, 5ms));
  ASSERT_TRUE(qb::harness_push(queue, std::uint64_t{2}, waits, 5ms));
  EXPECT_FALSE(qb::harness_push(queue, std::uint64_t{3}, waits, 5ms));
  std::thread popper([&] {
    std::this_thread::sleep_for(20ms);
    std::uint64_t out = 0;
    EXPECT_TRUE(qb::harness_pop(queue, out, waits, 1s));
    EXPECT_EQ(out, 1u);
  });
  EXPECT_TRUE(qb::harness_push(queue, std::uint64_t{3}, waits, 30s));  // sleeps until the pop
  popper.join();
}

}  // namespace
