package study

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/gsa"
	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/sim"
)

// LayoutFile is the file that marks a study run or shard directory and
// records what its chunks hold.
const LayoutFile = "study.json"

// Layout identifies a study run: merge and resume need only it and the
// chunks.
type Layout struct {
	Kind       string // "gsa" or "vpop"
	Key        string // SHA-256 over the spec, model, scenario and version
	Name       string
	SpecFile   string
	Spec       string  // the spec's bytes
	Start, End float64 // the run's scenario time span (output windows default to it)
	Runs       int
	Chunk      int
	Params     []string
	Columns    []Column
	Provenance Provenance
}

// RunResult is what one run reports: one value per column (NaN where the
// run failed) and the failure, if any.
type RunResult struct {
	V   []float64
	Err string
}

// Options control Run.
type Options struct {
	Workers  int
	Shard    chunks.Shard
	Progress func(done, total int)
	Version  string // holobiont version, recorded and checked on resume and merge
	// Warn, if set, is told about damaged chunks found on resume (they are
	// recomputed).
	Warn func(msg string)
}

func (pl *Plan) layout(version string) *Layout {
	kind := "gsa"
	if pl.Spec.IsVPop() {
		kind = "vpop"
	}
	prov := pl.prob.prov
	prov.Version = version
	key := sha256hex([]byte(pl.Spec.Hash + "\x00" + prov.ModelHash + "\x00" + prov.ScenarioHash + "\x00" + version))
	return &Layout{Kind: kind, Key: key, Name: pl.Spec.Name, SpecFile: filepath.Base(pl.Spec.File), Spec: string(pl.Spec.data), Start: pl.prob.scStart, End: pl.prob.end,
		Runs: pl.Runs, Chunk: pl.Spec.Chunk, Params: pl.Params, Columns: pl.Columns, Provenance: prov}
}

// ShardManifest is written last by a sharded run.
type ShardManifest struct {
	Key            string
	Shard, Of      int
	Chunk0, Chunk1 int
}

// Run simulates the plan's design points (the chunks of opt.Shard) into
// dir, reusing chunks already there. An unsharded run then analyses the
// runs and writes the outputs (manifest.json last); a sharded run writes
// shard.json last (combine the shards with Finish).
func Run(ctx context.Context, pl *Plan, dir string, opt Options) error {
	if opt.Shard.N == 0 {
		opt.Shard = chunks.Shard{I: 0, N: 1}
	}
	lay := pl.layout(opt.Version)
	lb, _ := json.MarshalIndent(lay, "", " ")
	// Nothing in dir changes before these checks pass.
	if err := chunks.CheckDir(dir, LayoutFile, lb, opt.Shard); err != nil {
		return err
	}
	if err := chunks.PrepareDir(dir, LayoutFile, lb); err != nil {
		return err
	}
	copt := chunks.Options{Workers: opt.Workers, Shard: opt.Shard, Progress: opt.Progress, Item: "run", Warn: opt.Warn}
	if err := chunks.Run(ctx, dir, lay.Key, pl.Runs, pl.Spec.Chunk, copt, pl.prob.newRunner(pl.Params), pl.simulate); err != nil {
		return err
	}
	if opt.Shard.N == 1 {
		if err := Finish(ctx, []string{dir}, dir); err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(dir, "shard.json")); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	k0, k1 := opt.Shard.Range(chunks.NumChunks(pl.Runs, pl.Spec.Chunk))
	mb, _ := json.MarshalIndent(&ShardManifest{Key: lay.Key, Shard: opt.Shard.I, Of: opt.Shard.N, Chunk0: k0, Chunk1: k1}, "", " ")
	return safefile.WriteFile(filepath.Join(dir, "shard.json"), append(mb, '\n'))
}

