package cohort

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func loadPlan(t *testing.T, path string) *Plan {
	t.Helper()
	return editedPlan(t, path)
}

// editedPlan compiles the spec at path with each old → new replacement
// (pairs of strings) applied to its text; a replacement that does not
// match fails the test.
func editedPlan(t *testing.T, path string, oldNew ...string) *Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k+1 < len(oldNew); k += 2 {
		if !bytes.Contains(data, []byte(oldNew[k])) {
			t.Fatalf("%s has no %q to replace", path, oldNew[k])
		}
		data = bytes.Replace(data, []byte(oldNew[k]), []byte(oldNew[k+1]), 1)
	}
	s, err := ParseSpec(path, data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var outputFiles = []string{FileSubjects, FileSubjectsParquet, FileSamples, FileSamplesParquet, FileMeasurements,
	FileMetadata, FileBIOM, FileBIOMJSON, FileTruthAbundance, FileTruth, FileManifest}

func sameOutputs(t *testing.T, a, b string) {
	t.Helper()
	for _, f := range outputFiles {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", f, err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", f, a, b)
		}
	}
}

// TestDeterminism: 1 worker, 2 workers, and 3 shards merged give identical bytes.
func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	p := loadPlan(t, "testdata/small.yaml")
	d1, d2, dm := t.TempDir(), t.TempDir(), t.TempDir()
	if err := Run(ctx, p, d1, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d2, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, d1, d2)
	var shards []string
	for i := 0; i < 3; i++ {
		d := t.TempDir()
		if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{Workers: 2, Shard: Shard{I: i, N: 3}}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(d, FileManifest)); err == nil {
			t.Error("a shard wrote a complete-looking manifest")
		}
		shards = append(shards, d)
	}
	// Missing shard: clear error, no manifest.
	if err := Assemble(ctx, shards[:2], dm); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("merge of 2 of 3 shards: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dm, FileManifest)); err == nil {
		t.Error("incomplete merge left a manifest")
	}
	if err := Assemble(ctx, shards, dm); err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, d1, dm)

	// Different spec: refuse to merge.
	other := t.TempDir()
	p2 := editedPlan(t, "testdata/small.yaml", "seed: 42", "seed: 43")
	if err := Run(ctx, p2, other, Options{Shard: Shard{I: 0, N: 3}}); err != nil {
		t.Fatal(err)
	}
	if err := Assemble(ctx, []string{other, shards[1], shards[2]}, t.TempDir()); err == nil || !strings.Contains(err.Error(), "different spec") {
		t.Errorf("merge of different specs: %v", err)
	}
}

// TestShardsShareWork: a cohort of fewer chunks than shards (10 subjects
// in one chunk of 64, 4 shards) is split so that every shard simulates
// subjects, and the merge is byte-identical to the unsharded run.
func TestShardsShareWork(t *testing.T) {
	ctx := context.Background()
	plan := func() *Plan { return editedPlan(t, "testdata/small.yaml", "chunk: 4", "chunk: 64") }
	ref := t.TempDir()
	if err := Run(ctx, plan(), ref, Options{}); err != nil {
		t.Fatal(err)
	}
	var shards []string
	for i := 0; i < 4; i++ {
		d := t.TempDir()
		if err := Run(ctx, plan(), d, Options{Shard: Shard{I: i, N: 4}}); err != nil {
			t.Fatal(err)
		}
		got, _ := filepath.Glob(filepath.Join(d, "chunks", "*.gob"))
		if len(got) == 0 {
			t.Errorf("shard %d/4 simulated nobody", i)
		}
		shards = append(shards, d)
	}
	merged := t.TempDir()
	if err := Assemble(ctx, shards, merged); err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, ref, merged)
}

