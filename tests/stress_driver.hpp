// The one threaded driver behind every stress test, the broken-queue test
// included: P producers push (id, seq) items (as Item, or inside a Tracked),
// C consumers pop them, and the calling thread watches for progress. What the consumers popped goes to
// check_delivery (tests/test_support.hpp).
//
// Consumers stop when together they have received every item (a shared
// count), never because the queue looked empty: an empty-looking queue is a
// normal moment in a run, not its end. A queue that loses items would then
// keep them waiting forever, so a watchdog ends the run when nothing moves for
// plan.stall_limit and reports it as stalled; the threads are always joined.
//
// A BulkQueue's run can move its items in runs (plan.push_batch,
// plan.pop_batch): each call's n comes from the plan, n == 1 being a single
// try_push (try_pop), so one run mixes both kinds of call on both sides.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <latch>
#include <thread>
#include <vector>

#include "queues/backoff.hpp"
#include "queues/queue.hpp"
#include "tests/test_support.hpp"

namespace qb::test {

struct StressPlan {
  int producers = 1;
  int consumers = 1;
  std::uint64_t items_per_producer = 1'000;
  std::chrono::milliseconds stall_limit{60'000};
  // Optional hooks for tests that steer a run (the elastic queue's grow and
  // shrink test). Called on the producer's thread before each push, and on
  // the consumer's thread after each successful pop with its own pop count.
  std::function<void(int producer, std::uint64_t seq)> before_push = nullptr;
  std::function<void(int consumer, std::uint64_t popped)> after_pop = nullptr;
  // For a BulkQueue: the n (>= 1) of a producer's call that starts at seq,
  // and of a consumer's call after `popped` items; unset, every call is a
  // single one. A push that takes k < n items retries the rest.
  std::function<std::size_t(int producer, std::uint64_t seq)> push_batch = nullptr;
  std::function<std::size_t(int consumer, std::uint64_t popped)> pop_batch = nullptr;
};

struct StressOutcome {
  std::vector<std::vector<Item>> popped;  // per consumer, in pop order
  bool stalled = false;                   // the watchdog ended the run
  std::uint64_t left_over = 0;            // items try_pop still returned after the joins
  std::chrono::duration<double> elapsed{};
};

// How a (producer, seq) travels as the queue's element type: as itself, or
// inside a lifetime-tracked element, so that a concurrent run also checks
// construction, moves and destruction.
template <class V>
struct ItemCodec;

template <>
struct ItemCodec<Item> {
  static Item encode(Item item) { return item; }
  static Item decode(const Item& item) { return item; }
};

template <>
struct ItemCodec<Tracked> {
  static constexpr int kSeqBits = 40;
  static Tracked encode(Item item) {
    return Tracked(std::uint64_t{item.producer} << kSeqBits | item.seq);
  }
  static Item decode(const Tracked& t) {
    const std::uint64_t v = t.value();
    return Item{static_cast<std::uint32_t>(v >> kSeqBits), v & ((std::uint64_t{1} << kSeqBits) - 1)};
  }
};

template <class Q>
StressOutcome run_stress(Q& queue, const StressPlan& plan) {
  using Codec = ItemCodec<typename Q::value_type>;
  using Clock = std::chrono::steady_clock;
  constexpr bool kBulk = BulkQueue<Q>;  // else push_batch and pop_batch are not asked
  const std::uint64_t total = static_cast<std::uint64_t>(plan.producers) * plan.items_per_producer;
  const int threads = plan.producers + plan.consumers;

  StressOutcome outcome;
  outcome.popped.resize(static_cast<std::size_t>(plan.consumers));
  // relaxed everywhere below: these counters and flags carry no data. The
  // items travel through the queue; the popped vectors are read only after
  // join(), which synchronises.
  std::atomic<std::uint64_t> pushed{0};
  std::atomic<std::uint64_t> received{0};
  std::atomic<int> finished{0};
  std::atomic<bool> abort{false};
  std::latch start(threads + 1);

  // A run of items from seq on through try_push_bulk, the rest retried
  // from where the queue stopped taking; returns false if aborted.
  auto push_run = [&](int id, std::uint64_t seq, std::size_t n, std::vector<typename Q::value_type>& run) {
    if constexpr (kBulk) {
      if (run.size() < n) run.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        if (plan.before_push) plan.before_push(id, seq + i);
        run[i] = Codec::encode(Item{static_cast<std::uint32_t>(id), seq + i});
      }
      Backoff backoff;
      for (std::size_t done = 0; done < n;) {
        const std::size_t k = queue.try_push_bulk(run.data() + done, n - done);
        if (k > n - done) {  // more than asked: count it lost, never wait for it
          abort.store(true, std::memory_order_relaxed);
          return false;
        }
        done += k;
        pushed.fetch_add(k, std::memory_order_relaxed);
        if (k != 0) continue;
        if (abort.load(std::memory_order_relaxed)) return false;
        backoff.snooze();
      }
    }
    return true;
  };

