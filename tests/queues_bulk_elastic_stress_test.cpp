// mpsc_elastic's bulk calls under concurrency: four producers mixing
// try_push_bulk of varying sizes with try_push, one consumer mixing
// try_pop_bulk with try_pop (and the same with bulk calls alone), across
// growth and shrink: every item delivered once, in each producer's order,
// and retired rings freed. Single-thread checks: queues_bulk_elastic_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "queues/backoff.hpp"
#include "queues/mpsc_elastic.hpp"
#include "tests/stress_driver.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

// Which calls a concurrent run makes.
enum class Calls {
  mixed,      // a quarter of the pushes and of the pops single, the rest bulk
  bulk_only,  // no single call, so no single call's release or acquire can
              // order what a bulk call forgot to (TSan then sees it)
};

// Four producers push runs of 2..40 items (try_push_bulk; in a mixed run a
// quarter of the runs is one item through try_push instead); the consumer
// pops 2..64 at a time (try_pop_bulk; mixed: a quarter of the pops try_pop).
// A bulk call of one item is a single call (mpsc_elastic_bulk.hpp), so no
// call here has n = 1, except a producer's last run.
// As in queues_elastic_test.cpp, three times in the run the consumer stops
// until the producers have grown the queue to max, then the producers hold
// until the drained queue shrinks. V is the element: Item, or Tracked, whose
// ledger then also checks every move and destruction the bulk calls make.
template <class V>
void run_concurrently(Calls calls, Pressure pressure = Pressure::roomy) {
  using Codec = ItemCodec<V>;
  const ElasticConfig config{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024};
  MpscElastic<V> queue(config);
  constexpr int kProducers = 4;
  const std::uint64_t per_producer = stress_counts(kProducers, pressure);
  const std::uint64_t total = kProducers * per_producer;
  // relaxed, all: flags and counts between the threads, ordered with no
  // data; the popped items are read after join(), which synchronises.
  std::atomic<bool> hold{false};
  std::atomic<bool> abort{false};
  std::atomic<std::uint64_t> shrinks_at_hold{0};
  std::atomic<std::uint64_t> progress{0};
  std::atomic<std::uint64_t> overcounted{0};  // a bulk push that claimed more than it was given

  auto produce = [&](int id) {
    std::minstd_rand rng(static_cast<std::uint_fast32_t>(id) * 1'000'003 + 17);
    for (std::uint64_t seq = 0; seq < per_producer && !abort.load(std::memory_order_relaxed);) {
      if (hold.load(std::memory_order_relaxed)) {
        wait_until([&] { return queue.shrink_count() > shrinks_at_hold.load(std::memory_order_relaxed); },
                   std::chrono::seconds(5));
        hold.store(false, std::memory_order_relaxed);
      }
      const std::size_t want = 2 + rng() % 39;  // a bulk call of 1 is try_push's
      const bool single = calls == Calls::mixed && want % 4 == 2;
      const std::size_t n = single ? 1 : std::min<std::uint64_t>(want, per_producer - seq);
      std::vector<V> batch;
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) batch.push_back(Codec::encode(Item{static_cast<std::uint32_t>(id), seq + i}));
      Backoff backoff;
      for (std::size_t done = 0; done < n && !abort.load(std::memory_order_relaxed);) {
        const std::size_t k = single ? (queue.try_push(std::move(batch[0])) ? 1 : 0)
                                     : queue.try_push_bulk(batch.data() + done, n - done);
        if (k > n - done) overcounted.fetch_add(1, std::memory_order_relaxed);
        done += k;
        progress.fetch_add(k, std::memory_order_relaxed);
        if (k == 0) backoff.snooze();
      }
      seq += n;
    }
  };

  std::vector<Item> popped;
  popped.reserve(total);
  std::uint64_t runs = 0;  // bulk pops that took more than one item
  std::thread consumer([&] {
    std::minstd_rand rng(99);
    std::vector<V> out(64);
    Backoff backoff;
    std::uint64_t next_pause = total / 4;
    while (popped.size() < total && !abort.load(std::memory_order_relaxed)) {
      const std::size_t n = 2 + rng() % (out.size() - 1);  // a bulk call of 1 is try_pop's
      const bool single = calls == Calls::mixed && n % 4 == 2;
      const std::size_t k = single ? (queue.try_pop(out[0]) ? 1 : 0) : queue.try_pop_bulk(out.data(), n);
      if (k == 0) {
        backoff.snooze();
        continue;
      }
      backoff.reset();
      runs += k > 1;
      for (std::size_t i = 0; i < k; ++i) popped.push_back(Codec::decode(out[i]));
      progress.fetch_add(k, std::memory_order_relaxed);
      if (popped.size() < next_pause) continue;
      next_pause += total / 4;
      if (popped.size() + 4 * config.max_capacity >= total) continue;
      wait_until([&] { return queue.approx_capacity() == config.max_capacity; }, std::chrono::seconds(5));
      shrinks_at_hold.store(queue.shrink_count(), std::memory_order_relaxed);
      hold.store(true, std::memory_order_relaxed);
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) producers.emplace_back(produce, p);

  // Watchdog: a run with no push or pop for 60 s has lost items or hung.
  bool stalled = false;
  std::uint64_t last = 0;
  auto since = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto now_progress = progress.load(std::memory_order_relaxed);
    if (now_progress == 2 * total) break;  // every item pushed and popped
    if (now_progress != last) {
      last = now_progress;
      since = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - since > std::chrono::seconds(60)) {
      stalled = true;
      abort.store(true, std::memory_order_relaxed);
      break;
    }
  }
  for (auto& t : producers) t.join();
  consumer.join();

  EXPECT_FALSE(stalled);
  EXPECT_EQ(overcounted.load(), 0u);
  const DeliveryReport report =
      check_delivery({popped}, {.producers = kProducers, .items_per_producer = per_producer});
  EXPECT_TRUE(report.clean()) << report;
  V extra;
  EXPECT_FALSE(queue.try_pop(extra)) << "an item beyond the " << total << " pushed";
  EXPECT_GT(runs, 0u) << "no bulk pop took more than one item";
  EXPECT_GT(queue.grow_count(), 0u) << "never grew during the run";
  EXPECT_GT(queue.shrink_count(), 0u) << "never shrank during the run";
  // Each producer's hazard pinned at most one ring at the consumer's last
  // scan, and this thread's one more (a ring of an earlier test's queue, its
  // address reused); every other retired ring has been freed.
  EXPECT_LE(queue.retired_pending(), std::size_t{kProducers} + 1);
}

TEST(BulkElasticStress, concurrent_bulk_and_single_calls_deliver_each_item_once_in_order_through_resizes) {
  run_concurrently<Item>(Calls::mixed);
}

TEST(BulkElasticStress, concurrent_bulk_calls_alone_deliver_each_item_once_in_order_through_resizes) {
  run_concurrently<Item>(Calls::bulk_only);
}

// Fewer items: every Tracked operation takes the ledger's lock.
TEST(BulkElasticStress, tracked_elements_live_and_die_exactly_once_through_concurrent_bulk_calls) {
  auto& ledger = LifetimeLedger::instance();
  ledger.clear_errors();
  const std::size_t live_at_start = ledger.live();
  run_concurrently<Tracked>(Calls::mixed, Pressure::tiny);
  EXPECT_EQ(ledger.live(), live_at_start) << "leaked Tracked objects";
  EXPECT_EQ(ledger.error_count(), 0u) << ledger.errors();
}

}  // namespace
}  // namespace qb::test