// TestResume: removing a chunk and the manifest (a run killed mid-way)
// recomputes only that chunk and gives the same bytes; other chunks are
// reused (we poison one and see it kept).
func TestResume(t *testing.T) {
	ctx := context.Background()
	d := t.TempDir()
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{}); err != nil {
		t.Fatal(err)
	}
	ref := t.TempDir()
	for _, f := range outputFiles {
		b, _ := os.ReadFile(filepath.Join(d, f))
		os.WriteFile(filepath.Join(ref, f), b, 0o644)
	}
	os.Remove(filepath.Join(d, FileManifest))
	os.Remove(chunkPath(d, 1))
	// Poison chunk 0 so that recomputing it would be detected.
	cf, err := readChunk(chunkPath(d, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, loadPlan(t, "testdata/small.yaml"), d, Options{}); err != nil {
		t.Fatal(err)
	}
	sameOutputs(t, ref, d)
	cf2, _ := readChunk(chunkPath(d, 0))
	if cf2.Subjects[0].Params[0] != cf.Subjects[0].Params[0] {
		t.Error("chunk 0 changed on resume")
	}
	// A cancelled run leaves no manifest.
	d2 := t.TempDir()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := Run(cctx, loadPlan(t, "testdata/small.yaml"), d2, Options{}); err == nil {
		t.Error("cancelled run returned nil")
	}
	if _, err := os.Stat(filepath.Join(d2, FileManifest)); err == nil {
		t.Error("cancelled run left a manifest")
	}
}

