// Ping-pong round trip: one item bounces between two pinned threads over two
// queues (there over one, back over the other), and the sender times each
// round trip on its own clock, so no cross-core clock comparison is involved.
// Half the median round trip estimates the one-way core-to-core hand-off
// through the queue.
#pragma once

#include <cstdint>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/machine/topology.hpp"
#include "harness/measure/clock.hpp"
#include "harness/measure/histogram.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/wait.hpp"
#include "queues/queue.hpp"

namespace qb {

struct PingpongParams {
  std::string queue;
  int cpu_a = -1;                 // the sender, which times the round trips
  int cpu_b = -1;                 // the echo
  std::uint64_t round_trips = 100000;
  std::uint64_t warmup = 10000;   // round trips before recording starts
  std::size_t capacity = 0;
};

namespace detail {

// Waiting as in every run (wait.hpp): one PAUSE a try when the two threads
// have a CPU each, so that the round trip is the queue's and not the
// harness's reaction time.
template <class Q>
void push_waiting(Q& q, typename Q::value_type item, WaitPolicy policy) {
  Waiter waiter(policy);
  while (!q.try_push(std::move(item))) waiter.wait();
}

template <class Q>
typename Q::value_type pop_waiting(Q& q, WaitPolicy policy) {
  typename Q::value_type item{};
  Waiter waiter(policy);
  while (!q.try_pop(item)) waiter.wait();
  return item;
}

}  // namespace detail

// Returns {"round_trip": histogram (to_json, ns), "mismatches": N, ...}.
template <Queue Q>
nlohmann::json run_pingpong(const PingpongParams& params, const Clock& clock) {
  using Item = typename Q::value_type;
  Q there(params.capacity);
  Q back(params.capacity);
  const std::uint64_t total = params.warmup + params.round_trips;
  const WaitPolicy policy = choose_wait_policy({params.cpu_a, params.cpu_b});
  std::thread echo([&] {
    pin_current_thread(params.cpu_b);
    for (std::uint64_t i = 0; i < total; ++i) detail::push_waiting(back, detail::pop_waiting(there, policy), policy);
  });
  pin_current_thread(params.cpu_a);
  Histogram round_trip;
  std::uint64_t mismatches = 0;
  for (std::uint64_t i = 0; i < total; ++i) {
    Item item{};
    item.tag = make_tag(0, i);
    const auto t0 = clock.now();
    detail::push_waiting(there, std::move(item), policy);
    const Item got = detail::pop_waiting(back, policy);
    const auto t1 = clock.now();
    if (got.tag != make_tag(0, i)) ++mismatches;
    if (i >= params.warmup) round_trip.record(clock.to_ns(t1 - t0));
  }
  echo.join();
  nlohmann::json out;
  out["round_trip"] = round_trip.to_json();
  out["mismatches"] = mismatches;
  out["valid"] = mismatches == 0;
  out["wait_policy"] = to_string(policy);
  const auto p50 = round_trip.percentile(0.5);
  out["one_way_estimate_ns"] = p50 ? nlohmann::json(static_cast<double>(*p50) / 2) : nlohmann::json(nullptr);
  return out;
}

}  // namespace qb
