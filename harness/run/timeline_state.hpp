// What the threads of one repetition share (timeline.hpp): the run's
// settings, worked out once; every record a thread writes in the window,
// allocated before any thread starts; and the phase and counts by which the
// controlling thread and the workers signal each other.
//
// Memory orders, numbered by pair (each operation cites its number):
//   (1) release: a producer's settle increment of producers_settled, after
//       it noted its warm-up total -> (2) acquire: the controller's load of
//       producers_settled before it sums the totals.
//   (3) release: a producer's store of its final total, and (3') release:
//       its increment of producers_done after it -> (2') acquire: the
//       controller's load of producers_done, and (4) acquire: Drain's loads
//       (worker.hpp), so whoever counts every producer done sees every total.
//   (5) relaxed: the phase, written by the controller, polled by workers
//       (once an item, and once a burst of up to kBurst items inside the
//       window, timeline_bursts.hpp). No data rides on it: the window's edges are each thread's own clock
//       reads, and the one ordering the window needs (an item pushed in the
//       window is counted in it) comes from the queue's own release/acquire
//       (timeline_workers.hpp, (5') at the consumer).
//   (6) relaxed: a consumer's published count and threads_done, which the
//       controller and Drain only poll: a stale value makes them poll again.
#pragma once

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdint>
#include <optional>
#include <vector>

#include "harness/counters/counters.hpp"
#include "harness/measure/clock.hpp"
#include "harness/measure/latency.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/model/run_types.hpp"
#include "harness/run/phase.hpp"
#include "harness/run/seq_bitmap.hpp"
#include "harness/run/timeline_batches.hpp"
#include "harness/run/timeline_steps.hpp"
#include "harness/run/wait.hpp"
#include "harness/run/worker.hpp"
#include "queues/cache_line.hpp"

namespace qb {

// Sequence numbers a source may use: bounds the bitmaps' reserved address
// space (512 MiB each here, a few MiB under sanitizers, whose shadow memory
// makes big mappings costly). A producer that reaches it stops and says so.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 24;
#else
inline constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 32;
#endif

namespace detail {

// --wait as the steps can honour it: block where the steps can block (the
// queue's own calls or the harness's); otherwise the explicit policy, or one
// chosen from the placement.
inline WaitPolicy timeline_wait_policy(WaitMode wait, bool block, const std::vector<int>& cpus) {
  if (block) return WaitPolicy::block;
  if (wait == WaitMode::pause) return WaitPolicy::pause;
  if (wait == WaitMode::backoff) return WaitPolicy::backoff;
  return choose_wait_policy(cpus);
}

// --batch as the steps can honour it: N items a call where the window's fast
// path runs (steps with a plain push and pop, no call timed, none blocking),
// else 1.
template <class Item, class Steps>
std::size_t timeline_batch(const PointParams& params, bool block) {
  if constexpr (BurstSteps<Steps, Item>) {
    if (!block && !wants_ops(params.latency)) return std::max<std::size_t>(1, params.batch);
  }
  return 1;
}

template <class Item, class Steps>
struct TimelineState {
  TimelineState(const PointParams& params_in, const QueueTraits& traits_in, const std::vector<int>& cpus_in,
                const Clock& clock_in, Steps& steps_in)
      : params(params_in), traits(traits_in), cpus(cpus_in), clock(clock_in), steps(steps_in),
        np(params.producers), nc(params.consumers), sources(steps.sources()),
        fixed_count(params.items > 0),
        check_order(promises_per_producer_order(traits)),
        check_payload(params.payload_check != PayloadCheck::off && Item::kFillWords > 0),
        period(wants_e2e(params.latency) ? steps.e2e_sample_period() : 0),
        block(params.wait == WaitMode::block && steps.blocks()),
        policy(timeline_wait_policy(params.wait, block, cpus)),
        batch(timeline_batch<Item, Steps>(params, block)),
        producer_ops(wants_ops(params.latency) ? static_cast<std::size_t>(np) : 0),
        consumer_ops(wants_ops(params.latency) ? static_cast<std::size_t>(nc) : 0),
        counters(static_cast<std::size_t>(np + nc)),
        producers(static_cast<std::size_t>(np)),
        consumers(static_cast<std::size_t>(nc)),
        start_line(np + nc + 1) {
    if (period > 0) {
      send_logs.reserve(static_cast<std::size_t>(np));
      recv_logs.reserve(static_cast<std::size_t>(nc));
      for (int p = 0; p < np; ++p) send_logs.emplace_back(period);
      for (int c = 0; c < nc; ++c) recv_logs.emplace_back(period);
    }
    bitmaps.reserve(static_cast<std::size_t>(nc * sources));
    for (int i = 0; i < nc * sources; ++i) bitmaps.emplace_back(kSequenceLimit);
  }

  // Producer p's share of a fixed count: the remainder goes to the first ones.
  std::uint64_t quota(int p) const {
    const auto base = params.items / static_cast<std::uint64_t>(np);
    return base + (static_cast<std::uint64_t>(p) < params.items % static_cast<std::uint64_t>(np) ? 1 : 0);
  }

  // Called by the worker thread itself: a counter counts the thread that builds it.
  void start_counters(Worker& w, std::size_t thread) {
    auto& mine = counters[thread];
    if (!params.counters.empty()) mine.emplace(params.counters);
    w.counters = &mine;
  }

  const PointParams& params;
  const QueueTraits& traits;
  const std::vector<int>& cpus;  // one per thread, producers first; -1: unpinned
  const Clock& clock;
  Steps& steps;

  const int np, nc, sources;
  const bool fixed_count;    // --items: a window of exactly that many items
  const bool check_order;    // the queue promises per-producer order
  const bool check_payload;  // consumers check the fill past the tag
  const std::uint64_t period;  // e2e latency: 1 item in `period`; 0: none
  const bool block;          // --wait block, and the queue has blocking calls
  const WaitPolicy policy;
  const std::size_t batch;   // items a call in the window's fast path (timeline_batches.hpp); 1: single calls

  std::vector<SampleLog> send_logs, recv_logs;  // empty when e2e latency is off
  std::vector<ThreadLatency> producer_ops, consumer_ops;  // empty unless --latency ops
  std::vector<std::optional<ThreadCounters>> counters;
  std::vector<Worker> producers, consumers;
  std::vector<SeqBitmap> bitmaps;  // bitmaps[c * sources + s]: what consumer c saw of source s

  alignas(kFalseSharingRange) std::atomic<Phase> phase{Phase::warmup};
  alignas(kFalseSharingRange) std::atomic<int> producers_done{0};
  alignas(kFalseSharingRange) std::atomic<int> producers_settled{0};
  alignas(kFalseSharingRange) std::atomic<int> threads_done{0};
  std::barrier<> start_line;  // the workers and the controller
};

}  // namespace detail
}  // namespace qb
