// Runs one repetition of one point in the calling process: P producer and C
// consumer threads over a fresh queue, a warm-up, a measured window, then a
// drain outside the window, and the exactly-once / order validation.
//
// Timeline (phase_ is written by the controlling thread only):
//   all threads start at a barrier -> kWarmup: everyone works, nothing counts
//   -> kMeasure: each thread notes its clock and its counters when it first
//   sees the phase, so the window is "first thread's start to last thread's
//   stop" -> kStop (duration mode: set by the controller; fixed-count mode:
//   producers stop after their quota, consumers once everything pushed has
//   been popped) -> producers exit, consumers drain until every pushed item
//   is popped. The drain, thread creation and validation are outside the window.
//
// An item is one push and its pop: throughput = items popped inside the
// window / window length.
#pragma once

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "harness/clock.hpp"
#include "harness/counters.hpp"
#include "harness/counters_totals.hpp"
#include "harness/latency.hpp"
#include "harness/make_queue.hpp"
#include "harness/payload.hpp"
#include "harness/run_tracker.hpp"
#include "harness/run_types.hpp"
#include "harness/seq_bitmap.hpp"
#include "harness/topology.hpp"
#include "harness/worker.hpp"
#include "queues/backoff.hpp"
#include "queues/cache_line.hpp"
#include "queues/queue.hpp"

