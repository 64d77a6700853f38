// Builds the queue a point asks for: from its elastic config when the point
// has one and the queue takes one, otherwise from its capacity.
#pragma once

#include <optional>
#include <type_traits>

#include "harness/model/run_types.hpp"
#include "queues/elastic_config.hpp"

namespace qb {

inline ElasticConfig to_elastic_config(const ElasticParams& e) {
  return ElasticConfig{.initial_capacity = e.initial_capacity,
                       .min_capacity = e.min_capacity,
                       .max_capacity = e.max_capacity,
                       .growth_factor = e.growth_factor,
                       .shrink_threshold = e.shrink_threshold};
}

template <class Q>
inline constexpr bool kTakesElasticConfig = std::is_constructible_v<Q, const ElasticConfig&>;

// Into an optional, because a queue need be neither movable nor copyable.
template <class Q>
void construct_queue(std::optional<Q>& slot, const PointParams& params) {
  if constexpr (kTakesElasticConfig<Q>) {
    if (params.elastic.set) {
      slot.emplace(to_elastic_config(params.elastic));
      return;
    }
  }
  slot.emplace(params.capacity);
}

}  // namespace qb
