#!/usr/bin/env bash
# The hdr_interop_java test: qb's HdrHistogram encoding against Debian's
# reference Java implementation, in both directions.
#   run_interop.sh HDR_FIXTURE JAVA CLASSPATH WORK_DIR
# C++ encodes -> Java decodes and checks; Java encodes -> C++ decodes and
# checks. The two TSV files stay in WORK_DIR for a failure to be read.
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 HDR_FIXTURE JAVA CLASSPATH WORK_DIR" >&2
  exit 2
fi
fixture=$1 java=$2 classpath=$3 work=$4

mkdir -p "$work"
"$fixture" >"$work/cpp_encoded.tsv"
"$java" -cp "$classpath" HdrDecodeCheck "$work/cpp_encoded.tsv" "$work/java_encoded.tsv"
"$fixture" --check-java "$work/java_encoded.tsv"