// TestSubjectDependsOnlyOnIndex: subject 5 of a 10-subject cohort equals
// subject 5 of a 6-subject cohort with the same seed.
func TestSubjectDependsOnlyOnIndex(t *testing.T) {
	p := loadPlan(t, "testdata/small.yaml")
	p2 := editedPlan(t, "testdata/small.yaml", "n: 10", "n: 6")
	r, err := p.NewRunner()
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p2.NewRunner()
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.Simulate(context.Background(), r, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p2.Simulate(context.Background(), r2, 5, nil)
	if a.Params[1] != b.Params[1] || a.Samples[0].Depth != b.Samples[0].Depth || a.Measures[0][0] != b.Measures[0][0] {
		t.Error("subject 5 depends on n")
	}
}

// TestCopula draws many subjects and checks the marginals (KS-style
// quantile checks) and the normal-score correlation against the spec.
func TestCopula(t *testing.T) {
	spec := `name: copula
n: 4000
seed: 7
duration: 1
parameters:
  r_Cu: {dist: normal, mean: 1.2, sd: 0.2, lower: 0}
  sigma_S: {dist: lognormal, median: 1, sdlog: 0.5}
  niche_open: {dist: categorical, values: [0, 1], probs: [0.7, 0.3]}
covariates:
  age: {dist: uniform, lower: 20, upper: 60}
correlations:
  - {a: r_Cu, b: sigma_S, r: 0.6}
  - {a: age, b: sigma_S, r: -0.3}
`
	s, err := ParseSpec("copula.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	n := s.N
	cols := make([][]float64, 4) // niche_open, r_Cu, sigma_S, age
	for i := 0; i < n; i++ {
		par, _, cn := p.Draw(i)
		cols[0] = append(cols[0], par[0])
		cols[1] = append(cols[1], par[1])
		cols[2] = append(cols[2], par[2])
		cols[3] = append(cols[3], cn[0])
	}
	// Marginals: fraction of niche_open = 0.3 ± 4 SE; r_Cu mean 1.2 ± 4 SE; sigma_S median 1.
	se := math.Sqrt(0.3 * 0.7 / float64(n))
	if m := stat.Mean(cols[0], nil); math.Abs(m-0.3) > 4*se {
		t.Errorf("niche_open fraction %v want 0.3", m)
	}
	if m := stat.Mean(cols[1], nil); math.Abs(m-1.2) > 4*0.2/math.Sqrt(float64(n)) {
		t.Errorf("r_Cu mean %v want 1.2", m)
	}
	x := append([]float64(nil), cols[2]...)
	sort.Float64s(x)
	// median of a lognormal sample: se ≈ 1.2533·σ·median/√n on the log scale.
	if med := stat.Quantile(0.5, stat.Empirical, x, nil); math.Abs(math.Log(med)) > 4*1.2533*0.5/math.Sqrt(float64(n)) {
		t.Errorf("sigma_S median %v want 1", med)
	}
	// Normal scores recover the copula correlation: r̂ within 4/√n.
	ns := func(v []float64, d *Dist) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			var u float64
			switch d.Dist {
			case "uniform":
				u = (x - d.lo) / (d.hi - d.lo)
			default:
				u = (d.cdf(x) - d.cdf(d.lo)) / (d.cdf(d.hi) - d.cdf(d.lo))
			}
			out[i] = distuv.UnitNormal.Quantile(u)
		}
		return out
	}
	zr := ns(cols[1], s.Parameters["r_Cu"])
	zs := ns(cols[2], s.Parameters["sigma_S"])
	za := ns(cols[3], s.Covariates["age"])
	for _, c := range []struct {
		a, b []float64
		r    float64
	}{{zr, zs, 0.6}, {za, zs, -0.3}, {zr, za, 0}} {
		got := stat.Correlation(c.a, c.b, nil)
		if se := (1 - c.r*c.r) / math.Sqrt(float64(n)); math.Abs(got-c.r) > 4*se {
			t.Errorf("normal-score correlation %v want %v ± %v", got, c.r, 4*se)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	base := "name: x\nn: 3\nseed: 1\nduration: 5\n"
	for _, tc := range []struct {
		yaml, want string
	}{
		{base + "parameters:\n  r_Cu: {dist: normal, mean: 1, sd: -1}\n", "x.yaml:6:9: parameter r_Cu: negative sd"},
		{base + "parameters:\n  r_Cu: {dist: uniform, lower: 2, upper: 1}\n", "lower 2 > upper 1"},
		{base + "parameters:\n  no_such: {dist: uniform, lower: 0, upper: 1}\n", `x.yaml:6:12: unknown parameter "no_such"`},
		{base + "parameters:\n  r_Cu: {dist: normal, mean: 1, sd: 1}\n", "add lower/upper to truncate"},
		{base + "bogus: 1\n", `x.yaml:5:1: unknown field "bogus"`},
		{base + "parameters:\n  r_Cu: {dist: uniform, lower: 1, upper: 2}\n  r_Se: {dist: uniform, lower: 1, upper: 2}\n  r_Co: {dist: uniform, lower: 1, upper: 2}\ncorrelations:\n  - {a: r_Cu, b: r_Se, r: 0.9}\n  - {a: r_Cu, b: r_Co, r: 0.9}\n  - {a: r_Se, b: r_Co, r: -0.9}\n", "not positive definite"},
		{base + "correlations:\n  - {a: r_Cu, b: r_Se, r: 0.5}\n", "not a parameter or covariate"},
		{base + "sampling:\n  - {times: [1], sites: [elbow]}\n", `unknown site "elbow"`},
		{base + "sampling:\n  - {times: [9], sites: [face]}\n", "outside the scenario"},
		{base + "endpoints:\n  - {name: e, variable: host.nothing}\n", `unknown variable "host.nothing"`},
		{base + "measurements:\n  - {name: m, instrument: thermometer, times: [1]}\n", `unknown instrument "thermometer"`},
		{base + "sequencing: {noise: dirichlet-multinomial}\n", "precision must be > 0"},
		{"name: x\nn: 0\n", "x.yaml:2:4: n must be >= 1"},
		{base + "parameters:\n  niche_open: {dist: categorical, values: [0, 1], probs: [0.5, 0.6]}\n", "sum to 1.1"},
		{base + "n: [\n", "x.yaml"},
	} {
		s, err := ParseSpec("x.yaml", []byte(tc.yaml))
		if err == nil {
			_, err = Compile(s)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("spec\n%s\nerror %v, want %q", tc.yaml, err, tc.want)
		}
	}
	for _, s := range []string{"3/3", "-1/2", "1/0", "a/b", "1"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("shard %q accepted", s)
		}
	}
	if sh, err := ParseShard("2/3"); err != nil || sh != (Shard{I: 2, N: 3}) {
		t.Errorf("shard 2/3: %v %v", sh, err)
	}
}

func FuzzParseSpec(f *testing.F) {
	data, _ := os.ReadFile("testdata/small.yaml")
	f.Add(data)
	f.Add([]byte("n: 1\nduration: 1\nparameters: {r_Cu: {dist: normal}}\n"))
	f.Add([]byte("correlations: [{a: x, b: y, r: 2}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSpec("fuzz.yaml", b)
		if err != nil {
			return
		}
		if s.N < 1 || s.Chunk < 1 || !(s.Grid > 0) {
			t.Errorf("accepted invalid spec: n=%d chunk=%d grid=%v", s.N, s.Chunk, s.Grid)
		}
	})
}
