#include "harness/run/isolation.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/model/result_json.hpp"

namespace qb {

std::atomic<bool> g_interrupted{false};

namespace {

constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_signal{SIGINT};

// Async-signal-safe: two lock-free atomic stores. seq_cst (the default) on
// both, so a thread that sees g_interrupted set also sees which signal set it.
void on_interrupt(int signo) {
  g_signal.store(signo);
  g_interrupted.store(true);
}

RepResult failed(std::string why) {
  RepResult rep;
  rep.status = RepStatus::failed;
  rep.failure = std::move(why);
  return rep;
}

// Child side: run, send the JSON, and leave without running the parent's
// atexit handlers or flushing its copied stdio buffers.
[[noreturn]] void child_main(int fd, const std::function<std::string()>& body) {
  std::string text;
  int code = 0;
  try {
    text = body();
  } catch (const std::exception& e) {
    text = std::string("exception: ") + e.what();
    code = 4;  // the parent reads the text as the reason
  }
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  close(fd);
  _exit(code);
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() must return EINTR so we stop at once
  for (int s : kInterruptSignals) sigaction(s, &sa, nullptr);
}

const char* interrupt_signal_name() {
  switch (g_signal.load()) {
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "SIGINT";
  }
}

int interrupt_exit_status() { return 128 + g_signal.load(); }

ChildOutcome run_in_child(const std::function<std::string()>& body, std::chrono::nanoseconds timeout) {
  auto failed = [](std::string why) {
    ChildOutcome o;
    o.status = RepStatus::failed;
    o.failure = std::move(why);
    return o;
  };
  int fds[2];
  if (pipe(fds) != 0) return failed(fmt::format("pipe: {}", std::strerror(errno)));
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return failed(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    close(fds[0]);
    for (int s : kInterruptSignals) signal(s, SIG_DFL);
    child_main(fds[1], body);
  }
  close(fds[1]);

  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  char buf[65536];
  for (;;) {
    if (g_interrupted.load()) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is done (or died)
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  const bool stopped = timed_out || g_interrupted.load();
  if (stopped) kill(pid, SIGKILL);

  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }

  ChildOutcome out;
  if (g_interrupted.load()) {
    out.status = RepStatus::interrupted;
    out.failure = fmt::format("interrupted by {}", interrupt_signal_name());
  } else if (timed_out) {
    out = failed(fmt::format("timed out after {:.3g} s (hang or livelock); killed",
                             std::chrono::duration<double>(timeout).count()));
  } else if (WIFSIGNALED(status)) {
    out = failed(fmt::format("crashed: signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status))));
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
    out = failed(text);  // the body threw; text is "exception: ..."
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    out = failed(fmt::format("child exited with status {}", WEXITSTATUS(status)));
  } else {
    out.json_text = std::move(text);
  }
  out.peak_rss_kib = usage.ru_maxrss;
  return out;
}

RepRecord run_isolated_record(const std::function<RepResult()>& body, std::chrono::nanoseconds timeout) {
  ChildOutcome child = run_in_child(
      [&] {
        RepResult rep = body();
        rusage usage{};
        if (::getrusage(RUSAGE_SELF, &usage) == 0) rep.peak_rss_kib = usage.ru_maxrss;
        return nlohmann::json(rep).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      },
      timeout);
  RepRecord record;
  if (child.status != RepStatus::ok) {
    record.rep = failed(child.failure);
    record.rep.status = child.status;
    record.rep.peak_rss_kib = child.peak_rss_kib;
    return record;
  }
  try {
    record.rep = nlohmann::json::parse(child.json_text).get<RepResult>();
    record.json = std::move(child.json_text);
  } catch (const std::exception& e) {
    record.rep = failed(fmt::format("unreadable result from child: {}", e.what()));
    record.rep.peak_rss_kib = child.peak_rss_kib;
  }
  return record;
}

}  // namespace qb
