package cohort

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/system"
)

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Shard selects part I (0-based) of N of a cohort's chunks.
type Shard struct{ I, N int }

// ParseShard reads "i/N" (0 <= i < N) for a cohort of nChunks chunks.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{0, 1}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %q: want i/N, e.g. 0/4", s)
	}
	if n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("--shard %q: index %d out of range [0, %d)", s, i, n)
	}
	return Shard{i, n}, nil
}

// Layout is what assembling outputs needs to know about a plan: column
// names, features and sample points. It is stored in every run directory
// so that Merge needs only the directories.
type Layout struct {
	SpecHash     string
	Name         string
	N, Chunk     int
	Seed         uint64
	Params, Covs []string
	Endpoints    []string
	Measures     []string
	MeasureTimes [][]float64
	Instruments  []string
	Sites        []string   // per sample point
	Times        []float64  // per sample point
	SiteMembers  [][]string // per sample point: member short names
	SiteFeature  [][]int    // per sample point: feature indices
	Features     []string
	Taxonomy     [][]string
	Truth        []string
	TruthTimes   []float64
	Arms         []string `json:",omitempty"`
	CovNumeric   []bool
	// TypesRow: sample-metadata.tsv carries a "#q2:types" row, needed only
	// when a categorical column holds values that all read as numbers (QIIME 2
	// would infer numeric). Without it phyloseq's import_qiime_sample_data
	// keeps numeric columns numeric (it reads the row as a sample).
	TypesRow bool `json:",omitempty"`
	// Perturbations are the intervention windows (MDSINE perturbIDs 1..).
	Perturbations []Perturbation `json:",omitempty"`
	Provenance    Provenance
}

func (p *Plan) layout() *Layout {
	s := p.Spec
	l := &Layout{SpecHash: s.Hash, Name: s.Name, N: s.N, Chunk: s.Chunk, Seed: s.Seed,
		Params: p.ParamIDs, Covs: p.CovIDs, Features: p.Features, Taxonomy: p.Taxonomy, TruthTimes: p.OutTimes}
	for _, e := range p.Endpoints {
		l.Endpoints = append(l.Endpoints, e.Name)
	}
	for _, m := range p.Measures {
		l.Measures = append(l.Measures, m.Name)
		l.MeasureTimes = append(l.MeasureTimes, m.Times)
		l.Instruments = append(l.Instruments, m.Inst.Name)
	}
	for _, sp := range p.Samples {
		si := p.Sites[sp.site]
		l.Sites = append(l.Sites, sp.Site)
		l.Times = append(l.Times, sp.Time)
		l.SiteMembers = append(l.SiteMembers, si.Members)
		l.SiteFeature = append(l.SiteFeature, si.Feature)
	}
	for _, q := range p.Truth {
		l.Truth = append(l.Truth, q.Text)
	}
	if len(p.Truth) == 0 {
		l.TruthTimes = nil
	}
	l.Arms = p.arms
	l.Perturbations = p.perts.list
	l.Provenance = p.prov
	for _, c := range p.CovIDs {
		d := p.Spec.Covariates[c]
		l.CovNumeric = append(l.CovNumeric, !d.Categorical())
		if d.Categorical() && allNumbers(d.labels) {
			l.TypesRow = true
		}
	}
	if allNumbers(l.Arms) && len(l.Arms) > 0 {
		l.TypesRow = true
	}
	return l
}

// NumChunks returns the number of checkpoint chunks of the cohort.
func (l *Layout) NumChunks() int { return (l.N + l.Chunk - 1) / l.Chunk }

// chunkRange returns the chunks [k0, k1) of shard sh.
func chunkRange(nChunks int, sh Shard) (int, int) {
	return sh.I * nChunks / sh.N, (sh.I + 1) * nChunks / sh.N
}

type chunkFile struct {
	SpecHash string
	Chunk    int
	Subjects []*Subject
}

func chunkPath(dir string, k int) string {
	return filepath.Join(dir, "chunks", fmt.Sprintf("chunk-%06d.gob", k))
}

// Options control a cohort run.
type Options struct {
	Workers int   // <= 0: all cores
	Shard   Shard // zero value: the whole cohort
	// Progress, if set, is called with subjects done (including resumed
	// ones) and the shard's total.
	Progress func(done, total int)
	// Runner simulates one subject; nil uses Plan.Simulate with the
	// plan's schedule. (Trials set it to run the subject's arm.)
	Runner func(ctx context.Context, sys *system.System, i int) (*Subject, error)
	// Version is the program version recorded in the layout and manifest.
	// A directory holding chunks of another version is refused (resume
	// and merge need the same version).
	Version string
}

// ShardManifest is written (atomically, last) by a sharded run.
type ShardManifest struct {
	SpecHash       string
	Shard, Of      int
	Chunk0, Chunk1 int
}

