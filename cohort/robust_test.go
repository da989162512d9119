package cohort

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// dirState lists every file under dir with its SHA-256.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%s %x", rel, sha256.Sum256(b)))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestRefusedRunChangesNothing: rerunning into a complete cohort folder
// with another holobiont version, or as a shard, is refused and leaves
// every byte as it was (the version rerun deleted manifest.json first; the
// shard run exited 0 and replaced manifest.json with shard.json). A rerun
// of the same run gives the same bytes; a shard folder refuses another
// shard, and an unsharded run completes it.
func TestRefusedRunChangesNothing(t *testing.T) {
	ctx := context.Background()
	d := t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	before := dirState(t, d)
	for _, c := range []struct {
		name string
		opt  Options
		want string
	}{
		{"other version", Options{Version: "v2"}, "different spec or version"},
		{"shard", Options{Version: "v1", Shard: Shard{I: 0, N: 2}}, "holds a complete run (manifest.json)"},
	} {
		err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if got := dirState(t, d); got != before {
			t.Errorf("%s: the refused run changed the folder", c.name)
		}
	}
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	if got := dirState(t, d); got != before {
		t.Errorf("rerunning the same run changed bytes")
	}

	s0 := t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), s0, Options{Version: "v1", Shard: Shard{I: 0, N: 2}}); err != nil {
		t.Fatal(err)
	}
	shardState := dirState(t, s0)
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), s0, Options{Version: "v1", Shard: Shard{I: 1, N: 2}}); err == nil || !strings.Contains(err.Error(), "holds shard 0/2") {
		t.Errorf("shard 1/2 into shard 0/2's folder: %v", err)
	}
	if got := dirState(t, s0); got != shardState {
		t.Errorf("the refused shard changed the folder")
	}
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), s0, Options{Version: "v1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s0, "shard.json")); err == nil {
		t.Error("a shard folder completed by an unsharded run still has shard.json")
	}
	sameOutputs(t, d, s0)
}

// TestDamagedChunkRecomputed: a flipped byte in a checkpoint chunk is
// caught by its checksum on resume; the chunk is recomputed (with a
// warning) and the outputs are those of an undamaged run (the damaged
// chunk was used in 4 of 5 tries and the manifest recorded its results).
func TestDamagedChunkRecomputed(t *testing.T) {
	ctx := context.Background()
	d, ref := t.TempDir(), t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), ref, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(d, FileManifest)) // as after a kill
	b, _ := os.ReadFile(chunkPath(d, 1))
	b[len(b)/3] ^= 0x04
	os.WriteFile(chunkPath(d, 1), b, 0o644)
	var warned []string
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{Warn: func(m string) { warned = append(warned, m) }}); err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "chunk-000001.gob") || !strings.Contains(warned[0], "recomputing chunk 1") {
		t.Errorf("warnings %q", warned)
	}
	sameOutputs(t, ref, d)
}

// TestMergeDamagedChunk: a merge with a damaged chunk is refused naming the
// chunk, before writing anything (it left out/layout.json behind).
func TestMergeDamagedChunk(t *testing.T) {
	ctx := context.Background()
	var shards []string
	for i := range 2 {
		s := t.TempDir()
		if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), s, Options{Shard: Shard{I: i, N: 2}}); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, s)
	}
	b, _ := os.ReadFile(chunkPath(shards[1], 2))
	b[10] ^= 0x80
	os.WriteFile(chunkPath(shards[1], 2), b, 0o644)
	out := filepath.Join(t.TempDir(), "merged")
	err := Assemble(ctx, shards, out)
	if err == nil || !strings.Contains(err.Error(), "chunk 2: "+chunkPath(shards[1], 2)) {
		t.Errorf("error %v, want one naming chunk 2", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("the refused merge left %s: %s", out, dirState(t, out))
	}
	if _, err := StageShards(ctx, shards, out); err == nil {
		t.Error("StageShards accepted a damaged chunk")
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("the refused staging left %s", out)
	}
}

// TestResumeRemovesPartialFiles: the temporary files of an assembly that was
// killed (".counts.biom.partial-NNN", a spill folder) are removed when the
// run resumes (they survived every resume).
func TestResumeRemovesPartialFiles(t *testing.T) {
	ctx := context.Background()
	d := t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(d, FileManifest))
	stale := []string{filepath.Join(d, ".counts.biom.partial-123456"), filepath.Join(d, "mdsine", ".counts.txt.partial-99"),
		filepath.Join(d, ".assemble-spill-42", "x")}
	for _, p := range stale {
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("half"), 0o644)
	}
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s survived the resume", p)
		}
	}
}

// TestSpecErrorsSayWhere: an empty spec names its file; a bad sequencing
// value is reported at its own line; a trial analysis naming a missing arm
// says so.
func TestSpecErrorsSayWhere(t *testing.T) {
	if _, err := ParseSpec("empty.yaml", nil); err == nil || !strings.HasPrefix(err.Error(), "empty.yaml: n must be >= 1") {
		t.Errorf("empty spec: %v", err)
	}
	src := "n: 4\nduration: 10\nsequencing:\n  depth: {dist: lognormal, mean: 5000, sigma: 0.3}\n  precision: 500\n  noise: dirichlet-multinomal\n"
	if _, err := ParseSpec("noise.yaml", []byte(src)); err == nil || !strings.HasPrefix(err.Error(), "noise.yaml:6:10: unknown count noise") {
		t.Errorf("noise: %v", err)
	}
	if _, err := ParseSpec("huge.yaml", []byte("n: 1e12\nduration: 10\n")); err == nil || !strings.HasPrefix(err.Error(), "huge.yaml:1:4: n = 1000000000000 subjects is more than one run holds") {
		t.Errorf("n: 1e12: %v", err)
	}
	trial := `n: 8
duration: 5
endpoints:
  - {name: cort, variable: host.cortisol, time: 5}
interventions:
  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 0, duration: 5}
arms:
  - {name: placebo}
  - {name: probiotic, interventions: [pro]}
analysis:
  - {endpoint: cort, control: placebo, treatment: probiotc}
`
	if _, err := ParseTrialSpec("t.yaml", []byte(trial)); err == nil || !strings.HasPrefix(err.Error(), `t.yaml:11:51: analysis: treatment arm "probiotc" is not one of the trial's arms (placebo, probiotic)`) {
		t.Errorf("trial arm: %v", err)
	}
}
