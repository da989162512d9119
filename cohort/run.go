package cohort

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/safefile"
)

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Shard selects part I (0-based) of N of a cohort's chunks.
type Shard = chunks.Shard

// ParseShard reads "i/N" (0 <= i < N).
func ParseShard(s string) (Shard, error) { return chunks.ParseShard(s) }

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
	Conditions   []string `json:",omitempty"`
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
	for _, e := range p.Conditions {
		l.Conditions = append(l.Conditions, e.Name)
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

// shardChunk returns the chunk size of a run split into shards parts: the
// spec's chunk, or smaller when the cohort has fewer chunks than shards, so
// that every shard gets work when n >= shards (53 subjects in chunks of 64
// over 4 shards: chunks of 14). The chunk size does not change any output:
// a subject depends only on (seed, index).
func shardChunk(n, chunk, shards int) int {
	if shards > 1 && chunks.NumChunks(n, chunk) < shards && n >= shards {
		return (n + shards - 1) / shards
	}
	return chunk
}

// NumChunks returns the number of checkpoint chunks of the cohort.
func (l *Layout) NumChunks() int { return chunks.NumChunks(l.N, l.Chunk) }

// chunkFile is a cohort checkpoint chunk (a chunks.File of subjects).
type chunkFile struct {
	SpecHash string
	Chunk    int
	Subjects []*Subject
}

func chunkPath(dir string, k int) string { return chunks.Path(dir, k) }

// Options control a cohort run.
type Options struct {
	Workers int   // <= 0: all cores
	Shard   Shard // zero value: the whole cohort
	// Progress, if set, is called with subjects done (including resumed
	// ones) and the shard's total.
	Progress func(done, total int)
	// Runner simulates one subject; nil uses Plan.Simulate with the
	// plan's schedule. (Trials set it to run the subject's arm.)
	Runner func(ctx context.Context, r *holobiont.Runner, i int) (*Subject, error)
	// Version is the program version recorded in the layout and manifest.
	// A directory holding chunks of another version is refused (resume
	// and merge need the same version).
	Version string
	// Warn, if set, is told about damaged checkpoint chunks found on
	// resume (they are recomputed).
	Warn func(msg string)
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
		opt.Shard = Shard{I: 0, N: 1}
	}
	if opt.Shard.I < 0 || opt.Shard.I >= opt.Shard.N {
		return fmt.Errorf("shard %d/%d out of range", opt.Shard.I, opt.Shard.N)
	}
	lay := p.layout()
	lay.Chunk = shardChunk(lay.N, lay.Chunk, opt.Shard.N)
	lay.Provenance.Version = opt.Version
	lb, _ := json.MarshalIndent(lay, "", " ")
	// Nothing in dir changes before these checks pass: a refused run
	// leaves a complete run (or another shard) byte for byte.
	if err := chunks.CheckDir(dir, "layout.json", lb, opt.Shard); err != nil {
		return err
	}
	if err := chunks.PrepareDir(dir, "layout.json", lb); err != nil {
		return err
	}
	runner := opt.Runner
	if runner == nil {
		runner = func(ctx context.Context, r *holobiont.Runner, i int) (*Subject, error) {
			return p.Simulate(ctx, r, i, nil)
		}
	}
	if _, err := p.NewRunner(); err != nil {
		return err
	}
	newRunner := func() *holobiont.Runner { r, _ := p.NewRunner(); return r } // names checked above
	copt := chunks.Options{Workers: opt.Workers, Shard: opt.Shard, Progress: opt.Progress, Item: "subject", Warn: opt.Warn}
	if err := chunks.Run(ctx, dir, lay.SpecHash, lay.N, lay.Chunk, copt, newRunner, runner); err != nil {
		return err
	}
	if opt.Shard.N == 1 {
		if err := Assemble(ctx, []string{dir}, dir); err != nil {
			return err
		}
		// a shard's directory completed by an unsharded run
		if err := os.Remove(filepath.Join(dir, "shard.json")); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	k0, k1 := opt.Shard.Range(lay.NumChunks())
	mb, _ := json.MarshalIndent(&ShardManifest{SpecHash: lay.SpecHash, Shard: opt.Shard.I, Of: opt.Shard.N, Chunk0: k0, Chunk1: k1}, "", " ")
	return safefile.WriteFile(filepath.Join(dir, "shard.json"), append(mb, '\n'))
}

func readChunk(path string) (*chunkFile, error) {
	f, err := chunks.Read[*Subject](path)
	if err != nil {
		return nil, err
	}
	return &chunkFile{SpecHash: f.Key, Chunk: f.Chunk, Subjects: f.Items}, nil
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
