// The results file: JSON conversions of the records in run_types.hpp
// (result_json.cpp, a repetition's in repetition_json.cpp), the document that wraps them, and the checks and atomic
// write around --out (results_document.cpp).
// The schema (every key, its type and unit) is at the top of result_json.cpp
// and summarised in the README; bump kSchemaVersion when a key changes
// meaning or goes away.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/run_types.hpp"
#include "harness/model/usage_error.hpp"
#include "queues/queue.hpp"

namespace qb {

inline constexpr int kSchemaVersion = 2;

// Found by nlohmann's ADL, so `json j = rep;` and `j.get<RepResult>()` work.
// from_json needs every key that to_json writes (a missing one throws), and
// ignores derived keys such as Validation's "valid". RepResult and
// PointParams round-trip exactly (the forked child sends its result to the
// parent as JSON text), but for PointParams::workload, which the file keeps
// beside the params, in the run's "workload" (workload_json()). Non-finite
// doubles are written as null and read back as NaN. Aggregates are only
// written: readers recompute them from the repetitions.
void to_json(nlohmann::json& j, const PointParams& p);
void from_json(const nlohmann::json& j, PointParams& p);
void to_json(nlohmann::json& j, const ThreadStats& t);
void from_json(const nlohmann::json& j, ThreadStats& t);
void to_json(nlohmann::json& j, const Validation& v);
void from_json(const nlohmann::json& j, Validation& v);
void to_json(nlohmann::json& j, const RepResult& r);
void from_json(const nlohmann::json& j, RepResult& r);
void to_json(nlohmann::json& j, const Aggregate& a);
void to_json(nlohmann::json& j, const QueueTraits& t);  // no from_json: the name is a string_view
void to_json(nlohmann::json& j, const PointResult& p);

// A run as the file holds it: to_json(point), with counter reasons that
// context.counters already states left out.
nlohmann::json run_for_file(const PointResult& point, const nlohmann::json& context);

// The document's top-level keys but "interrupted" and "runs":
// schema_version, generator, context (machine_context(), with "clock" and
// "counters") and notes (one line per skipped point, for people); a caller
// adds "scenario" when there is one.
nlohmann::json document_header(const nlohmann::json& context, const std::vector<std::string>& notes);

// The whole results document in memory: the header, interrupted, and runs
// (every point, skipped ones included, in the order given, each
// run_for_file). The streamed writer below writes the same document.
nlohmann::json make_document(const nlohmann::json& context, const std::vector<PointResult>& points,
                             bool interrupted, const std::vector<std::string>& skipped_notes);

// Throws UsageError, with a one-line message naming the value, unless `out`
// can be written: its directory exists and is writable, `out` is not a
// directory or other non-regular file, and it does not exist unless `force`.
// Called before the first run, so that no run is wasted.
void check_output_path(const std::filesystem::path& out, bool force);

// Writes what `produce` hands its sink, piece by piece, to a temporary file
// in `out`'s directory, fsyncs it, then renames it over `out` (force) or
// hard-links it to `out` (no force: link() fails rather than overwrite a
// file that appeared since check_output_path) and removes the temporary.
// Readers therefore see either no file or a complete one. On failure (or
// when `produce` throws) the temporary is removed; a std::runtime_error
// names `out` and the system's reason.
using TextSink = std::function<void(std::string_view)>;
void write_atomically(const std::filesystem::path& out, bool force,
                      const std::function<void(const TextSink&)>& produce);

// The results document, compact, one line: `head`'s keys (document_header,
// plus scenario) and interrupted, then runs run_at(0) .. run_at(count - 1),
// each asked for when it is written, so that the runs are never all in
// memory at once.
void write_document_atomically(const std::filesystem::path& out, bool force, const nlohmann::json& head,
                               bool interrupted, std::size_t count,
                               const std::function<nlohmann::json(std::size_t)>& run_at);

// A document already in memory: make_document's through
// write_document_atomically, anything else as it is.
void write_json_atomically(const std::filesystem::path& out, const nlohmann::json& doc, bool force);

}  // namespace qb
