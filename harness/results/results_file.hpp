// The results file as a sweep writes it: every finished repetition goes at
// once to a journal beside --out, and the final document is built from the
// journal at the end, one point at a time. So the parent's memory does not
// grow with the sweep (a repetition's histograms and counters leave memory
// once journaled), and a parent killed outright (SIGKILL, the OOM killer)
// leaves every finished repetition on disk, where `qb report` reads it.
//
// The journal, "<out>.journal": JSON Lines, one compact object per line.
//   line 1   {"journal": "qbench", "schema_version", "generator", "context",
//            "scenario" (when there is one), "notes", "repetitions_per_point"
//            (asked for), "runs": the planned runs (status "planned" or
//            "skipped", no repetitions)}
//   then     {"run": i, "repetition": rep} for each finished repetition of runs[i]
//            {"run": i, "point": run} for a point finished in one go (pingpong)
// A line is written with one write(2) as soon as its repetition ends; it is
// not fsync'd (a process's death loses nothing the kernel has; a power cut
// may lose the last lines). A killed parent's last line may be cut short.
// After the final file is in place the journal is removed.
//
// One record path: a repetition's JSON is written once, by the child that ran
// it (run/isolation.hpp), stored in the journal as it came, and read back once,
// when its point is finalized. Without --out the journal is kept in memory,
// so the console gets the same records (lightened, finalized) either way.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/run_types.hpp"
#include "harness/run/isolation.hpp"

namespace qb {

// "<out>.journal"
std::filesystem::path journal_path(const std::filesystem::path& out);

class ResultsJournal {
 public:
  // Without --out: the same journal kept in memory, so that the console reads
  // the same records either way; finish() writes no file.
  explicit ResultsJournal(const std::vector<PointResult>& plan);
  // Creates the journal (refusing one that exists unless `force`: it is a
  // killed sweep's, and may be all that is left of it) and writes its header.
  // `header` holds the document's top-level keys but runs and interrupted.
  ResultsJournal(std::filesystem::path out, bool force, nlohmann::json header,
                 const std::vector<PointResult>& plan, int repetitions_per_point);
  ~ResultsJournal();
  ResultsJournal(const ResultsJournal&) = delete;
  ResultsJournal& operator=(const ResultsJournal&) = delete;

  // Appends the line (the record's JSON as the child wrote it), then leaves
  // in `record.rep` only what the console needs (status, rates, validation):
  // its histograms, counters and workload metrics are read back from the
  // journal by finish().
  void add_repetition(std::size_t run, RepRecord& record);
  void add_point(std::size_t run, const PointResult& point);

  // Reads each point's repetitions back, finalizes the point
  // (point_summary.hpp's finalize_point), writes the document atomically to `out`
  // (result_json.hpp) and removes the journal. `points` come back finalized,
  // their repetitions light again, for the console.
  void finish(std::vector<PointResult>& points, bool interrupted, const std::vector<std::string>& notes);
  // The document's context, for what is known only when the sweep ends (the
  // load average then); the journal's own header line keeps the start's.
  nlohmann::json& context() { return header_.at("context"); }

 private:
  std::string read_line(std::pair<std::uint64_t, std::uint64_t> at) const;
  // Writes one line; returns where it is (offset, length).
  std::pair<std::uint64_t, std::uint64_t> append(const std::string& line);
  // Writes one line of run `run` (an index into the plan) and notes where.
  void append_for(std::size_t run, const std::string& line);

  std::filesystem::path out_;
  std::filesystem::path path_;
  bool force_;
  nlohmann::json header_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string memory_;  // the lines, when there is no file
  // Per run: where its lines are (offset, length), in the order written.
  std::vector<std::vector<std::pair<std::uint64_t, std::uint64_t>>> lines_;
};

}  // namespace qb
