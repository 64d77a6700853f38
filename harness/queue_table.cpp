#include "harness/queue_table.hpp"

#include <tuple>
#include <utility>

#include "harness/ceiling.hpp"
#include "harness/payload.hpp"
#include "harness/pingpong.hpp"
#include "harness/point_runner.hpp"
#include "harness/workloads/engine.hpp"
#include "queues/registry.hpp"

namespace qb {

namespace {

template <int kBytes>
using Registered = apply_registry<std::tuple, Payload<kBytes>>;

template <class Q>
constexpr std::size_t default_capacity_of() {
  if constexpr (requires { Q::kDefaultCapacity; }) {
    return Q::kDefaultCapacity;
  } else {
    return Q::traits.capacity_required ? 1024 : 0;
  }
}

template <std::size_t I>
QueueEntry make_entry() {
  using Q8 = std::tuple_element_t<I, Registered<8>>;
  using Q16 = std::tuple_element_t<I, Registered<16>>;
  using Q64 = std::tuple_element_t<I, Registered<64>>;
  using Q256 = std::tuple_element_t<I, Registered<256>>;
  return QueueEntry{
      .traits = Q8::traits,
      .run_8 = &run_repetition<Q8>,
      .run_16 = &run_repetition<Q16>,
      .run_64 = &run_repetition<Q64>,
      .run_256 = &run_repetition<Q256>,
      .check_capacity = [](std::size_t capacity) { Q8 probe(capacity); },
      .run_workload = &run_workload<Q16>,
      .takes_elastic_config = kTakesElasticConfig<Q8>,
      .blocking_ops = detail::kHasBlockingOps<Q8>,
      .pingpong = &run_pingpong<Q8>,
      .default_capacity = default_capacity_of<Q8>(),
  };
}

template <CeilingOp kOp>
RepResult run_ceiling_point(const PointParams& params, const std::vector<int>& cpus, const Clock&) {
  return run_ceiling(kOp, params, cpus);
}

template <CeilingOp kOp>
QueueEntry ceiling_entry(const QueueTraits& traits) {
  return QueueEntry{
      .traits = traits,
      .run_8 = &run_ceiling_point<kOp>,
      .run_16 = &run_ceiling_point<kOp>,
      .run_64 = &run_ceiling_point<kOp>,
      .run_256 = &run_ceiling_point<kOp>,
      .check_capacity = [](std::size_t) {},
      .run_workload = nullptr,
      .takes_elastic_config = false,
      .blocking_ops = false,
      .pingpong = nullptr,
      .default_capacity = 0,
      .reference = true,
  };
}

// The registered queues, then the two reference ceilings.
template <std::size_t... I>
std::vector<QueueEntry> make_table(std::index_sequence<I...>) {
  return {make_entry<I>()..., ceiling_entry<CeilingOp::faa>(kFaaCeilingTraits),
          ceiling_entry<CeilingOp::cas>(kCasCeilingTraits)};
}

}  // namespace

const std::vector<QueueEntry>& queue_table() {
  static const std::vector<QueueEntry> table =
      make_table(std::make_index_sequence<std::tuple_size_v<Registered<8>>>());
  return table;
}

const QueueEntry* find_queue(std::string_view name) {
  for (const auto& entry : queue_table()) {
    if (entry.traits.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace qb