// simulate runs design point r on sys and evaluates the columns. A failed
// integration is recorded in RunResult.Err; only cancellation is an error.
func (pl *Plan) simulate(ctx context.Context, runner *holobiont.Runner, r int) (RunResult, error) {
	res := RunResult{V: make([]float64, len(pl.Columns))}
	tr, err := pl.prob.run(ctx, runner, pl.Row(r), pl.OutTimes)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		var se *sim.Error
		if !errors.As(err, &se) {
			return res, err
		}
		res.Err = err.Error()
	}
	if res.Err == "" && (tr == nil || len(tr.Times) != len(pl.OutTimes)) {
		res.Err = "no output at a requested time"
	}
	if res.Err != "" {
		for i := range res.V {
			res.V[i] = math.NaN()
		}
		return res, nil
	}
	pl.evaluate(tr.Values, res.V)
	return res, nil
}

// evaluate computes the columns from the rows of a run (one per OutTimes).
func (pl *Plan) evaluate(rows [][]float64, dst []float64) {
	t := pl.OutTimes
	row := func(x float64) int { return sort.SearchFloat64s(t, x) }
	y := make([]float64, len(t))
	last := -1
	for c, col := range pl.Columns {
		o := pl.Spec.Outputs[col.Output]
		if col.Output != last {
			q := pl.quant[col.Output]
			for k, r := range rows {
				y[k] = q.Eval(r)
			}
			last = col.Output
		}
		var v float64
		switch o.Stat {
		case "value":
			v = y[row(*o.Time)]
		case "change":
			v = y[row(*o.Time)] - y[row(*o.From)]
		case "max":
			v, _ = gsa.Max(t, y, *o.From, *o.To)
		case "min":
			v, _ = gsa.Min(t, y, *o.From, *o.To)
		case "time_of_max":
			_, v = gsa.Max(t, y, *o.From, *o.To)
		case "time_of_min":
			_, v = gsa.Min(t, y, *o.From, *o.To)
		case "mean":
			v = gsa.Mean(t, y, *o.From, *o.To)
		case "auc":
			v = gsa.AUC(t, y, *o.From, *o.To)
		case "recovery":
			b := y[row(*o.Baseline)]
			v, _ = gsa.Recovery(t, y, *o.From, *o.To, b, *o.Tolerance*math.Abs(b))
		case "trajectory":
			v = y[row(col.Time)]
		}
		dst[c] = v
	}
}

// ReadLayout reads the layout of a study run or shard directory.
func ReadLayout(dir string) (*Layout, []byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, LayoutFile))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a study directory (no %s)", dir, LayoutFile)
	}
	var l Layout
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, nil, fmt.Errorf("%s/%s: %w", dir, LayoutFile, err)
	}
	return &l, b, nil
}

// IsStudyDir reports whether dir holds a study run or shard.
func IsStudyDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, LayoutFile))
	return err == nil
}

// gather checks that dirs hold one study and reads every run's result in
// order.
func gather(ctx context.Context, dirs []string) (*Layout, []byte, []RunResult, error) {
	if len(dirs) == 0 {
		return nil, nil, nil, fmt.Errorf("merge: no directories")
	}
	lay, lb, err := ReadLayout(dirs[0])
	if err != nil {
		return nil, nil, nil, err
	}
	for _, d := range dirs[1:] {
		l2, b2, err := ReadLayout(d)
		if err != nil {
			return nil, nil, nil, err
		}
		if l2.Key != lay.Key || !bytes.Equal(lb, b2) {
			return nil, nil, nil, fmt.Errorf("merge: %s and %s hold different studies (spec, model, scenario or holobiont version differ)", dirs[0], d)
		}
	}
	paths, err := chunks.Locate(dirs, chunks.NumChunks(lay.Runs, lay.Chunk))
	if err != nil {
		return nil, nil, nil, err
	}
	if err := chunks.Verify(ctx, paths); err != nil {
		return nil, nil, nil, fmt.Errorf("merge: %w", err)
	}
	var all []RunResult
	for k, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		f, err := chunks.Read[RunResult](p)
		if err != nil {
			return nil, nil, nil, err
		}
		want := min(lay.Runs, (k+1)*lay.Chunk) - k*lay.Chunk
		if f.Key != lay.Key || len(f.Items) != want {
			return nil, nil, nil, fmt.Errorf("merge: %s is a chunk of another study or incomplete", p)
		}
		all = append(all, f.Items...)
	}
	return lay, lb, all, nil
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
