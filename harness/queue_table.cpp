#include "harness/queue_table.hpp"

#include <tuple>
#include <utility>

#include "harness/payload.hpp"
#include "harness/pingpong.hpp"
#include "harness/point_runner.hpp"
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
      .pingpong = &run_pingpong<Q8>,
      .default_capacity = default_capacity_of<Q8>(),
  };
}

template <std::size_t... I>
std::vector<QueueEntry> make_table(std::index_sequence<I...>) {
  return {make_entry<I>()...};
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
