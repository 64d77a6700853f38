#!/usr/bin/env bash
# qb test and qb fuzz: the test matrix (presets, ctest, the Python tests, the
# fuzz targets) and the sanitizer settings, once. Run as `./scripts/qb test`
# or `./scripts/qb fuzz`; it takes qb's package check, presets and helpers.
set -euo pipefail
# shellcheck source=scripts/qb
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/qb"

# The presets `qb test` runs by default (debug adds nothing that release plus
# the sanitizers do not already test).
readonly TEST_PRESETS=(release asan tsan)
readonly FUZZ_TARGETS=(fuzz_scenario fuzz_cli)

usage_test() {
  cat <<'EOF'
usage: ./scripts/qb test [--preset P]...

Check the Debian packages, then for each preset (default: release, asan, tsan,
fuzz)
configure, build and run `ctest --preset P -j 2 --timeout 600`; then, when
tests/python holds test_*.py files, run them with Debian's pytest; then the
fuzz preset, its targets run as `qb fuzz` runs them (QB_FUZZ_SECONDS each,
default 60). Every preset runs even after one fails. Prints one line per
preset with its time, and a summary that names each failed test with the
last lines it printed (each preset's ctest output is kept in
build/P/qb-ctest.log); exits non-zero if anything failed.

Options:
  --preset P   run only preset P (one of: release debug asan tsan fuzz); repeatable
  -h, --help   this text

Sanitizer settings: asan runs with ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
and UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; tsan runs with
TSAN_OPTIONS='halt_on_error=1 second_deadlock_stack=1'.
EOF
}

usage_fuzz() {
  cat <<'EOF'
usage: ./scripts/qb fuzz [SECONDS]

Check the Debian packages (clang among them), build the fuzz preset
(build/fuzz: qb_harness and the fuzz targets, compiled by clang with
libFuzzer, ASan and UBSan), then run each target for SECONDS (default
$QB_FUZZ_SECONDS, else 60), side by side, one process a core:

  fuzz_scenario  bytes as a scenario file: JSON, then the scenario parser
  fuzz_cli       bytes split at NUL into argv: the command-line parser only

Each runs over a copy of its corpus (tests/fuzz/corpus/NAME, left untouched)
in a temporary folder, with -timeout=10 per input and -rss_limit_mb=2048. A
crash, leak, timeout or out-of-memory fails the command; the input that
caused it is kept and its path printed (replay: build/fuzz/tests/fuzz/TARGET
FILE, with absolute paths). Inputs worth keeping are copied into the corpus
by hand.
EOF
}

# ctest for one preset, with that preset's sanitizer settings. --no-tests=error
# because a preset that registers no tests has lost them, not passed them.
run_ctest() {
  local -a env=()
  case "$1" in
    asan) env=(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
               UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1) ;;
    tsan) env=("TSAN_OPTIONS=halt_on_error=1 second_deadlock_stack=1") ;;
  esac
  # The log is kept for the summary: CI shows only the tail of what qb test
  # prints, and a failed test's output would be far above it.
  env "${env[@]}" ctest --preset "$1" -j 2 --timeout 600 --no-tests=error 2>&1 | tee "build/$1/qb-ctest.log"
}

# For the summary: each failed test of a preset's last ctest run, its name and
# the last lines of what it printed (from the log run_ctest keeps).
print_failed_tests() {
  local log="build/$1/qb-ctest.log"
  [[ -f "$log" ]] || return 0
  awk -v preset="$1" -v logfile="$log" '
    # "12/430 Test #57: Name ....   ***Failed   1.0 sec" starts a test'"'"'s block;
    # its output (outputOnFailure) runs until the next such line.
    /^ *[0-9]+\/[0-9]+ Test +#[0-9]+: / {
      flush(); if ($0 ~ /\*\*\*|Failed|Timeout|Exception/ && $0 !~ /Passed/) { name = $4; n = 0; inblock = 1 } else inblock = 0; next
    }
    /^(The following tests FAILED|[0-9]+% tests passed|Total Test time)/ { flush(); inblock = 0; next }
    /^ +Start +[0-9]+: / || /^[[:space:]]*$/ { next }
    inblock { buf[n++ % 25] = $0 }
    function flush(   i, start) {
      if (name == "") return
      if (++failed > 6) { name = ""; return }
      printf "  %s: %s failed; the last lines it printed:\n", preset, name
      start = n > 25 ? n - 25 : 0
      for (i = start; i < n; i++) printf "    | %s\n", buf[i % 25]
      name = ""
    }
    END {
      flush()
      if (failed > 6) printf "  %s: and %d more failed tests (all of its output: %s)\n", preset, failed - 6, logfile
    }
  ' "$log"
}

