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
  kQueue, kP, kC, kMedian, kNsPerItem, kCpuNs, kPerCpuS, kMin, kMax, kCv, kP50, kP99, kP999, kMisses, kReps, kFlags,
  kStatus, kColumns
};
constexpr std::array<std::string_view, kColumns> kHeader = {
    "queue", "P", "C", "items/s (median)", "ns/item", "CPU ns/item", "items/CPU-s", "min items/s", "max items/s", "CV %",
    "p50 ns", "p99 ns", "p99.9 ns", "cache-misses/item", "reps", "flags", "status"};
// Left out unless the table is wide: they refine what the others say.
// (cache-misses/item is shown wherever some point counted them.)
// CPU ns/item is shown where it fits, items/CPU-s (its inverse) only wide.
constexpr bool wide_only(std::size_t col) {
  return col == kNsPerItem || col == kPerCpuS || col == kMin || col == kMax || col == kReps;
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

// Points that differ in --wait (a list, spin,block) name it beside the queue,
// so that no two rows read the same.
bool several_waits(const std::vector<PointResult>& points) {
  return std::any_of(points.begin(), points.end(),
                     [&](const PointResult& p) { return p.params.wait != points.front().params.wait; });
}

std::array<std::string, kColumns> row_of(const PointResult& p, const PointMarks& marks, bool show_wait) {
  std::array<std::string, kColumns> row;
  row.fill("-");
  row[kQueue] = show_wait ? fmt::format("{} ({})", p.params.queue, to_string(p.params.wait)) : p.params.queue;
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
  if (const auto cpu = a.median_cpu_ns_per_item) {
    // A tenth of a ns tells where a fast queue's figure is small; a paced
    // run's millions read better grouped.
    row[kCpuNs] = *cpu < 100 ? fmt::format("{:.1f}", *cpu) : grouped(*cpu);
  }
  if (a.median_items_per_cpu_s) row[kPerCpuS] = grouped(*a.median_items_per_cpu_s);
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

// Each column's width plus its two spaces; the status column, last, none.
std::size_t line_width(const std::vector<std::size_t>& shown, const std::array<std::size_t, kColumns>& width) {
  std::size_t total = 0;
  for (const std::size_t col : shown) total += width[col] + (col == kStatus ? 0 : 2);
  return total;
}

// Not wide: the table to `table.width`. First the long headers give way to
// short ones; then the columns that refine what the others say go, least
// telling first (the summary names them); last, a status that still does
// not fit is shortened to its first word ("failed"), the whole of it going
// under the table, never cut mid-sentence.
template <class Measure>
void fit_width(std::vector<std::size_t>& shown, std::array<std::string_view, kColumns>& header,
               std::array<std::size_t, kColumns>& width, std::vector<std::array<std::string, kColumns>>& rows,
               const std::vector<const PointResult*>& of_row, SummaryTable& table, const Measure& measure) {
  const std::size_t limit = table.width;
  if (line_width(shown, width) <= limit) return;
  header[kMedian] = "med items/s";
  header[kMisses] = "misses/item";
  header[kP999] = "p99.9";
  measure();
  // "ok" and the like: the room a status needs before columns are given up for it.
  constexpr std::size_t kStatusRoom = 8;
  const auto needed = [&] {
    const std::size_t status = width[kStatus];
    width[kStatus] = std::min(status, std::max(kStatusRoom, header[kStatus].size()));
    const std::size_t total = line_width(shown, width);
    width[kStatus] = status;
    return total;
  };
  for (const std::size_t col : {kCpuNs, kP999, kCv, kMisses, kP99, kP50, kFlags}) {
    if (needed() <= limit) break;
    const auto at = std::find(shown.begin(), shown.end(), col);
    if (at == shown.end()) continue;
    shown.erase(at);
    table.narrowed.emplace_back(kHeader[col]);
  }
  width[kStatus] = 0;
  const std::size_t room = std::max(limit > line_width(shown, width) ? limit - line_width(shown, width) : 0,
                                    header[kStatus].size());
  width[kStatus] = header[kStatus].size();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& status = rows[i][kStatus];
    if (status.size() > room) {
      table.shortened.emplace_back(of_row[i]->id, status);
      status = status.substr(0, std::min(status.find_first_of(" :"), room));
    }
    width[kStatus] = std::max(width[kStatus], status.size());
  }
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
  table.width = options.width;
  std::vector<std::array<std::string, kColumns>> rows;
  std::vector<const PointResult*> of_row;
  rows.reserve(points.size());
  const bool show_wait = several_waits(points);
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!options.wide && points[i].status == PointStatus::skipped) {
      ++table.hidden_skipped;
      continue;
    }
    rows.push_back(row_of(points[i], marks.at(i), show_wait));
    of_row.push_back(&points[i]);
  }

  std::vector<std::size_t> shown;
  for (std::size_t col = 0; col < kColumns; ++col) {
    if (!options.wide && wide_only(col)) continue;
    const bool empty = std::all_of(rows.begin(), rows.end(), [&](const auto& row) { return no_value(row[col]); });
    if (empty && !always_shown(col)) {
      // Every run measures its threads' CPU time; only records from before
      // it lack it, and no flag would bring it back: not worth a line.
      if (col != kCpuNs && col != kPerCpuS) table.dropped.emplace_back(kHeader[col], empty_reason(col, points));
      continue;
    }
    shown.push_back(col);
  }

  std::array<std::string_view, kColumns> header = kHeader;
  std::array<std::size_t, kColumns> width{};
  const auto measure = [&] {
    for (const std::size_t col : shown) {
      width[col] = header[col].size();
      for (const auto& row : rows) width[col] = std::max(width[col], row[col].size());
    }
  };
  measure();
  if (!options.wide) fit_width(shown, header, width, rows, of_row, table, measure);

  std::array<std::string, kColumns> head, rule;
  for (const std::size_t col : shown) {
    head[col] = header[col];
    rule[col] = std::string(width[col], '-');
  }
  append_row(table.text, head, width, shown);
  append_row(table.text, rule, width, shown);
  for (const auto& row : rows) append_row(table.text, row, width, shown);
  return table;
}

TableCells table_cells(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                       NumberStyle style) {
  TableCells cells;
  const bool show_wait = several_waits(points);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto row = row_of(points[i], marks.at(i), show_wait);
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
