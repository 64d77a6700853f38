#include "harness/registry/queue_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/model/numbers.hpp"
#include "harness/registry/queue_runners.hpp"
#include "harness/run/ceiling.hpp"
#include "harness/run/make_queue.hpp"
#include "queues/peers/catalog.hpp"

namespace qb {

namespace {

using runners::Registered;


// Everything of a row but its runners, which come from queue_runners.hpp.
template <class Q8>
QueueEntry describe() {
  return QueueEntry{
      .traits = Q8::traits,
      .runs = {},
      .check_capacity =
          [](std::size_t capacity) {
            if constexpr (requires { Q8::check_capacity(capacity); }) Q8::check_capacity(capacity);
          },
      .run_workload = nullptr,
      .takes_elastic_config = kTakesElasticConfig<Q8>,
      .blocking_ops = BlockingQueue<Q8>,
      .pingpong = nullptr,
      .default_capacity = default_capacity_of<Q8>(),
      .origin = UserQueueOrigin<Q8>::value != nullptr              ? UserQueueOrigin<Q8>::value
                : peers::find_peer(Q8::traits.name) != nullptr ? "peer"
                                                               : "built-in",
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
      .runs = {&run_ceiling_point<kOp>, &run_ceiling_point<kOp>, &run_ceiling_point<kOp>},
      .check_capacity = [](std::size_t) {},
      .run_workload = nullptr,
      .takes_elastic_config = false,
      .blocking_ops = false,
      .pingpong = nullptr,
      .default_capacity = 0,
      .reference = true,
      .origin = "reference",
  };
}

// The registered queues, then the two reference ceilings.
std::vector<QueueEntry> make_table() {
  std::vector<QueueEntry> table =
      runners::for_each_queue<Registered<8>>([]<class Q>() -> QueueEntry { return describe<Q>(); });
  static_assert(kPayloadSizes == std::array<int, 3>{8, 64, 256}, "one runners::repetitions<N> per size");
  const auto run_8 = runners::repetitions<8>();
  const auto run_64 = runners::repetitions<64>();
  const auto run_256 = runners::repetitions<256>();
  const auto workload = runners::workloads();
  const auto pingpong = runners::pingpongs();
  const auto erased_8 = runners::erased<8>();
  const auto erased_64 = runners::erased<64>();
  const auto erased_256 = runners::erased<256>();
  for (std::size_t i = 0; i < table.size(); ++i) {
    table[i].runs = {run_8.at(i), run_64.at(i), run_256.at(i)};
    table[i].erased = {erased_8.at(i), erased_64.at(i), erased_256.at(i)};
    table[i].run_workload = workload.at(i);
    table[i].pingpong = pingpong.at(i);
  }
  // A header queue named like another would be unreachable by name.
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (table[i].traits.name == table[j].traits.name) {
        throw std::logic_error(fmt::format("queue name '{}' is declared twice ({} and {}); rename one",
                                           table[i].traits.name, table[j].origin, table[i].origin));
      }
    }
  }
  table.push_back(ceiling_entry<CeilingOp::faa>(kFaaCeilingTraits));
  table.push_back(ceiling_entry<CeilingOp::cas>(kCasCeilingTraits));
  return table;
}

std::vector<QueueEntry>& mutable_table() {
  static std::vector<QueueEntry> table = make_table();
  return table;
}

}  // namespace

const std::vector<QueueEntry>& queue_table() { return mutable_table(); }

void add_queues(std::vector<QueueEntry> entries) {
  auto& table = mutable_table();
  const auto first_reference =
      std::find_if(table.begin(), table.end(), [](const QueueEntry& e) { return e.reference; });
  table.insert(first_reference, std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
}

const QueueEntry* find_queue(std::string_view name) {
  for (const auto& entry : queue_table()) {
    if (entry.traits.name == name) return &entry;
  }
  return nullptr;
}

std::string capacity_problem(const QueueEntry& e, std::size_t capacity, std::size_t item_bytes) {
  try {
    e.check_capacity(capacity);
  } catch (const std::invalid_argument& err) {
    return err.what();
  }
  if (!e.traits.bounded) return {};
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_bytes = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_bytes <= 0) return {};
  const double memory = static_cast<double>(pages) * static_cast<double>(page_bytes);
  const double needed = static_cast<double>(capacity) * static_cast<double>(item_bytes);
  if (needed <= memory) return {};
  return fmt::format("{} slots of {} bytes need {}, more than this machine's {} of memory", capacity, item_bytes,
                     format_bytes(needed), format_bytes(memory));
}

}  // namespace qb
