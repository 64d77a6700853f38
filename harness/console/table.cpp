#include "harness/console/table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/measure/latency.hpp"

namespace qb {

namespace {

enum Col : std::size_t {
  kQueue, kP, kC, kMedian, kNsPerItem, kMin, kMax, kCv, kP50, kP99, kP999, kMisses, kReps, kFlags, kStatus, kColumns
};
constexpr std::array<std::string_view, kColumns> kHeader = {
    "queue", "P", "C", "items/s (median)", "ns/item", "min items/s", "max items/s", "CV %",
    "p50 ns", "p99 ns", "p99.9 ns", "cache-misses/item", "reps", "flags", "status"};
// Left out unless the table is wide: they refine what the others say.
// (cache-misses/item is shown wherever some point counted them.)
constexpr bool wide_only(std::size_t col) {
  return col == kNsPerItem || col == kMin || col == kMax || col == kReps;
}
// Always shown, even when every row is "-" there.
constexpr bool always_shown(std::size_t col) { return col == kQueue || col == kP || col == kC || col == kStatus; }
// queue, flags and status read left to right; every other column is a number.
constexpr bool left_aligned(std::size_t col) { return col == kQueue || col == kFlags || col == kStatus; }
// What an empty cell holds.
bool no_value(const std::string& cell) { return cell == "-" || cell == "n/a" || cell.empty(); }

// Why no row has a value in `col`.
std::string empty_reason(std::size_t col, const std::vector<PointResult>& points) {
  if (col == kMisses) {
    for (const PointResult& p : points) {
      if (!p.counters.is_object() || !p.counters.contains("events")) continue;
      const auto& events = p.counters.at("events");
      if (events.contains("cache-misses")) return events.at("cache-misses").value("reason", "not counted");
    }
    return "not counted: see --counters";
  }
  if (col == kP50 || col == kP99 || col == kP999) {
    // Measured, but no point sampled enough items for this percentile.
    const bool measured = std::any_of(points.begin(), points.end(),
                                      [](const PointResult& p) { return latency_headline(p.latency).has_value(); });
    return measured ? "too few latency samples: longer windows or a smaller --latency-sample-period"
                    : "latency not measured: see --latency";
  }
  if (col == kFlags) return "no point has a warning";
  return "no point has a figure for it";
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
  // An ok point's warnings are its flags, and the summary under the table.
  if (p.status == PointStatus::ok) return "ok";
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

std::array<std::string, kColumns> row_of(const PointResult& p, const PointMarks& marks) {
  std::array<std::string, kColumns> row;
  row.fill("-");
  row[kQueue] = p.params.queue;
  row[kP] = fmt::format("{}", p.params.producers);
  row[kC] = fmt::format("{}", p.params.consumers);
  row[kFlags] = flag_letters(marks);
  row[kStatus] = status_text(p);
  if (p.params.workload.kind == WorkloadKind::pingpong && p.pingpong.is_object()) {
    row[kQueue] = fmt::format("{} ({} pair)", p.params.queue, p.pingpong.value("pair", "?"));
    if (p.status == PointStatus::ok) {
      const auto& rt = p.pingpong.at("round_trip");
      row[kP50] = latency_cell(rt.at("p50_ns"));
      row[kP99] = latency_cell(rt.at("p99_ns"));
      row[kP999] = latency_cell(rt.at("p99_9_ns"));
    }
    return row;
  }
  // Figures only for a point whose every repetition is "ok".
  if (p.status != PointStatus::ok || !p.aggregate || p.aggregate->samples == 0) return row;
  const Aggregate& a = *p.aggregate;
  row[kMedian] = grouped(a.median);
  row[kNsPerItem] = fmt::format("{:.2f}", a.median_ns_per_item);
  row[kMin] = grouped(a.min);
  row[kMax] = grouped(a.max);
  row[kCv] = fmt::format("{:.1f}", a.cv * 100);
  if (const auto head = latency_headline(p.latency)) {
    row[kP50] = latency_cell(head->p50);
    row[kP99] = latency_cell(head->p99);
    row[kP999] = latency_cell(head->p99_9);
  }
  if (p.counters.is_object() && p.counters.contains("per_item")) {
    const auto& misses = p.counters.at("per_item").at("cache_misses");
    row[kMisses] = misses.is_number() ? fmt::format("{:.3f}", misses.get<double>()) : "n/a";
  }
  row[kReps] = fmt::format("{}", a.samples);
  return row;
}

void append_row(std::string& out, const std::array<std::string, kColumns>& row,
                const std::array<std::size_t, kColumns>& width, const std::vector<std::size_t>& shown) {
  for (const std::size_t col : shown) {
    if (col == kStatus) {
      out += row[col];  // last column unpadded: no trailing spaces
    } else if (left_aligned(col)) {
      out += fmt::format("{:<{}}  ", row[col], width[col]);
    } else {
      out += fmt::format("{:>{}}  ", row[col], width[col]);
    }
  }
  out += '\n';
}

// A cell cut to `width` characters, its end replaced by "...".
std::string cut(const std::string& cell, std::size_t width) {
  if (cell.size() <= width) return cell;
  return width <= 3 ? cell.substr(0, width) : cell.substr(0, width - 3) + "...";
}

}  // namespace

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

SummaryTable summary_table(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                           TableOptions options) {
  SummaryTable table;
  std::vector<std::array<std::string, kColumns>> rows;
  rows.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!options.wide && points[i].status == PointStatus::skipped) {
      ++table.hidden_skipped;
      continue;
    }
    rows.push_back(row_of(points[i], marks.at(i)));
  }

