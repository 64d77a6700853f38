// qb_micro: the yardstick for the harness's own cost. BareLoop moves items
// through a sequence_ring between two pinned threads with nothing else: no
// phases, no validation, no fork, no latency sample. `qbench run --queue
// sequence_ring -p 1 -c 1` (the default mode, e2e latency sampled 1 in 64)
// should reach at least 95% of its items/s; both figures go on the issue.
// The loop waits as qbench does when each thread has a CPU of its own: one
// PAUSE between tries (harness/run/wait.hpp).
//
// Both workers are threads of their own, pinned as qbench pins them by
// default (--placement compact); the benchmark's thread only starts, joins and
// times them, and is never pinned. It once pinned itself as the producer,
// which narrowed the process's affinity mask, so from the second call on
// Topology::detect() saw one CPU and put both workers on it: the loop then
// timed two threads taking turns on one core (about 60M items/s on a 2-core
// VM, no cache line ever crossing cores), not what qbench measures.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "harness/machine/topology.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/wait.hpp"
#include "queues/sequence_ring.hpp"

namespace {

// Read once, before any thread of this process is pinned.
const std::vector<int>& worker_cpus() {
  static const std::vector<int> cpus = qb::Topology::detect().cpu_map(qb::Placement::compact, 2);
  return cpus;
}

void BareLoop(benchmark::State& state) {
  const auto items = static_cast<std::uint64_t>(state.range(0));
  const auto capacity = static_cast<std::size_t>(state.range(1));
  const auto& cpus = worker_cpus();
  if (cpus[0] == cpus[1]) {
    state.SkipWithError("needs two usable CPUs");
    return;
  }
  // Failed attempts, as qbench counts them per thread: a ring that runs full
  // (the producer trailing the consumer cell by cell) shows up here.
  std::uint64_t push_failed = 0, pop_failed = 0;
  for (auto _ : state) {
    qb::SequenceRing<qb::Payload<8>> queue(capacity);
    std::uint64_t consumer_failed = 0, producer_failed = 0;  // each written once, after its loop
    std::thread consumer([&] {
      qb::pin_current_thread(cpus[1]);
      qb::Payload<8> item;
      qb::Waiter waiter(qb::WaitPolicy::pause);
      std::uint64_t failed = 0;
      for (std::uint64_t got = 0; got < items;) {
        if (queue.try_pop(item)) {
          ++got;
          waiter.reset();
        } else {
          ++failed;
          waiter.wait();
        }
      }
      benchmark::DoNotOptimize(item);
      consumer_failed = failed;
    });
    std::thread producer([&] {
      qb::pin_current_thread(cpus[0]);
      qb::Waiter waiter(qb::WaitPolicy::pause);
      std::uint64_t failed = 0;
      for (std::uint64_t seq = 0; seq < items;) {
        if (queue.try_push(qb::Payload<8>{qb::make_tag(0, seq)})) {
          ++seq;
          waiter.reset();
        } else {
          ++failed;
          waiter.wait();
        }
      }
      producer_failed = failed;
    });
    producer.join();
    consumer.join();
    push_failed += producer_failed;
    pop_failed += consumer_failed;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items));
  state.counters["push_failed/item"] =
      benchmark::Counter(static_cast<double>(push_failed) / static_cast<double>(state.iterations() * items));
  state.counters["pop_failed/item"] =
      benchmark::Counter(static_cast<double>(pop_failed) / static_cast<double>(state.iterations() * items));
}

// 10M items per iteration, the harness's default capacity (1024).
BENCHMARK(BareLoop)->Args({10'000'000, 1024})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