namespace qb {

// Sequence numbers a producer may use: bounds the bitmaps' reserved address
// space (512 MiB each here, a few MiB under sanitizers, whose shadow memory
// makes big mappings costly). A producer that reaches it stops and says so.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 24;
#else
inline constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 32;
#endif

namespace detail {

// --wait block: how long one blocking push or pop may wait before its thread
// looks at the phase again.
inline constexpr std::chrono::milliseconds kBlockSlice{5};

template <class Q>
inline constexpr bool kHasBlockingOps = BlockingQueue<Q>;

// One push or pop as --wait asks: try_* (the harness spins, then yields,
// between attempts), or the queue's own blocking call for at most kBlockSlice.
template <class Q>
bool push_once(Q& q, typename Q::value_type&& item, bool block) {
  if constexpr (kHasBlockingOps<Q>) {
    if (block) return q.push(std::move(item), kBlockSlice);
  }
  return q.try_push(std::move(item));
}

template <class Q>
bool pop_once(Q& q, typename Q::value_type& item, bool block) {
  if constexpr (kHasBlockingOps<Q>) {
    if (block) return q.pop(item, kBlockSlice);
  }
  return q.try_pop(item);
}

// Turns the workers' records into a RepResult: window, throughput, per-thread
// figures, starvation, and the merged exactly-once validation. Bitmaps are
// bitmaps[c * sources + s] for the sources (producers, or producers x lanes)
// whose pushed counts pushed_per_source gives.
RepResult summarize_repetition(const PointParams& params, const QueueTraits& traits,
                               const std::vector<Worker>& producers,
                               const std::vector<Worker>& consumers,
                               const std::vector<SeqBitmap>& bitmaps,
                               std::span<const std::uint64_t> pushed_per_source, const std::vector<int>& cpus,
                               std::uint64_t left_over);

// {"selection", "readings": [{"role", "reading"}...], "totals": counters_json}.
nlohmann::json counters_block(const CounterSelection& selection,
                              const std::vector<std::optional<ThreadCounters>>& counters, int producers,
                              std::uint64_t items);

}  // namespace detail

// Runs one repetition. `cpus` has one entry per thread (producers first), -1
// for unpinned. Throws what the queue's constructor throws.
template <Queue Q>
RepResult run_repetition(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  using Item = typename Q::value_type;
  using detail::Worker;
  constexpr bool kStamped = requires(Item i) { i.stamp; };
  const int np = params.producers;
  const int nc = params.consumers;
  const bool fixed_count = params.items > 0;
  const bool check_order = promises_per_producer_order(Q::traits);
  const LatencyMode mode = parse_latency_mode(params.latency).value_or(LatencyMode::off);
  const bool stamp_e2e = kStamped && wants_e2e(mode);
  const bool time_ops = wants_ops(mode);
  const bool block = params.wait == "block" && detail::kHasBlockingOps<Q>;
  const std::uint32_t period = std::max<std::uint32_t>(1, params.op_sample_period);
  const CounterSelection selection = parse_counter_selection(params.counters).value_or(CounterSelection{});
  // One record per thread; latency only when asked for (each is ~650 KiB).
  std::vector<ThreadLatency> producer_latency(mode == LatencyMode::off ? 0 : static_cast<std::size_t>(np));
  std::vector<ThreadLatency> consumer_latency(mode == LatencyMode::off ? 0 : static_cast<std::size_t>(nc));
  std::vector<std::optional<ThreadCounters>> counters(static_cast<std::size_t>(np + nc));

  std::optional<Q> holder;
  construct_queue(holder, params);
  Q& queue = *holder;
  std::vector<Worker> producers(static_cast<std::size_t>(np));
  std::vector<Worker> consumers(static_cast<std::size_t>(nc));
  // bitmaps[c * np + p]: what consumer c saw of producer p.
  std::vector<SeqBitmap> bitmaps;
  bitmaps.reserve(static_cast<std::size_t>(np * nc));
  for (int i = 0; i < np * nc; ++i) bitmaps.emplace_back(kSequenceLimit);

  alignas(kFalseSharingRange) std::atomic<int> phase{detail::kWarmup};
  alignas(kFalseSharingRange) std::atomic<int> producers_done{0};
  std::barrier start_line(np + nc + 1);

  auto quota = [&](int p) {
    const auto base = params.items / static_cast<std::uint64_t>(np);
    return base + (static_cast<std::uint64_t>(p) < params.items % static_cast<std::uint64_t>(np) ? 1 : 0);
  };

  auto producer_body = [&](int p) {
    Worker& w = producers[static_cast<std::size_t>(p)];
    int seen = detail::kWarmup;
    try {
      pin_current_thread(cpus[static_cast<std::size_t>(p)]);
      auto& my_counters = counters[static_cast<std::size_t>(p)];
      if (!selection.empty()) my_counters.emplace(selection);  // counts the thread that builds it
      w.counters = &my_counters;
      ThreadLatency* lat = producer_latency.empty() ? nullptr : &producer_latency[static_cast<std::size_t>(p)];
      std::uint32_t op_countdown = period;
      start_line.arrive_and_wait();
      Backoff backoff;
      std::uint64_t end_seq = kSequenceLimit;  // fixed-count: set at the window's start
      for (;;) {
        // relaxed: the phase only tells us when to snapshot; no data rides on it.
        const int ph = phase.load(std::memory_order_relaxed);
        if (ph != seen) {
          w.observe(ph, seen);
          if (fixed_count && seen >= detail::kMeasure && end_seq == kSequenceLimit) {
            end_seq = std::min(kSequenceLimit, w.total + quota(p));
          }
        }
        if (seen >= detail::kStop) break;
        if (w.total >= end_seq) {
          if (fixed_count && seen == detail::kMeasure) w.observe(detail::kStop, seen);
          if (w.total >= kSequenceLimit) w.hit_limit = true;
          break;
        }
        Item item{};
        item.tag = make_tag(static_cast<std::uint32_t>(p), w.total);
        if constexpr (kStamped) {
          if (stamp_e2e) item.stamp = clock.now_unfenced();
        }
        bool pushed = false;
        if (time_ops && --op_countdown == 0) {
          op_countdown = period;
          const auto t0 = clock.now();
          pushed = detail::push_once(queue, std::move(item), block);
          const auto dt = clock.to_ns(clock.now() - t0);
          if (seen == detail::kMeasure) (pushed ? lat->op_ok : lat->op_failed).record(dt);
        } else {
          pushed = detail::push_once(queue, std::move(item), block);
        }
        if (pushed) {
          ++w.total;
          backoff.reset();
        } else {
          ++w.failed;
          if (!block) backoff.snooze();  // a blocking push has already waited
        }
      }
    } catch (const std::exception& e) {
      w.error = e.what();
    }
    if (seen < detail::kStop) w.observe(detail::kStop, seen);  // quota done, limit, or error
    // (1) release: our final total happens before a consumer's acquire (2) in Drain.
    w.published.store(w.total, std::memory_order_release);
    producers_done.fetch_add(1, std::memory_order_acq_rel);  // (1') same pairing, via the counter
  };

  auto consumer_body = [&](int c) {
    Worker& w = consumers[static_cast<std::size_t>(c)];
    RunTracker runs(&bitmaps[static_cast<std::size_t>(c * np)], static_cast<std::uint32_t>(np), check_order);
    int seen = detail::kWarmup;
    try {
      pin_current_thread(cpus[static_cast<std::size_t>(np + c)]);
      auto& my_counters = counters[static_cast<std::size_t>(np + c)];
      if (!selection.empty()) my_counters.emplace(selection);
      w.counters = &my_counters;
      ThreadLatency* lat = consumer_latency.empty() ? nullptr : &consumer_latency[static_cast<std::size_t>(c)];
      std::uint32_t op_countdown = period;
      start_line.arrive_and_wait();
      Backoff backoff;
      detail::Drain drain(producers_done, np, producers, consumers);
      Item item{};
      for (;;) {
        const int ph = phase.load(std::memory_order_relaxed);  // relaxed: as in producers
        if (ph != seen) w.observe(ph, seen);
        bool popped = false;
        if (time_ops && --op_countdown == 0) {
          op_countdown = period;
          const auto t0 = clock.now();
          popped = detail::pop_once(queue, item, block);
          const auto dt = clock.to_ns(clock.now() - t0);
          if (seen == detail::kMeasure) (popped ? lat->op_ok : lat->op_failed).record(dt);
        } else {
          popped = detail::pop_once(queue, item, block);
        }
        if (popped) {
          if constexpr (kStamped) {
            if (stamp_e2e && seen == detail::kMeasure) record_e2e(*lat, clock, item.stamp);
          }
          ++w.total;
          backoff.reset();
          drain.popped();
          runs.see(item.tag);
          continue;
        }
        ++w.failed;
        // relaxed: read by Drain::all_delivered with the reasoning given there.
        w.published.store(w.total, std::memory_order_relaxed);
        if ((fixed_count || seen >= detail::kStop) && drain.may_stop()) {
          if (seen < detail::kStop) w.observe(detail::kStop, seen);
          break;
        }
        if (!block) backoff.snooze();
      }
    } catch (const std::exception& e) {
      w.error = e.what();
    }
    if (seen < detail::kStop) w.observe(detail::kStop, seen);
    runs.flush();
    w.misordered = runs.misordered();
    w.duplicated = runs.duplicated();
    w.unexpected = runs.unexpected();
    w.published.store(w.total, std::memory_order_relaxed);
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(np + nc));
  for (int p = 0; p < np; ++p) threads.emplace_back(producer_body, p);
  for (int c = 0; c < nc; ++c) threads.emplace_back(consumer_body, c);
  start_line.arrive_and_wait();
  std::this_thread::sleep_for(params.warmup);
  // relaxed: workers poll it; the window edges are their own clock reads.
  phase.store(detail::kMeasure, std::memory_order_relaxed);
  if (!fixed_count) {
    std::this_thread::sleep_for(params.duration);
    phase.store(detail::kStop, std::memory_order_relaxed);
  }
  for (auto& t : threads) t.join();

  // Quiescent now: anything still in the queue was never popped, although
  // the consumers saw as many pops as pushes, so it is an extra item.
  std::uint64_t left_over = 0;
  for (Item item{}; queue.try_pop(item);) ++left_over;
  std::vector<std::uint64_t> pushed_per_source;
  for (const auto& w : producers) pushed_per_source.push_back(w.total);
  RepResult rep =
      detail::summarize_repetition(params, Q::traits, producers, consumers, bitmaps, pushed_per_source, cpus, left_over);
  rep.item_bytes = static_cast<int>(sizeof(Item));
  rep.latency = latency_json(stamp_e2e || mode != LatencyMode::e2e ? mode : LatencyMode::off, period,
                             producer_latency, consumer_latency);
  rep.counters = detail::counters_block(selection, counters, np, rep.items);
  return rep;
}

// The same, on a clock that needs no calibration (tests).
template <Queue Q>
RepResult run_repetition(const PointParams& params, const std::vector<int>& cpus) {
  static const Clock clock = Clock::monotonic("tests: uncalibrated");
  return run_repetition<Q>(params, cpus, clock);
}

}  // namespace qb