  std::vector<std::size_t> shown;
  for (std::size_t col = 0; col < kColumns; ++col) {
    if (!options.wide && wide_only(col)) continue;
    const bool empty = std::all_of(rows.begin(), rows.end(), [&](const auto& row) { return no_value(row[col]); });
    if (empty && !always_shown(col)) {
      table.dropped.emplace_back(kHeader[col], empty_reason(col, points));
      continue;
    }
    shown.push_back(col);
  }

  std::array<std::size_t, kColumns> width{};
  for (const std::size_t col : shown) {
    width[col] = kHeader[col].size();
    for (const auto& row : rows) width[col] = std::max(width[col], row[col].size());
  }
  if (!options.wide) {  // the status column gets what is left of kTableWidth
    std::size_t others = 0;
    for (const std::size_t col : shown) others += col == kStatus ? 0 : width[col] + 2;
    const std::size_t room = std::max<std::size_t>(kHeader[kStatus].size(), kTableWidth > others ? kTableWidth - others : 0);
    width[kStatus] = kHeader[kStatus].size();
    for (auto& row : rows) {
      row[kStatus] = cut(row[kStatus], room);
      width[kStatus] = std::max(width[kStatus], row[kStatus].size());
    }
  }

  std::array<std::string, kColumns> header, rule;
  for (const std::size_t col : shown) {
    header[col] = kHeader[col];
    rule[col] = std::string(width[col], '-');
  }
  append_row(table.text, header, width, shown);
  append_row(table.text, rule, width, shown);
  for (const auto& row : rows) append_row(table.text, row, width, shown);
  return table;
}

TableCells table_cells(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                       NumberStyle style) {
  TableCells cells;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto row = row_of(points[i], marks.at(i));
    cells.rows.emplace_back(row.begin(), row.end());
  }
  for (std::size_t col = 0; col < kColumns; ++col) {
    cells.headers.emplace_back(kHeader[col]);
    cells.numeric.push_back(!left_aligned(col));
    const bool empty =
        std::all_of(cells.rows.begin(), cells.rows.end(), [&](const auto& row) { return no_value(row[col]); });
    cells.shown.push_back(always_shown(col) || !empty);
    if (style == NumberStyle::plain && !left_aligned(col)) {
      for (auto& row : cells.rows) std::erase(row[col], ',');  // only grouped() writes a comma there
    }
  }
  return cells;
}

}  // namespace qb
