// Reference ceilings, run like a queue so that every queue's items/s can be
// read as a fraction of the machine's limit measured in the same run:
//   faa_ceiling  producers fetch-add one shared counter, consumers another:
//                the most items/s any queue whose push and pop each claim a
//                position from one shared counter per side can reach.
//   cas_ceiling  the same with a compare-and-swap loop per claim.
// items/s = min(producer claims, consumer claims) in the window / window,
// the same accounting as a queue's. Nothing is moved, so nothing is
// validated; the results say so (validation.order_checked false, no items
// pushed).
#pragma once

#include <string_view>
#include <vector>

#include "harness/measure/clock.hpp"
#include "harness/model/run_types.hpp"
#include "harness/model/warnings.hpp"  // CeilingOp

namespace qb {

inline constexpr QueueTraits kFaaCeilingTraits{.name = "faa_ceiling",
                                               .bounded = false,
                                               .producers = Multiplicity::many,
                                               .consumers = Multiplicity::many,
                                               .progress = Progress::wait_free,
                                               .order = Order::none,
                                               .capacity_required = false};
inline constexpr QueueTraits kCasCeilingTraits{.name = "cas_ceiling",
                                               .bounded = false,
                                               .producers = Multiplicity::many,
                                               .consumers = Multiplicity::many,
                                               .progress = Progress::lock_free,
                                               .order = Order::none,
                                               .capacity_required = false};

RepResult run_ceiling(CeilingOp op, const PointParams& params, const std::vector<int>& cpus);

}  // namespace qb
