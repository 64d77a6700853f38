#include "harness/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/latency.hpp"

namespace qb {

namespace {

constexpr std::size_t kColumns = 14;
constexpr std::array<std::string_view, kColumns> kHeader = {
    "queue", "P", "C", "items/s (median)", "ns/item", "min items/s", "max items/s",
    "CV %", "p50 ns", "p99 ns", "p99.9 ns", "cache-misses/item", "reps", "status"};
// queue and status read left to right; every other column is a number.
constexpr bool left_aligned(std::size_t col) { return col == 0 || col == kColumns - 1; }

// 12345678.9 -> "12,345,679": whole items/s, grouped, so that the unit stays
// in the header and digits line up down the column.
std::string grouped(double x) {
  if (!std::isfinite(x) || x < 0) return "?";
  const std::string digits = fmt::format("{}", static_cast<std::uint64_t>(std::llround(x)));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string latency_cell(const nlohmann::json& v) {
  return v.is_number() ? grouped(v.get<double>()) : std::string("-");
}

std::string invalid_text(const PointResult& p) {
  Validation sum;
  for (const RepResult& r : p.repetitions) {
    sum.lost += r.validation.lost;
    sum.duplicated += r.validation.duplicated;
    sum.misordered += r.validation.misordered;
    sum.unexpected += r.validation.unexpected;
    sum.corrupted += r.validation.corrupted;
  }
  std::string text = fmt::format("invalid (lost {}, dup {}, misordered {}", sum.lost,
                                 sum.duplicated, sum.misordered);
  if (sum.unexpected > 0) text += fmt::format(", unexpected {}", sum.unexpected);
  if (sum.corrupted > 0) text += fmt::format(", corrupted {}", sum.corrupted);
  return text + ")";
}

std::string status_text(const PointResult& p) {
  if (p.status == PointStatus::ok) {
    // The warnings themselves are listed under the table, one per line.
    if (p.warnings.empty()) return "ok";
    return fmt::format("ok ({} warning{})", p.warnings.size(), p.warnings.size() == 1 ? "" : "s");
  }
  if (p.status == PointStatus::invalid) return invalid_text(p);
  if (p.status == PointStatus::failed) {
    for (const RepResult& r : p.repetitions) {
      if (r.status == RepStatus::failed && !r.failure.empty()) return "failed: " + r.failure;
    }
    return "failed";
  }
  // "skipped", "not_run" (interrupted first), or a status added later.
  const std::string status(to_string(p.status));
  return p.skip_reason.empty() ? status : status + ": " + p.skip_reason;
}

std::array<std::string, kColumns> row_of(const PointResult& p) {
  std::array<std::string, kColumns> row;
  row.fill("-");
  row[0] = p.params.queue;
  row[1] = fmt::format("{}", p.params.producers);
  row[2] = fmt::format("{}", p.params.consumers);
  row[kColumns - 1] = status_text(p);
  if (p.params.workload.kind == WorkloadKind::pingpong && p.pingpong.is_object()) {
    row[0] = fmt::format("{} ({} pair)", p.params.queue, p.pingpong.value("pair", "?"));
    if (p.status == PointStatus::ok) {
      const auto& rt = p.pingpong.at("round_trip");
      row[8] = latency_cell(rt.at("p50_ns"));
      row[9] = latency_cell(rt.at("p99_ns"));
      row[10] = latency_cell(rt.at("p99_9_ns"));
    }
    return row;
  }
  // Figures only for a point whose every repetition is "ok".
  if (p.status != PointStatus::ok || !p.aggregate || p.aggregate->samples == 0) return row;
  const Aggregate& a = *p.aggregate;
  row[3] = grouped(a.median);
  row[4] = fmt::format("{:.2f}", a.median_ns_per_item);
  row[5] = grouped(a.min);
  row[6] = grouped(a.max);
  row[7] = fmt::format("{:.1f}", a.cv * 100);
  if (const auto head = latency_headline(p.latency)) {
    row[8] = latency_cell(head->p50);
    row[9] = latency_cell(head->p99);
    row[10] = latency_cell(head->p99_9);
  }
  if (p.counters.is_object() && p.counters.contains("per_item")) {
    const auto& misses = p.counters.at("per_item").at("cache_misses");
    row[11] = misses.is_number() ? fmt::format("{:.3f}", misses.get<double>()) : "n/a";
  }
  row[12] = fmt::format("{}", a.samples);
  return row;
}

void append_row(std::string& out, const std::array<std::string, kColumns>& row,
                const std::array<std::size_t, kColumns>& width) {
  for (std::size_t col = 0; col < kColumns; ++col) {
    if (col == kColumns - 1) {
      out += row[col];  // last column unpadded: no trailing spaces
    } else if (left_aligned(col)) {
      out += fmt::format("{:<{}}  ", row[col], width[col]);
    } else {
      out += fmt::format("{:>{}}  ", row[col], width[col]);
    }
  }
  out += '\n';
}

}  // namespace

std::string summary_table(const std::vector<PointResult>& points) {
  std::vector<std::array<std::string, kColumns>> rows;
  rows.reserve(points.size());
  for (const PointResult& p : points) rows.push_back(row_of(p));

  std::array<std::size_t, kColumns> width{};
  for (std::size_t col = 0; col < kColumns; ++col) width[col] = kHeader[col].size();
  for (const auto& row : rows) {
    for (std::size_t col = 0; col < kColumns; ++col) {
      width[col] = std::max(width[col], row[col].size());
    }
  }

  std::array<std::string, kColumns> header, rule;
  for (std::size_t col = 0; col < kColumns; ++col) {
    header[col] = kHeader[col];
    rule[col] = std::string(width[col], '-');
  }
  std::string out;
  append_row(out, header, width);
  append_row(out, rule, width);
  for (const auto& row : rows) append_row(out, row, width);
  // Say once where the latency columns come from and why a counter is missing.
  for (const PointResult& p : points) {
    if (const auto head = latency_headline(p.latency)) {
      if (head->source != "e2e") {
        out += "latency: sampled try_pop cost\n";
      } else if (p.params.workload.paced()) {
        out += "latency: end to end, from each item's intended send time to its pop (open loop: no coordinated omission)\n";
      } else {
        out += "latency: end to end, push to pop, closed loop (includes time queued behind other items)\n";
      }
      break;
    }
  }
  for (const PointResult& p : points) {
    if (p.params.workload.kind == WorkloadKind::pingpong) {
      out += "pingpong rows: the p50/p99/p99.9 columns are round trips between the pair's two CPUs\n";
      break;
    }
  }
  for (const PointResult& p : points) {
    if (!p.counters.is_object() || !p.counters.contains("events")) continue;
    const auto& events = p.counters.at("events");
    if (events.contains("cache-misses") && events.at("cache-misses").value("status", "") != "ok") {
      out += fmt::format("cache-misses/item n/a: {}\n", events.at("cache-misses").value("reason", "not counted"));
    }
    break;
  }
  return out;
}

}  // namespace qb
