// The results document around the records: each run as the file holds it
// (counter reasons that context.counters states left out), the document's
// header, and the checked, atomic, streamed write of --out. The schema is at
// the top of result_json.cpp; the declarations are in result_json.hpp.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <random>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "harness/counters/perf_backend.hpp"
#include "harness/model/result_json.hpp"

namespace qb {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Counter availability is stated once per file, in context.counters (what
// the probe at start saw: counter_availability()). An event that says
// the same (status, reason, errno, source) is left out of repetitions'
// readings altogether, and a run's total for it keeps its status and
// counts of threads only: a reader takes a missing reason, or a missing
// event, from context.counters.events.
bool as_probed(const json& ev, const std::string& name, const json& known, const json& errno_text) {
  const auto k = known.find(name);
  if (k == known.end() || !k->is_object()) return false;
  const json reason = ev.contains("reason") && !ev.at("reason").is_null() ? ev.at("reason") : json("");
  return ev.value("status", std::string()) == k->value("status", std::string("?")) &&
         reason == k->value("reason", json("")) && errno_text == k->value("errno", json()) &&
         ev.value("source", std::string("perf_event")) == k->value("source", std::string("perf_event"));
}

void compact_run_counters(json& counters, const json& known) {
  if (!counters.is_object() || !counters.contains("events")) return;
  for (auto& [name, ev] : counters["events"].items()) {
    if (ev.value("status", std::string()) == "ok" || !as_probed(ev, name, known, ev.value("errno", json()))) continue;
    for (auto it = ev.begin(); it != ev.end();) {
      const bool keep = it.key() == "status" || it.key() == "threads" || it.key() == "threads_counted";
      it = keep ? std::next(it) : ev.erase(it);
    }
  }
}

void compact_rep_counters(json& counters, const json& known) {
  if (!counters.is_object() || !counters.contains("readings")) return;
  for (auto& r : counters["readings"]) {
    if (!r.contains("reading") || !r["reading"].contains("events")) continue;
    json kept = json::array();
    for (auto& ev : r["reading"]["events"]) {
      const int err = ev.value("errno", 0);
      const json errno_text = err != 0 ? json(errno_name(err)) : json(nullptr);
      const bool drop = ev.value("status", std::string()) != "ok" &&
                        as_probed(ev, ev.value("event", std::string()), known, errno_text);
      if (!drop) kept.push_back(std::move(ev));
    }
    r["reading"]["events"] = std::move(kept);
  }
}

}  // namespace

json run_for_file(const PointResult& point, const json& context) {
  json run = point;
  const auto c = context.find("counters");
  if (c == context.end() || !c->is_object() || !c->contains("events")) return run;
  const json& known = c->at("events");
  if (run.contains("counters")) compact_run_counters(run["counters"], known);
  for (auto& rep : run["repetitions"]) {
    if (rep.contains("counters")) compact_rep_counters(rep["counters"], known);
  }
  return run;
}

json document_header(const json& context, const std::vector<std::string>& notes) {
  return json{{"schema_version", kSchemaVersion}, {"generator", "qbench"}, {"context", context}, {"notes", notes}};
}

json make_document(const json& context, const std::vector<PointResult>& points, bool interrupted,
                   const std::vector<std::string>& skipped_notes) {
  json doc = document_header(context, skipped_notes);
  doc["interrupted"] = interrupted;
  doc["runs"] = json::array();
  for (const auto& p : points) doc["runs"].push_back(run_for_file(p, context));
  return doc;
}

namespace {

fs::path directory_of(const fs::path& out) {
  return out.has_parent_path() ? out.parent_path() : fs::path(".");
}

// not_found for a missing path (or one under a non-directory); throws for
// anything else stat() cannot answer, such as a search permission denied.
fs::file_type type_of(const fs::path& p) {
  std::error_code ec;
  const fs::file_status s = fs::status(p, ec);
  if (ec && s.type() != fs::file_type::not_found) {
    throw UsageError(fmt::format("--out: cannot access '{}': {}", p.string(), ec.message()));
  }
  return s.type();
}

// Reads errno first, before anything can change it.
[[noreturn]] void fail(const fs::path& out, const char* step) {
  const int err = errno;
  throw std::runtime_error(fmt::format("cannot write '{}': {}: {}", out.string(), step,
                                       std::generic_category().message(err)));
}

nlohmann::ordered_json reorder(const json& obj, std::initializer_list<const char*> first) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const char* k : first) {
    if (obj.contains(k)) o[k] = obj[k];
  }
  for (const auto& [k, v] : obj.items()) {
    if (!o.contains(k)) o[k] = v;
  }
  return o;
}

// A run in reading order: what it is first, its long repetitions last;
// deeper objects keep nlohmann's sorted keys.
std::string run_text(const json& run) {
  const auto ordered = run.is_object() ? reorder(run, {"id", "status", "skip_reason", "traits", "reference", "params",
                                                       "workload", "aggregate", "workload_metrics", "warnings",
                                                       "warning_details", "latency", "counters", "pingpong", "repetitions"})
                                       : nlohmann::ordered_json(run);
  // Invalid UTF-8 (a byte in the command line, say) becomes U+FFFD rather
  // than losing the whole sweep.
  return ordered.dump(-1, ' ', false, json::error_handler_t::replace);
}

