#include "harness/results/results_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "harness/model/result_json.hpp"
#include "harness/model/usage_error.hpp"
#include "harness/results/point_summary.hpp"

namespace qb {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void fail(const fs::path& path, const char* step) {
  const int err = errno;
  throw std::runtime_error(
      fmt::format("journal '{}': {}: {}", path.string(), step, std::generic_category().message(err)));
}

// What the console still needs of a journaled repetition; the rest is on disk.
void lighten(RepResult& rep) {
  rep.latency = nullptr;
  rep.counters = nullptr;
  rep.workload_metrics = nullptr;
}

}  // namespace

fs::path journal_path(const fs::path& out) { return fs::path(out.string() + ".journal"); }

ResultsJournal::ResultsJournal(const std::vector<PointResult>& plan)
    : force_(false), header_(json{{"context", json::object()}}), lines_(plan.size()) {}

ResultsJournal::ResultsJournal(fs::path out, bool force, json header, const std::vector<PointResult>& plan,
                               int repetitions_per_point)
    : out_(std::move(out)), path_(journal_path(out_)), force_(force), header_(std::move(header)),
      lines_(plan.size()) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0666);
  if (fd_ < 0 && errno == EEXIST) {
    throw UsageError(fmt::format("--out: '{}' exists: a sweep writing '{}' did not finish (qb report reads the "
                                 "journal); move it away or pass --force",
                                 path_.string(), out_.string()));
  }
  if (fd_ < 0) fail(path_, "creating it");
  json first = header_;
  first["journal"] = "qbench";
  first["repetitions_per_point"] = repetitions_per_point;  // so a reader can say how much is missing
  first["runs"] = json::array();
  for (const auto& point : plan) {
    json run = run_for_file(point, header_.at("context"));
    if (point.status != PointStatus::skipped) run["status"] = to_string(PointStatus::planned);
    first["runs"].push_back(std::move(run));
  }
  append(first.dump(-1, ' ', false, json::error_handler_t::replace));
}

ResultsJournal::~ResultsJournal() {
  if (fd_ >= 0) ::close(fd_);
}

std::pair<std::uint64_t, std::uint64_t> ResultsJournal::append(const std::string& line) {
  const std::string text = line + "\n";
  if (fd_ < 0) {  // in memory (no --out)
    const std::pair<std::uint64_t, std::uint64_t> at{size_, text.size()};
    memory_ += text;
    size_ += text.size();
    return at;
  }
  // O_APPEND and one write: a line is whole in the file or, if the process
  // dies inside write(2), cut short at the end, never interleaved.
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path_, "appending a line");
    done += static_cast<std::size_t>(n);
  }
  const std::pair<std::uint64_t, std::uint64_t> at{size_, text.size()};
  size_ += text.size();
  return at;
}

void ResultsJournal::append_for(std::size_t run, const std::string& line) {
  // A run the journal was not planned with is a bug upstream, never a line to drop.
  if (run >= lines_.size()) {
    throw std::logic_error(fmt::format("{}: run {} is not in the plan of {} points", path_.string(), run, lines_.size()));
  }
  lines_[run].push_back(append(line));
}

void ResultsJournal::add_repetition(std::size_t run, RepRecord& record) {
  // The child's text as it is; a record the parent made is written here, once.
  if (record.json.empty()) record.json = json(record.rep).dump(-1, ' ', false, json::error_handler_t::replace);
  append_for(run, fmt::format("{{\"run\":{},\"repetition\":{}}}", run, record.json));
  record.json.clear();
  lighten(record.rep);
}

void ResultsJournal::add_point(std::size_t run, const PointResult& point) {
  append_for(run, json{{"run", run}, {"point", run_for_file(point, header_.at("context"))}}.dump(
                      -1, ' ', false, json::error_handler_t::replace));
}

std::string ResultsJournal::read_line(std::pair<std::uint64_t, std::uint64_t> at) const {
  if (fd_ < 0 && out_.empty()) return memory_.substr(at.first, at.second);
  std::string text(at.second, '\0');
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path_, "reopening it to read");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::pread(fd, text.data() + done, text.size() - done, static_cast<off_t>(at.first + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      fail(path_, "reading a line back");
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return text;
}

void ResultsJournal::finish(std::vector<PointResult>& points, bool interrupted, const std::vector<std::string>& notes) {
  // Whole again, one point at a time, and finalized from its full repetitions.
  const auto restore = [&](std::size_t i) -> PointResult& {
    PointResult& point = points[i];
    if (point.params.workload.kind != WorkloadKind::pingpong && point.status != PointStatus::skipped) {
      point.repetitions.clear();
      for (const auto& at : lines_[i]) {
        point.repetitions.push_back(json::parse(read_line(at)).at("repetition").get<RepResult>());
      }
    }
    finalize_point(point);
    return point;
  };
  if (out_.empty()) {  // in memory: the same records for the console, and no file
    for (std::size_t i = 0; i < points.size(); ++i) {
      for (auto& rep : restore(i).repetitions) lighten(rep);
    }
    memory_.clear();
    return;
  }
  header_["notes"] = notes;
  write_document_atomically(out_, force_, header_, interrupted, points.size(), [&](std::size_t i) {
    PointResult& point = restore(i);
    json run = run_for_file(point, header_.at("context"));
    for (auto& rep : point.repetitions) lighten(rep);
    return run;
  });
  ::close(fd_);
  fd_ = -1;
  if (::unlink(path_.c_str()) != 0) fail(path_, "removing it after the results were written");
}

}  // namespace qb
