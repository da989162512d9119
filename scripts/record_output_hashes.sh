#!/bin/sh
# Records cmd/holobiont/testdata/output-hashes.tsv, the table of the hash test (cmd/holobiont/hash_test.go):
# builds holobiont at COMMIT (default: ca3f5e6, main before the run-pipeline refactor of issue 9) in a
# temporary git worktree, then runs the hash test's commands (every shipped model and scenario, every example
# scenario, the example cohort and trial specs shrunk to 10 subjects, sbml export and sbml run) with that
# binary and writes the SHA-256 of every output file.
#   sh scripts/record_output_hashes.sh            # from the pre-refactor commit
#   sh scripts/record_output_hashes.sh HEAD       # after a deliberate output change (say why in the commit)
set -eu
commit=${1:-ca3f5e6}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add --detach "$tmp/src" "$commit" >/dev/null
(cd "$tmp/src" && CGO_ENABLED=0 go build -o "$tmp/holobiont" ./cmd/holobiont)
cd "$root"
HOLOBIONT_BIN="$tmp/holobiont" HOLOBIONT_HASH_RECORD="$root/cmd/holobiont/testdata/output-hashes.tsv" \
  go test -count=1 -run '^TestOutputHashes$' ./cmd/holobiont
{ echo "# recorded from the binary built at $(git -C "$root" rev-parse --short "$commit")"; cat cmd/holobiont/testdata/output-hashes.tsv; } > "$tmp/t" && mv "$tmp/t" cmd/holobiont/testdata/output-hashes.tsv
wc -l cmd/holobiont/testdata/output-hashes.tsv