using Sink = TextSink;

// Streams `doc` (an object) with its top-level keys in reading order and
// its runs one at a time: runs(sink) writes them, comma-separated.
void stream_document(const json& head, bool interrupted, const std::function<void(const Sink&)>& runs,
                     const Sink& sink) {
  json top = head;
  top.erase("runs");
  top["interrupted"] = interrupted;
  const auto ordered = reorder(top, {"schema_version", "generator", "interrupted", "scenario", "context", "notes"});
  std::string text = ordered.dump(-1, ' ', false, json::error_handler_t::replace);
  text.pop_back();  // the closing brace: "runs" comes last
  sink(text);
  sink(ordered.empty() ? "\"runs\":[" : ",\"runs\":[");
  runs(sink);
  sink("]}\n");
}

}  // namespace

void write_document_atomically(const fs::path& out, bool force, const json& head, bool interrupted,
                               std::size_t count, const std::function<json(std::size_t)>& run_at) {
  write_atomically(out, force, [&](const Sink& sink) {
    stream_document(head, interrupted, [&](const Sink& s) {
      for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) s(",");
        s(run_text(run_at(i)));
      }
    }, sink);
  });
}

void write_json_atomically(const fs::path& out, const json& doc, bool force) {
  if (!doc.is_object() || !doc.contains("runs")) {
    write_atomically(out, force, [&](const Sink& sink) {
      sink(doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    });
    return;
  }
  const json& runs = doc.at("runs");
  write_document_atomically(out, force, doc, doc.value("interrupted", false), runs.size(),
                            [&](std::size_t i) { return runs[i]; });
}

void check_output_path(const fs::path& out, bool force) {
  if (out.empty()) throw UsageError("--out: the path is empty");
  const fs::file_type type = type_of(out);
  if (type == fs::file_type::directory) {
    throw UsageError(fmt::format("--out: '{}' is a directory", out.string()));
  }
  const fs::path dir = directory_of(out);
  const fs::file_type dir_type = type_of(dir);
  if (dir_type == fs::file_type::not_found) {
    throw UsageError(fmt::format("--out: '{}': directory '{}' does not exist", out.string(), dir.string()));
  }
  if (dir_type != fs::file_type::directory) {
    throw UsageError(fmt::format("--out: '{}': '{}' is not a directory", out.string(), dir.string()));
  }
  // Creating the temporary and renaming it need write and search permission.
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw UsageError(fmt::format("--out: '{}': directory '{}' is not writable", out.string(), dir.string()));
  }
  if (type == fs::file_type::not_found) return;
  // Replacing a device or a FIFO (--out /dev/null --force, as root) would
  // put a regular file in its place.
  if (type != fs::file_type::regular) {
    throw UsageError(fmt::format("--out: '{}' is not a regular file", out.string()));
  }
  if (!force) {
    throw UsageError(fmt::format("--out: '{}' exists; pass --force to overwrite", out.string()));
  }
}

void write_atomically(const fs::path& out, bool force, const std::function<void(const Sink&)>& produce) {
  const fs::path dir = directory_of(out);
  const fs::path tmp = dir / fmt::format(".{}.{}.{:08x}.tmp", out.filename().string(),
                                         ::getpid(), std::random_device{}());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) fail(out, "creating the temporary file");
  struct Cleanup {  // removes the temporary on every way out but the rename
    const fs::path& path;
    int fd;
    bool armed = true;
    ~Cleanup() {
      if (fd >= 0) ::close(fd);
      if (armed) ::unlink(path.c_str());
    }
  } cleanup{tmp, fd};

  // Written as produced, small pieces gathered up to 64 KiB, so a large
  // sweep's document is never whole in memory.
  constexpr std::size_t kGather = 64 * 1024;
  std::string buffer;
  buffer.reserve(kGather);
  auto write_all = [&](std::string_view text) {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(out, "writing the temporary file");
      done += static_cast<std::size_t>(n);
    }
  };
  produce([&](std::string_view piece) {
    if (buffer.size() + piece.size() > kGather) {
      write_all(buffer);
      buffer.clear();
    }
    if (piece.size() >= kGather) {
      write_all(piece);
    } else {
      buffer += piece;
    }
  });
  write_all(buffer);
  // The data reaches the disk before a name points at it, so a crash leaves
  // the old file or the complete new one, never a truncated one.
  if (::fsync(fd) != 0) fail(out, "fsync of the temporary file");
  cleanup.fd = -1;
  if (::close(fd) != 0) fail(out, "closing the temporary file");
  if (force) {
    if (::rename(tmp.c_str(), out.c_str()) != 0) fail(out, "renaming the temporary file over it");
    cleanup.armed = false;
  } else if (::link(tmp.c_str(), out.c_str()) != 0) {
    // EEXIST rather than a replacement, even if the file appeared after
    // check_output_path. On success the cleanup unlinks the temporary name.
    if (errno == EEXIST) fail(out, "it exists; pass --force to overwrite");
    fail(out, "linking the temporary file to it");
  }
  // Best effort: makes the new name durable; the file is complete either way.
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

}  // namespace qb
