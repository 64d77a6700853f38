#include "harness/console/batch_line.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/console/table.hpp"

namespace qb {

std::string batch_line(const std::vector<PointResult>& points) {
  std::set<std::uint32_t> sizes;
  std::vector<std::string> native, looped;
  std::uint64_t partial_pushes = 0, partial_pops = 0;
  for (const PointResult& p : points) {
    if (p.params.batch <= 1) continue;
    sizes.insert(p.params.batch);
    BatchKind kind = BatchKind::none;
    for (const RepResult& r : p.repetitions) {
      if (r.batch_kind != BatchKind::none) kind = r.batch_kind;
      partial_pushes += r.partial_pushes;
      partial_pops += r.partial_pops;
    }
    auto& names = kind == BatchKind::native ? native : looped;
    if (kind != BatchKind::none && std::find(names.begin(), names.end(), p.params.queue) == names.end()) {
      names.push_back(p.params.queue);
    }
  }
  if (sizes.empty()) return "";
  std::string line = fmt::format("batch: {} items a push or pop call in the window (items/s counts items)",
                                 fmt::join(sizes, ", "));
  if (!native.empty()) line += fmt::format("; native, the queue's own bulk calls: {}", fmt::join(native, ", "));
  if (!looped.empty()) line += fmt::format("; looped, one try_push/try_pop an item: {}", fmt::join(looped, ", "));
  line += fmt::format("; partial calls (moved some of the items asked, not all): {} pushes, {} pops",
                      grouped(static_cast<double>(partial_pushes)), grouped(static_cast<double>(partial_pops)));
  return line;
}

}  // namespace qb
