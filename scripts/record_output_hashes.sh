#!/bin/sh
# Records cmd/holobiont/testdata/output-hashes.tsv, the table of the hash test (cmd/holobiont/hash_test.go):
# builds holobiont at COMMIT (default: ca3f5e6, main before the run-pipeline refactor of issue 9) in a
# temporary git worktree, or from the working tree when COMMIT is "worktree", then runs the hash test's
# commands (every shipped model and scenario, every example scenario, the example cohort and trial specs
# shrunk to 10 subjects, sbml export and sbml run) with that binary and writes the SHA-256 of every output.
#   sh scripts/record_output_hashes.sh              # from the pre-refactor commit
#   sh scripts/record_output_hashes.sh worktree     # after a deliberate output change: list it, with the
#                                                   # reason, in cmd/holobiont/testdata/output-hashes.md
#   sh scripts/record_output_hashes.sh ca3f5e6 /tmp/old.tsv   # write elsewhere (to compare two binaries)
set -eu
commit=${1:-ca3f5e6}
table=${2:-cmd/holobiont/testdata/output-hashes.tsv}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
if [ "$commit" = worktree ]; then
  (cd "$root" && CGO_ENABLED=0 go build -o "$tmp/holobiont" ./cmd/holobiont)
  from="the working tree at $(git -C "$root" rev-parse --short HEAD) (see output-hashes.md)"
else
  git -C "$root" worktree add --detach "$tmp/src" "$commit" >/dev/null
  (cd "$tmp/src" && CGO_ENABLED=0 go build -o "$tmp/holobiont" ./cmd/holobiont)
  from=$(git -C "$root" rev-parse --short "$commit")
fi
cd "$root"
HOLOBIONT_BIN="$tmp/holobiont" HOLOBIONT_HASH_RECORD="$tmp/table" \
  go test -count=1 -run '^TestOutputHashes$' ./cmd/holobiont
{ echo "# recorded from the binary built from $from"; cat "$tmp/table"; } > "$table"
wc -l "$table"
