// The summary table printed when a sweep ends: one row per point, units in
// the headers, numbers right-aligned with thousands separators.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/model/run_types.hpp"
#include "harness/results/point_marks.hpp"

namespace qb {

// The width the table and the lines under it fit when no other is given:
// terminal_columns()'s when stdout is no terminal.
constexpr std::size_t kTableWidth = 80;

struct TableOptions {
  // Every column (ns/item, items/CPU-s, min and max items/s, p99.9,
  // cache-misses/item, reps) and the skipped points' rows, whatever the width; no status
  // shortened.
  bool wide = false;
  // The columns a line may take (terminal_columns()); not wide, the table
  // abbreviates headers, then leaves out its least telling columns, then
  // shortens statuses to their first word, to fit.
  std::size_t width = kTableWidth;
};

struct SummaryTable {
  std::string text;                  // header, rule and rows; every line ends with '\n'
  // The columns left out because no row had a value: (header, why).
  std::vector<std::pair<std::string, std::string>> dropped;
  std::vector<std::string> narrowed;  // columns left out to fit the width, least telling first
  // Statuses shortened to fit, whole: (point id, status), for the lines under the table.
  std::vector<std::pair<std::string, std::string>> shortened;
  int hidden_skipped = 0;            // skipped points' rows left out (not wide)
  std::size_t width = kTableWidth;   // what the table, and the lines under it, fit
};

// Columns: queue, P, C, items/s (median), CPU ns/item (the workers' CPU
// time per item, both roles; the first column given up to fit the width),
// CV %, p50/p99/p99.9 ns, flags (flag_letters), status, and
// cache-misses/item where counted; wide adds ns/item, items/CPU-s, min and
// max items/s and reps. A point that is not "ok" shows "-" in every
// number column but P and C, and says why in the status column ("invalid
// (lost 3, dup 0, misordered 0)", "failed: timeout after 5s"): an invalid or
// failed point has no throughput to print. A column that no row has a value
// for is left out and named in `dropped` (but the CPU columns: only records
// older than them lack them). `marks` is point_marks(points).
// 12345678.9 -> "12,345,679"; "?" for a negative or non-finite x.
std::string grouped(double x);

SummaryTable summary_table(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                           TableOptions options = {});

// The table's cells for the other console formats (console_formats.hpp):
// every column and every point, skipped ones included, nothing cut, "-" where
// a point has no value. Plain numbers drop the thousands separators, for
// csv and json readers.
enum class NumberStyle { grouped, plain };
struct TableCells {
  std::vector<std::string> headers;            // with units, as the table's
  std::vector<bool> numeric;                   // else queue, flags or status
  std::vector<bool> shown;                     // the wide table shows it
  std::vector<std::vector<std::string>> rows;  // one a point, in order
};
TableCells table_cells(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                       NumberStyle style);

}  // namespace qb