  auto produce = [&](int id) {
    start.arrive_and_wait();
    std::vector<typename Q::value_type> run;
    for (std::uint64_t seq = 0; seq < plan.items_per_producer;) {
      const std::size_t n = kBulk && plan.push_batch
                                ? std::min<std::uint64_t>(plan.push_batch(id, seq), plan.items_per_producer - seq)
                                : 1;
      if (n > 1) {
        if (!push_run(id, seq, n, run)) break;
        seq += n;
        continue;
      }
      if (plan.before_push) plan.before_push(id, seq);
      Backoff backoff;
      // Retried with the same object: a rejected push must leave it intact.
      auto value = Codec::encode(Item{static_cast<std::uint32_t>(id), seq});
      while (!queue.try_push(std::move(value))) {
        if (abort.load(std::memory_order_relaxed)) break;
        backoff.snooze();
      }
      if (abort.load(std::memory_order_relaxed)) break;
      pushed.fetch_add(1, std::memory_order_relaxed);
      ++seq;
    }
    finished.fetch_add(1, std::memory_order_relaxed);
  };

  auto consume = [&](int id) {
    auto& mine = outcome.popped[static_cast<std::size_t>(id)];
    mine.reserve(total / static_cast<std::uint64_t>(plan.consumers) + 1);
    start.arrive_and_wait();
    Backoff backoff;
    typename Q::value_type value;
    std::vector<typename Q::value_type> run;
    while (received.load(std::memory_order_relaxed) < total &&
           !abort.load(std::memory_order_relaxed)) {
      const std::size_t n = kBulk && plan.pop_batch ? plan.pop_batch(id, mine.size()) : 1;
      if constexpr (kBulk) {
        if (n > 1) {
          if (run.size() < n) run.resize(n);
          const std::size_t k = queue.try_pop_bulk(run.data(), n);
          for (std::size_t i = 0; i < k && i < n; ++i) {
            mine.push_back(Codec::decode(run[i]));
            received.fetch_add(1, std::memory_order_relaxed);
            if (plan.after_pop) plan.after_pop(id, mine.size());
          }
          if (k > n) mine.push_back(Item{~0u, 0});  // more than asked: an unexpected item
          if (k == 0) {
            backoff.snooze();
          } else {
            backoff.reset();
          }
          continue;
        }
      }
      if (queue.try_pop(value)) {
        mine.push_back(Codec::decode(value));
        received.fetch_add(1, std::memory_order_relaxed);
        backoff.reset();
        if (plan.after_pop) plan.after_pop(id, mine.size());
      } else {
        backoff.snooze();
      }
    }
    finished.fetch_add(1, std::memory_order_relaxed);
  };

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int p = 0; p < plan.producers; ++p) pool.emplace_back(produce, p);
  for (int c = 0; c < plan.consumers; ++c) pool.emplace_back(consume, c);
  start.arrive_and_wait();
  const auto began = Clock::now();

  // Watchdog: progress is any push or pop.
  std::uint64_t last_progress = 0;
  auto last_change = began;
  while (finished.load(std::memory_order_relaxed) < threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto now = Clock::now();
    const auto progress = pushed.load(std::memory_order_relaxed) + received.load(std::memory_order_relaxed);
    if (progress != last_progress) {
      last_progress = progress;
      last_change = now;
    } else if (now - last_change > plan.stall_limit) {
      outcome.stalled = true;
      abort.store(true, std::memory_order_relaxed);
      break;
    }
  }
  for (auto& t : pool) t.join();
  outcome.elapsed = Clock::now() - began;

  // Every thread has joined, so this thread may pop even from a
  // single-consumer queue: the joins order it after the last consumer.
  typename Q::value_type value;
  while (queue.try_pop(value)) ++outcome.left_over;
  return outcome;
}

}  // namespace qb::test
