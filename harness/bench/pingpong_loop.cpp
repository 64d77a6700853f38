// qb_micro: the yardstick for `qbench pingpong`. PingpongLoop<queue> bounces
// one item between two pinned threads over two queues, `there` and `back`,
// and the sender times every round trip, as harness/workloads/pingpong.hpp does, with
// nothing else: no forked child, no histogram, no calibrated clock. qbench's
// p50 for the same queue should lie within 10% of this loop's p50_ns; both
// figures go on the issue.
//
// The waiting is the minimum, one PAUSE per failed try on both threads, and
// never a yield: the two threads have a CPU each. A harness that waits more
// coarsely (Backoff::snooze(): 1, 2 ... 64 PAUSEs) overshoots the moment the
// item arrives and adds that to every round trip, so a gap between the two
// p50s that grows with the CPU's PAUSE latency points at the waiting first.
//
// Both threads are threads of their own, pinned to the CPUs qbench picks by
// default (--placement compact); the benchmark's thread only starts and joins
// them and is never pinned, for the reason bare_loop.cpp gives.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "harness/machine/topology.hpp"
#include "harness/registry/queue_table.hpp"
#include "harness/run/payload.hpp"
#include "queues/backoff.hpp"
#include "queues/sequence_ring.hpp"
#if defined(QB_HAS_ATOMIC_QUEUE)
#include "queues/peers/atomic_queue.hpp"
#endif
#if defined(QB_HAS_READERWRITERQUEUE)
#include "queues/peers/readerwriterqueue.hpp"
#endif

namespace {

using Item = qb::Payload<8>;

// Round trips run before recording starts: both threads on their CPUs, the
// queues' lines in the caches, as qbench's default --warmup.
constexpr std::uint64_t kWarmup = 10'000;

// Read once, before any thread of this process is pinned.
const std::vector<int>& worker_cpus() {
  static const std::vector<int> cpus = qb::Topology::detect().cpu_map(qb::Placement::compact, 2);
  return cpus;
}

// The capacity qbench gives the queue by default, read from its queue table,
// so that both sides run the same ring (atomic_queue names its own minimum).
template <class Q>
std::size_t capacity_for() {
  return qb::find_queue(Q::traits.name)->default_capacity;
}

template <class Q>
void push_spinning(Q& q, Item item) {
  while (!q.try_push(std::move(item))) qb::cpu_relax();
}

template <class Q>
Item pop_spinning(Q& q) {
  Item item{};
  while (!q.try_pop(item)) qb::cpu_relax();
  return item;
}

// The rank-th smallest with rank = max(1, ceil(p * n)), as Histogram's
// percentile() ranks; `sorted` is ascending and not empty.
double nearest_rank(const std::vector<std::uint64_t>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p * n)));
  return static_cast<double>(sorted[rank - 1]);
}

template <class Q>
void PingpongLoop(benchmark::State& state) {
  const auto round_trips = static_cast<std::uint64_t>(state.range(0));
  const auto& cpus = worker_cpus();
  if (cpus[0] == cpus[1]) {
    state.SkipWithError("needs two usable CPUs");
    return;
  }
  // Every iteration's round trips, allocated before any is timed.
  std::vector<std::uint64_t> samples(static_cast<std::size_t>(state.max_iterations) * round_trips);
  std::uint64_t mismatches = 0;
  std::size_t filled = 0;
  for (auto _ : state) {
    Q there(capacity_for<Q>());
    Q back(capacity_for<Q>());
    const std::uint64_t total = kWarmup + round_trips;
    std::uint64_t* const out = samples.data() + filled;
    std::uint64_t sender_mismatches = 0;  // written once, after its loop
    std::thread echo([&] {
      qb::pin_current_thread(cpus[1]);
      for (std::uint64_t i = 0; i < total; ++i) push_spinning(back, pop_spinning(there));
    });
    std::thread sender([&] {
      qb::pin_current_thread(cpus[0]);
      std::uint64_t wrong = 0;
      for (std::uint64_t i = 0; i < total; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        push_spinning(there, Item{qb::make_tag(0, i)});
        const Item got = pop_spinning(back);
        const auto t1 = std::chrono::steady_clock::now();
        if (got.tag != qb::make_tag(0, i)) ++wrong;
        if (i >= kWarmup) {
          out[i - kWarmup] = static_cast<std::uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
        }
      }
      sender_mismatches = wrong;
    });
    sender.join();
    echo.join();
    mismatches += sender_mismatches;
    filled += round_trips;
  }
  if (mismatches != 0) {
    state.SkipWithError("a round trip brought back another item than it sent");
    return;
  }
  samples.resize(filled);
  std::sort(samples.begin(), samples.end());
  state.SetItemsProcessed(static_cast<std::int64_t>(filled));
  state.counters["round_trips"] = benchmark::Counter(static_cast<double>(filled));
  state.counters["p50_ns"] = benchmark::Counter(nearest_rank(samples, 0.50));
  state.counters["p90_ns"] = benchmark::Counter(nearest_rank(samples, 0.90));
  state.counters["p99_ns"] = benchmark::Counter(nearest_rank(samples, 0.99));
}

template <class Q>
void register_pingpong() {
  const std::string name = "PingpongLoop<" + std::string(Q::traits.name) + ">";
  // One iteration of 100,000 recorded round trips: the sample is the round
  // trips, so more iterations would only repeat it (--benchmark_repetitions
  // does that, with statistics). Time, and so items/s, also covers the thread
  // starts and the warm-up; the percentiles cover the recorded trips alone.
  benchmark::RegisterBenchmark(name.c_str(), &PingpongLoop<Q>)
      ->Arg(100'000)
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

const bool registered = [] {
  register_pingpong<qb::SequenceRing<Item>>();
#if defined(QB_HAS_ATOMIC_QUEUE)
  register_pingpong<qb::AtomicB2Queue<Item, qb::AtomicQueueMode::spsc>>();
#endif
#if defined(QB_HAS_READERWRITERQUEUE)
  register_pingpong<qb::MoodycamelRwq<Item>>();
#endif
  return true;
}();

}  // namespace
