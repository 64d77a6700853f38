// The names of the option table's rows (options.hpp), and their defaults,
// apart from the table so that PointParams (run_types.hpp) can take its
// defaults from it while the table points into PointParams.
#pragma once

#include <cstddef>

namespace qb {

// The options, in the order `qbench run --help` lists them.
enum class Opt {
  queues, producers, consumers, shapes, duration, items, items_per_producer, warmup, repetitions, capacity,
  placement, payload_bytes, seed, timeout, latency, latency_sample_period, payload_check, op_sample_period,
  counters, wait, block_spin, batch,
};
inline constexpr std::size_t kOptionCount = static_cast<std::size_t>(Opt::batch) + 1;

constexpr std::size_t option_index(Opt id) { return static_cast<std::size_t>(id); }

// The option's default, parsed as its text would be: PointParams' member
// initializers and SweepRequest's. None: T{}. Defined for the types
// OptionField holds.
template <class T>
T option_default(Opt id);

}  // namespace qb
