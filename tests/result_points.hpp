// Results for the results-path tests (harness_result_test.cpp) and the
// console summary's (harness_summary_test.cpp): repetitions with a rate, a
// sequence_ring point of given status, a table row's cells.
#pragma once

#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/run_types.hpp"

namespace qb::test {

inline RepResult rep_with_rate(double items_per_s, RepStatus status = RepStatus::ok) {
  RepResult r;
  r.status = status;
  r.items_per_s = items_per_s;
  return r;
}

// The whitespace-separated cells of the table's row for `queue`, in order.
inline std::vector<std::vector<std::string>> rows_of(const std::string& table, const std::string& queue) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(queue, 0) != 0) continue;
    std::istringstream cells(line);
    rows.emplace_back(std::istream_iterator<std::string>(cells), std::istream_iterator<std::string>());
  }
  return rows;
}

constexpr QueueTraits kTraits{"sequence_ring", true, Multiplicity::many, Multiplicity::many,
                              Progress::slot_blocking, Order::fifo, true};

inline PointResult point(PointStatus status, std::vector<RepResult> reps) {
  PointResult p;
  p.params.queue = "sequence_ring";
  p.params.producers = 2;
  p.params.consumers = 3;
  p.traits = kTraits;
  p.id = "run/sequence_ring/p2c3";
  p.status = status;
  p.repetitions = std::move(reps);
  return p;
}

}  // namespace qb::test
