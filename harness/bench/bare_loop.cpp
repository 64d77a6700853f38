// qb_micro: the yardstick for the harness's own cost. BareLoop moves items
// through a sequence_ring between two pinned threads with nothing else: no
// phases, no validation, no fork. `qbench run --queue sequence_ring -p 1 -c 1`
// should reach at least 95% of its items/s; both figures go on the issue.
#include <benchmark/benchmark.h>

#include <thread>

#include "harness/payload.hpp"
#include "harness/topology.hpp"
#include "queues/backoff.hpp"
#include "queues/sequence_ring.hpp"

namespace {

void BareLoop(benchmark::State& state) {
  const auto items = static_cast<std::uint64_t>(state.range(0));
  const auto capacity = static_cast<std::size_t>(state.range(1));
  const auto cpus = qb::Topology::detect().cpu_map(qb::Placement::compact, 2);
  qb::pin_current_thread(cpus[0]);
  for (auto _ : state) {
    qb::SequenceRing<qb::Payload<8>> queue(capacity);
    std::thread consumer([&] {
      qb::pin_current_thread(cpus[1]);
      qb::Payload<8> item;
      qb::Backoff backoff;
      for (std::uint64_t got = 0; got < items;) {
        if (queue.try_pop(item)) {
          ++got;
          backoff.reset();
        } else {
          backoff.snooze();
        }
      }
      benchmark::DoNotOptimize(item);
    });
    qb::Backoff backoff;
    for (std::uint64_t seq = 0; seq < items;) {
      if (queue.try_push(qb::Payload<8>{qb::make_tag(0, seq)})) {
        ++seq;
        backoff.reset();
      } else {
        backoff.snooze();
      }
    }
    consumer.join();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * items));
}

// 10M items per iteration, the harness's default capacity (1024).
BENCHMARK(BareLoop)->Args({10'000'000, 1024})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