cmd_test() {
  local -a presets=()
  while (($#)); do
    case "$1" in
      -h | --help) usage_test; return 0 ;;
      --preset)
        (($# >= 2)) || usage_error "test: option '--preset' needs a value"
        check_preset "$2"; presets+=("$2"); shift 2 ;;
      --preset=*) check_preset "${1#--preset=}"; presets+=("${1#--preset=}"); shift ;;
      -*) usage_error "test: unknown option '$1'" ;;
      *) usage_error "test: unexpected argument '$1' (use --preset $1)" ;;
    esac
  done
  ((${#presets[@]})) || presets=("${TEST_PRESETS[@]}" fuzz)
  cd "$ROOT"
  bootstrap

  local -a lines=() failed=()
  local p status start line total_start=$SECONDS
  local fuzz=0
  for p in "${presets[@]}"; do
    # fuzz has no ctest: it runs last, after the Python tests.
    if [[ "$p" == fuzz ]]; then fuzz=1; continue; fi
    start=$SECONDS
    rm -f "build/$p/qb-ctest.log"  # a failed build leaves no older run's failures for the summary
    if ! build_preset "$p"; then
      status="FAILED (build)"
    elif ! run_ctest "$p"; then
      status="FAILED (tests)"
    else
      status=passed
    fi
    [[ "$status" == passed ]] || failed+=("$p")
    line="$(printf '%-7s %-15s %5d s' "$p" "$status" $((SECONDS - start)))"
    lines+=("$line")
    printf 'qb test: %s\n' "$line"
  done

  if [[ -d tests/python ]] && [[ -n "$(find tests/python -name 'test_*.py' -print -quit)" ]]; then
    start=$SECONDS
    # No cache provider: it would leave an untracked .pytest_cache in the tree.
    if "$PYTHON" -m pytest -q -p no:cacheprovider tests/python; then
      status=passed
    else
      status="FAILED (tests)"
      failed+=(python)
    fi
    line="$(printf '%-7s %-15s %5d s' python "$status" $((SECONDS - start)))"
    lines+=("$line")
    printf 'qb test: %s\n' "$line"
  fi

  if ((fuzz)); then
    start=$SECONDS
    if run_fuzz "${QB_FUZZ_SECONDS:-60}"; then status=passed; else status="FAILED (fuzz)"; failed+=(fuzz); fi
    line="$(printf '%-7s %-15s %5d s' fuzz "$status" $((SECONDS - start)))"
    lines+=("$line")
    printf 'qb test: %s\n' "$line"
  fi

  printf '\nqb test: summary\n'
  for p in "${failed[@]}"; do
    case "$p" in python | fuzz) ;; *) print_failed_tests "$p" ;; esac
  done
  printf '  %s\n' "${lines[@]}"
  if ((${#failed[@]})); then
    printf 'qb test: FAILED (%s) in %d s\n' "${failed[*]}" $((SECONDS - total_start))
    return 1
  fi
  printf 'qb test: all passed in %d s\n' $((SECONDS - total_start))
}

# Runs every fuzz target for $1 seconds; non-zero when the build failed or a
# target found something (libFuzzer exits non-zero). Called from `if` in
# cmd_test, where set -e is off, hence the explicit returns.
run_fuzz() {
  command -v clang++ >/dev/null || { printf 'qb: clang++ not found: the fuzz preset needs Debian package clang\n' >&2; return 1; }
  build_preset fuzz || return
  local work name rc=0
  # Outside the tree, so a run changes neither the corpus nor the tree;
  # absolute, as fuzz_cli runs from scenarios/.
  work="$(mktemp -d "${TMPDIR:-/tmp}/qb-fuzz.XXXXXX")"
  for name in "${FUZZ_TARGETS[@]}"; do
    cp -r "tests/fuzz/corpus/${name#fuzz_}" "$work/$name"
    mkdir "$work/$name-artifacts"
  done
  # The targets run side by side: each is one single-threaded process, so on
  # two cores both get their SECONDS of a core, in half the wall time.
  local -a pids=()
  printf 'qb fuzz: %s for %d s each, side by side\n' "${FUZZ_TARGETS[*]}" "$1"
  for name in "${FUZZ_TARGETS[@]}"; do
    "build/fuzz/tests/fuzz/$name" -max_total_time="$1" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$name-artifacts/" "$work/$name" >"$work/$name.log" 2>&1 &
    pids+=($!)
  done
  local i
  for i in "${!FUZZ_TARGETS[@]}"; do
    name="${FUZZ_TARGETS[$i]}"
    if ! wait "${pids[$i]}"; then
      tail -n 40 "$work/$name.log" >&2
      printf 'qb fuzz: %s FAILED; its log and input are in %s\n' "$name" "$work" >&2
      rc=1
    else
      printf 'qb fuzz: %s\n' "$name"
      grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added):' "$work/$name.log" | sed 's/^/  /'
    fi
  done
  ((rc)) || rm -rf "$work"
  return "$rc"
}

cmd_fuzz() {
  local seconds="${QB_FUZZ_SECONDS:-60}"
  case "${1:-}" in
    -h | --help) usage_fuzz; return 0 ;;
    "") ;;
    *) [[ "$1" =~ ^[1-9][0-9]*$ ]] || usage_error "fuzz: '$1' is not a whole number of seconds"
       seconds="$1"; shift ;;
  esac
  (($# == 0)) || usage_error "fuzz: unexpected argument '$1'"
  cd "$ROOT"
  bootstrap
  run_fuzz "$seconds"
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  fuzz) shift; cmd_fuzz "$@" ;;
  *) usage_error "qb_test.sh: the first argument is test or fuzz (run it as ./scripts/qb test|fuzz)" ;;
esac
