// What `qbench run` prints on stdout when the sweep ends, in the form asked
// for (--format): the table and summary for a reader (table), or the same
// cells for a spreadsheet (csv), a document (markdown) or a program (json).
// Progress and warnings stay on stderr whatever the format, so stdout holds
// only the rendering; the results file is JSON in every case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/console/summary.hpp"
#include "harness/console/table.hpp"
#include "harness/model/run_types.hpp"
#include "harness/results/point_marks.hpp"

namespace qb {

enum class ConsoleFormat { table, csv, markdown, json };

std::optional<ConsoleFormat> parse_console_format(std::string_view text);

// table: summary_table() and summary_lines(), as before --format existed.
// csv: a header line ("id", then the table's headers with their units) and
//   one line a point, skipped ones included; every column, an empty cell
//   where a point has no value ("-" or "n/a" in the table), plain numbers
//   (no thousands separators);
//   no summary (it is prose).
// markdown: a GitHub table of the wide table's columns, numbers right-aligned,
//   then the summary lines as a list.
// json: {"points": [{"id": ..., <header>: <number, string or null>, ...}],
//   "summary": [<line>, ...]}, one document.
std::string render_console(ConsoleFormat format, const std::vector<PointResult>& points,
                           const std::vector<PointMarks>& marks, const SummaryContext& context,
                           TableOptions options = {});

}  // namespace qb
