#include "harness/console/formats.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace qb {

namespace {

constexpr std::size_t kUnwrapped = std::numeric_limits<std::size_t>::max() / 2;

bool no_value(const std::string& cell) { return cell == "-" || cell == "n/a" || cell.empty(); }

// RFC 4180: a cell with a comma, a quote or a line break is quoted, its
// quotes doubled (statuses such as "invalid (lost 3, dup 0, ...)" have commas).
std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (const char ch : cell) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::string render_csv(const TableCells& cells, const std::vector<PointResult>& points) {
  std::string out = "id";
  // ',' appended apart: GCC 12's -Wrestrict misfires on "," + std::string.
  for (const auto& header : cells.headers) {
    out += ',';
    out += csv_cell(header);
  }
  out += '\n';
  for (std::size_t i = 0; i < points.size(); ++i) {
    out += csv_cell(points[i].id);
    for (const auto& cell : cells.rows[i]) {
      out += ',';
      if (!no_value(cell)) out += csv_cell(cell);
    }
    out += '\n';
  }
  return out;
}

// A '|' inside a cell would end it.
std::string markdown_cell(const std::string& cell) {
  std::string out;
  for (const char ch : cell) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

std::string render_markdown(const TableCells& cells, const std::vector<std::string>& summary) {
  std::string header = "|", rule = "|";
  for (std::size_t col = 0; col < cells.headers.size(); ++col) {
    if (!cells.shown[col]) continue;
    header += fmt::format(" {} |", markdown_cell(cells.headers[col]));
    rule += cells.numeric[col] ? " ---: |" : " --- |";
  }
  std::string out = header + "\n" + rule + "\n";
  for (const auto& row : cells.rows) {
    out += "|";
    for (std::size_t col = 0; col < row.size(); ++col) {
      if (cells.shown[col]) out += fmt::format(" {} |", markdown_cell(row[col]));
    }
    out += '\n';
  }
  if (!summary.empty()) out += '\n';
  for (const auto& line : summary) out += fmt::format("- {}\n", line);
  return out;
}

// A number column's plain cell as a JSON number; null where there is none
// ("-", "n/a", or "?" for a figure that was not finite).
nlohmann::ordered_json json_number(const std::string& cell) {
  const char* end = cell.data() + cell.size();
  std::int64_t count = 0;  // P, C, reps and whole items/s stay integers
  if (const auto [ptr, ec] = std::from_chars(cell.data(), end, count); ec == std::errc() && ptr == end) return count;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (no_value(cell) || ec != std::errc() || ptr != cell.data() + cell.size()) return nullptr;
  return value;
}

std::string render_json(const TableCells& cells, const std::vector<PointResult>& points,
                        const std::vector<std::string>& summary) {
  // ordered_json: the keys in the table's column order, as a reader expects.
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < points.size(); ++i) {
    nlohmann::ordered_json row{{"id", points[i].id}};
    for (std::size_t col = 0; col < cells.headers.size(); ++col) {
      const auto& cell = cells.rows[i][col];
      row[cells.headers[col]] = cells.numeric[col] ? json_number(cell) : nlohmann::ordered_json(cell);
    }
    rows.push_back(std::move(row));
  }
  return nlohmann::ordered_json{{"points", std::move(rows)}, {"summary", summary}}.dump(2) + "\n";
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace

std::optional<ConsoleFormat> parse_console_format(std::string_view text) {
  if (text == "table") return ConsoleFormat::table;
  if (text == "csv") return ConsoleFormat::csv;
  if (text == "markdown") return ConsoleFormat::markdown;
  if (text == "json") return ConsoleFormat::json;
  return std::nullopt;
}

std::string render_console(ConsoleFormat format, const std::vector<PointResult>& points,
                           const std::vector<PointMarks>& marks, const SummaryContext& context,
                           TableOptions options) {
  if (format == ConsoleFormat::table) {
    const auto table = summary_table(points, marks, options);
    return table.text + joined_lines(summary_lines(points, marks, table, context));
  }
  const auto cells = table_cells(points, marks, format == ConsoleFormat::markdown ? NumberStyle::grouped : NumberStyle::plain);
  if (format == ConsoleFormat::csv) return render_csv(cells, points);
  // The summary of the wide table, whose columns these formats carry.
  // Each summary line whole: a list item or a JSON string is not a terminal's line.
  const auto wide = summary_table(points, marks, TableOptions{.wide = true, .width = kUnwrapped});
  const auto summary = summary_lines(points, marks, wide, context);
  return format == ConsoleFormat::markdown ? render_markdown(cells, summary) : render_json(cells, points, summary);
}

}  // namespace qb
