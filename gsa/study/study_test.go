package study

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/chunks"
)

func compile(t *testing.T, path string) *Plan {
	t.Helper()
	s, err := LoadSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readTSV returns the rows of a TSV file keyed by the first columns joined
// with "/" (nkey of them).
func readTSV(t *testing.T, path string, nkey int) (header []string, rows map[string][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows = map[string][]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 {
			header = f
			continue
		}
		rows[strings.Join(f[:nkey], "/")] = f
	}
	return header, rows
}

func pnum(t *testing.T, s string) float64 {
	t.Helper()
	if s == "NA" {
		return math.NaN()
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestSobolLinear: x(t) = (p1 + 2 p2) t with uniform p: S1 = ST = (0.2,
// 0.8, 0) for x(10), its AUC and x at t = 5, 10 (NaN at t = 0 where x has
// no variance); the peak time is constant (NA).
func TestSobolLinear(t *testing.T) {
	dir := t.TempDir()
	p := compile(t, "testdata/sobol-linear.yaml")
	if err := Run(context.Background(), p, dir, Options{Workers: 2, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	_, rows := readTSV(t, filepath.Join(dir, FileIndices), 2)
	want := map[string]float64{"p1": 0.2, "p2": 0.8, "p3": 0}
	for _, out := range []string{"x10", "x_auc"} {
		for par, w := range want {
			r := rows[out+"/"+par]
			if s1, st := pnum(t, r[2]), pnum(t, r[4]); math.Abs(s1-w) > 0.02 || math.Abs(st-w) > 0.01 {
				t.Errorf("%s %s: S1 %v ST %v, want %v", out, par, s1, st, w)
			}
		}
	}
	if r := rows["x_peak_time/p1"]; r[2] != "NA" {
		t.Errorf("constant output: S1 = %s, want NA", r[2])
	}
	_, trows := readTSV(t, filepath.Join(dir, FileIndicesTime), 3)
	for _, tm := range []string{"5", "10"} {
		for par, w := range want {
			r := trows["x/"+tm+"/"+par]
			if st := pnum(t, r[5]); math.Abs(st-w) > 0.01 {
				t.Errorf("x at %s, %s: ST %v, want %v", tm, par, st, w)
			}
		}
	}
	if r := trows["x/0/p1"]; r[3] != "NA" {
		t.Errorf("x at 0: S1 %s, want NA", r[3])
	}
	var m Manifest
	b, _ := os.ReadFile(filepath.Join(dir, FileManifest))
	if err := json.Unmarshal(b, &m); err != nil || m.Runs != 256*8 || len(m.Files) != 7 {
		t.Errorf("manifest %+v, %v", m, err)
	}
}

// TestDeterminism: 1 worker, 2 workers, and two shards merged give the same
// bytes in every output file; a rerun resumes from the chunks.
func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	for _, spec := range []string{"testdata/sobol-linear.yaml", "testdata/morris-hpa.yaml"} {
		one, two, s0, s1, merged := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
		if err := Run(ctx, compile(t, spec), one, Options{Workers: 1, Version: "test"}); err != nil {
			t.Fatal(err)
		}
		if err := Run(ctx, compile(t, spec), two, Options{Workers: 2, Version: "test"}); err != nil {
			t.Fatal(err)
		}
		for i, d := range []string{s0, s1} {
			if err := Run(ctx, compile(t, spec), d, Options{Workers: 2, Shard: chunks.Shard{I: i, N: 2}, Version: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := Finish(ctx, []string{s0, s1}, merged); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(one, "*.*"))
		if len(files) < 6 {
			t.Fatalf("%s: only %v written", spec, files)
		}
		for _, f := range files {
			a, _ := os.ReadFile(f)
			for _, d := range []string{two, merged} {
				b, err := os.ReadFile(filepath.Join(d, filepath.Base(f)))
				if err != nil || !bytes.Equal(a, b) {
					t.Errorf("%s: %s differs between 1 worker and %s (%v)", spec, filepath.Base(f), d, err)
				}
			}
		}
		// Resume: remove a chunk and the manifest; rerun recomputes only it.
		os.Remove(chunks.Path(one, 0))
		os.Remove(filepath.Join(one, FileManifest))
		if err := Run(ctx, compile(t, spec), one, Options{Workers: 2, Version: "test"}); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(filepath.Join(one, FileIndicesJSON))
		b, _ := os.ReadFile(filepath.Join(two, FileIndicesJSON))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: resumed run differs", spec)
		}
		// Another version refuses the directory.
		if err := Run(ctx, compile(t, spec), one, Options{Version: "other"}); err == nil {
			t.Errorf("%s: a run of another version reused the directory", spec)
		}
	}
}

// TestMorrisLinear: elementary effects of x(10) = 10 (p1 + 2 p2) on the
// unit scale are 10 and 20 (σ = 0); those of x(5) half that.
func TestMorrisLinear(t *testing.T) {
	dir := t.TempDir()
	if err := Run(context.Background(), compile(t, "testdata/morris-linear.yaml"), dir, Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	_, rows := readTSV(t, filepath.Join(dir, FileIndices), 2)
	for par, w := range map[string]float64{"p1": 10, "p2": 20, "p3": 0} {
		r := rows["x10/"+par]
		if mu, sig := pnum(t, r[2]), pnum(t, r[4]); math.Abs(mu-w) > 1e-6*math.Max(1, w) || sig > 1e-6 {
			t.Errorf("x10 %s: mu %v sigma %v, want %v and 0", par, mu, sig, w)
		}
	}
	_, trows := readTSV(t, filepath.Join(dir, FileIndicesTime), 3)
	if mu := pnum(t, trows["x/5/p2"][3]); math.Abs(mu-10) > 1e-6 {
		t.Errorf("x at 5, p2: mu %v, want 10", mu)
	}
}

// TestExamplesCompile: the shipped gsa and vpop examples parse and compile
// against their models.
func TestExamplesCompile(t *testing.T) {
	files, _ := filepath.Glob("../../examples/gsa-*.yaml")
	vp, _ := filepath.Glob("../../examples/vpop-*.yaml")
	files = append(files, vp...)
	if len(files) < 3 {
		t.Fatalf("examples: %v", files)
	}
	for _, f := range files {
		compile(t, f)
	}
}