// Run simulates the plan's subjects (the chunks of opt.Shard) into dir.
// Completed chunks already in dir/chunks are reused, not recomputed. An
// unsharded run then assembles the outputs and writes dir/manifest.json
// last; a sharded run writes dir/shard.json last (merge with Assemble).
func Run(ctx context.Context, p *Plan, dir string, opt Options) error {
	if opt.Shard.N == 0 {
		opt.Shard = Shard{0, 1}
	}
	if opt.Shard.I < 0 || opt.Shard.I >= opt.Shard.N {
		return fmt.Errorf("shard %d/%d out of range", opt.Shard.I, opt.Shard.N)
	}
	lay := p.layout()
	lay.Provenance.Version = opt.Version
	if err := os.MkdirAll(filepath.Join(dir, "chunks"), 0o755); err != nil {
		return err
	}
	// An existing manifest means a previous complete run: refuse to mix.
	for _, f := range []string{"manifest.json", "shard.json"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			var m struct{ SpecHash string }
			if json.Unmarshal(b, &m) == nil && m.SpecHash != lay.SpecHash {
				return fmt.Errorf("%s holds a run of a different spec (%s); choose a new --out", dir, f)
			}
			os.Remove(filepath.Join(dir, f)) // rewritten at the end
		}
	}
	lb, _ := json.MarshalIndent(lay, "", " ")
	if old, err := os.ReadFile(filepath.Join(dir, "layout.json")); err == nil && !bytes.Equal(old, lb) {
		return fmt.Errorf("%s holds chunks of a different spec or version; choose a new --out", dir)
	}
	if err := safefile.WriteFile(filepath.Join(dir, "layout.json"), lb); err != nil {
		return err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	runner := opt.Runner
	if runner == nil {
		runner = func(ctx context.Context, sys *system.System, i int) (*Subject, error) {
			return p.Simulate(ctx, sys, i, nil, nil)
		}
	}
	nch := lay.NumChunks()
	k0, k1 := chunkRange(nch, opt.Shard)
	total := 0
	for k := k0; k < k1; k++ {
		total += min(lay.N, (k+1)*lay.Chunk) - k*lay.Chunk
	}
	done := 0
	systems := make([]*system.System, workers)
	for w := range systems {
		systems[w] = p.System.Clone()
	}
	for k := k0; k < k1; k++ {
		lo, hi := k*lay.Chunk, min(lay.N, (k+1)*lay.Chunk)
		if cf, err := readChunk(chunkPath(dir, k)); err == nil && cf.SpecHash == lay.SpecHash && len(cf.Subjects) == hi-lo {
			done += hi - lo
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
			continue
		}
		subs := make([]*Subject, hi-lo)
		jobs := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		cctx, cancel := context.WithCancel(ctx)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(sys *system.System) {
				defer wg.Done()
				for i := range jobs {
					s, err := runner(cctx, sys, i)
					mu.Lock()
					if err != nil {
						if firstErr == nil {
							firstErr = fmt.Errorf("subject %d: %w", i, err)
						}
						cancel()
					} else {
						subs[i-lo] = s
						done++
						if opt.Progress != nil {
							opt.Progress(done, total)
						}
					}
					mu.Unlock()
				}
			}(systems[w])
		}
	feed:
		for i := lo; i < hi; i++ {
			select {
			case jobs <- i:
			case <-cctx.Done():
				break feed
			}
		}
		close(jobs)
		wg.Wait()
		cancel()
		if firstErr != nil {
			return firstErr
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&chunkFile{SpecHash: lay.SpecHash, Chunk: k, Subjects: subs}); err != nil {
			return err
		}
		if err := safefile.WriteFile(chunkPath(dir, k), buf.Bytes()); err != nil {
			return err
		}
	}
	if opt.Shard.N == 1 {
		return Assemble(ctx, []string{dir}, dir)
	}
	mb, _ := json.MarshalIndent(&ShardManifest{SpecHash: lay.SpecHash, Shard: opt.Shard.I, Of: opt.Shard.N, Chunk0: k0, Chunk1: k1}, "", " ")
	return safefile.WriteFile(filepath.Join(dir, "shard.json"), append(mb, '\n'))
}

func readChunk(path string) (*chunkFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cf chunkFile
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&cf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &cf, nil
}

func readLayout(dir string) (*Layout, []byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, "layout.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a cohort run directory (no layout.json)", dir)
	}
	var l Layout
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, nil, fmt.Errorf("%s/layout.json: %w", dir, err)
	}
	return &l, b, nil
}

// allNumbers reports whether every label parses as a finite or infinite
// number (QIIME 2 would infer such a column as numeric).
func allNumbers(labels []string) bool {
	for _, v := range labels {
		if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
			return false
		}
	}
	return len(labels) > 0
}
