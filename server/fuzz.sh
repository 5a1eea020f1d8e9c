#!/usr/bin/env bash
# Fuzzes the parsers of untrusted bytes with Jazzer, each target for the maxDuration of its
# @FuzzTest (5 minutes), one after the other:
#
#   server/fuzz.sh                                  # every target (about 25 minutes)
#   server/fuzz.sh dev.licnn.fuzz.ImageFuzzTest#prepare
#
# A finding fails the run; Jazzer saves the input as crash-<sha1> next to the seed corpus
# (src/test/resources/.../<Class>Inputs/<method>/), where every later build runs it as a
# regression test once it is committed. The corpus grown while fuzzing stays in .cifuzz-corpus/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
targets=(
  dev.licnn.fuzz.ImageFuzzTest#prepare
  dev.licnn.fuzz.ModelFilesFuzzTest#safetensors
  dev.licnn.fuzz.ModelFilesFuzzTest#modelFolder
  dev.licnn.server.RequestFuzzTest#explainRequest
  dev.licnn.server.RequestFuzzTest#tensor
)
[ $# -gt 0 ] && targets=("$@")
failed=()
for t in "${targets[@]}"; do
  echo "fuzz: $t" >&2
  if ! JAZZER_FUZZ=1 nice mvn -B -ntp -q -pl server -am test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no findings in ${#targets[@]} target(s)" >&2
