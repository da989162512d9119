package study

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/gsa"
	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/model"
)

// Provenance identifies what produced a study: recorded in its layout and
// manifest. Hashes are SHA-256 of the file bytes.
type Provenance struct {
	Version      string `json:",omitempty"`
	Model        string // as the spec names it ("shipped:NAME" or a path)
	ModelHash    string
	Scenario     string `json:",omitempty"`
	ScenarioHash string
	Solver       cohort.SolverSettings
}

// Column is one value a run reports: a scalar output or, with Traj, an
// output of stat trajectory at Time.
type Column struct {
	Output int // index into Spec.Outputs
	Time   float64
	Traj   bool
}

// Plan is a spec compiled against its model: the design and everything a
// worker needs to run one design point. It is read-only after Compile.
type Plan struct {
	Spec     *Spec
	Params   []string
	Dists    []*cohort.Dist
	Columns  []Column
	OutTimes []float64 // output times of each run (scenario time)
	// Unit is the design in the unit hypercube (Runs rows of len(Params));
	// Values the parameter values it maps to.
	Unit, Values []float64
	Runs         int
	prob         *problem
	quant        []cohort.Quantity // per output
}

// Random stream purposes of a study (keyed with the seed, as cohort
// streams are).
const (
	purposeDesign    cohort.Purpose = 101
	purposeBootstrap cohort.Purpose = 102
	purposeSelect    cohort.Purpose = 103
)

// Compile loads the spec's model and scenario, checks every parameter and
// output name and every time against them, and draws the design, before
// any simulation.
func Compile(s *Spec) (*Plan, error) {
	prob, err := loadProblem(s)
	if err != nil {
		return nil, err
	}
	pl := &Plan{Spec: s, Params: s.ParamNames(), prob: prob}
	pmap := map[string]*model.Parameter{}
	for _, mp := range prob.p.Model.Parameters {
		pmap[mp.ID] = mp
	}
	for _, id := range pl.Params {
		path := "$.parameters." + quoteKey(id)
		mp, ok := pmap[id]
		if _, err := prob.p.NewRunner(id); !ok || err != nil {
			return nil, s.errAt(path, "unknown parameter %q in model %s (see `holobiont model describe`)", id, prob.prov.Model)
		}
		d := s.Parameters[id]
		lo, hi := d.Support()
		if (!math.IsNaN(mp.Min) && lo < mp.Min) || (!math.IsNaN(mp.Max) && hi > mp.Max) {
			return nil, s.errAt(path, "parameter %s: range [%v, %v] exceeds the model's range [%v, %v]; add lower/upper to truncate it", id, lo, hi, mp.Min, mp.Max)
		}
		pl.Dists = append(pl.Dists, d)
	}
	if err := pl.resolveOutputs(); err != nil {
		return nil, err
	}
	if err := pl.design(); err != nil {
		return nil, err
	}
	return pl, nil
}

// resolveOutputs resolves output variables, checks their times against
// the run and builds the output times and columns.
func (pl *Plan) resolveOutputs() error {
	s, prob := pl.Spec, pl.prob
	start, end := prob.scStart, prob.end
	resolve := cohort.Quantities(prob.p.Model, prob.p.VariableNames())
	s.defaultWindows(start, end)
	times := map[float64]bool{end: true}
	for k := 0; ; k++ {
		t := start + float64(k)*s.Grid
		if t > end+1e-9*s.Grid {
			break
		}
		times[math.Min(t, end)] = true
	}
	for i := range s.Outputs {
		o := &s.Outputs[i]
		path := fmt.Sprintf("$.outputs[%d]", i)
		q, err := resolve(o.Variable)
		if err != nil {
			return s.errAt(path+".variable", "output %s: %v", o.Name, err)
		}
		pl.quant = append(pl.quant, q)
		for _, t := range []*float64{o.Time, o.From, o.To, o.Baseline} {
			if t == nil {
				continue
			}
			if *t < start || *t > end {
				return s.errAt(path, "output %s: time %v outside the run [%v, %v]", o.Name, *t, start, end)
			}
			times[*t] = true
		}
		if o.Stat == "trajectory" {
			for k := 0; ; k++ {
				t := *o.From + float64(k)*o.Every
				if t > *o.To+1e-9*o.Every {
					break
				}
				times[math.Min(t, *o.To)] = true
				pl.Columns = append(pl.Columns, Column{Output: i, Time: math.Min(t, *o.To), Traj: true})
			}
			continue
		}
		pl.Columns = append(pl.Columns, Column{Output: i})
	}
	for t := range times {
		pl.OutTimes = append(pl.OutTimes, t)
	}
	sort.Float64s(pl.OutTimes)
	return nil
}

// design draws the unit design and maps it to parameter values.
func (pl *Plan) design() error {
	s := pl.Spec
	d := len(pl.Params)
	rnd := cohort.Stream(s.Seed, 0, purposeDesign)
	switch {
	case s.VPop != nil:
		if s.VPop.Plausible > chunks.MaxTasks {
			return s.errAt("$.vpop.plausible", "%d plausible patients is more than one run holds (at most %d)", s.VPop.Plausible, chunks.MaxTasks)
		}
		pl.Runs = s.VPop.Plausible
		pl.Unit = make([]float64, pl.Runs*d)
		if s.VPop.Sampler == "random" {
			for i := range pl.Unit {
				pl.Unit[i] = rnd.Float64()
			}
			break
		}
		seq, err := gsa.NewSobol(d, rnd)
		if err != nil {
			return s.errAt("$.parameters", "%v", err)
		}
		for r := 0; r < pl.Runs; r++ {
			seq.Next(pl.Unit[r*d : (r+1)*d])
		}
	case s.Method == "morris":
		m := s.Morris
		if m.Trajectories > chunks.MaxTasks/(d+1) {
			return s.errAt("$.morris.trajectories", "%d trajectories of %d runs each is more than one study holds (at most %d runs)", m.Trajectories, d+1, chunks.MaxTasks)
		}
		pl.Runs = m.Trajectories * (d + 1)
		pl.Unit = make([]float64, pl.Runs*d)
		if err := gsa.MorrisDesign(pl.Unit, m.Trajectories, d, m.Levels, rnd); err != nil {
			return s.errAt("$.morris", "%v", err)
		}
	default:
		sb := s.Sobol
		if 2*d > gsa.MaxSobolDim {
			return s.errAt("$.parameters", "%d parameters: a Saltelli design needs %d Sobol' dimensions, at most %d are available (vary at most %d parameters)", d, 2*d, gsa.MaxSobolDim, gsa.MaxSobolDim/2)
		}
		var srnd *rand.Rand
		if *sb.Scramble {
			srnd = rnd
		}
		seq, err := gsa.NewSobol(2*d, srnd)
		if err != nil {
			return s.errAt("$.parameters", "%v", err)
		}
		if sb.N > chunks.MaxTasks/(2*d+2) {
			return s.errAt("$.sobol.n", "sobol.n = %d base samples over %d parameters is more than one study holds (at most %d runs)", sb.N, d, chunks.MaxTasks)
		}
		pl.Runs = gsa.SaltelliRuns(sb.N, d, sb.SecondOrder)
		pl.Unit = make([]float64, pl.Runs*d)
		if err := gsa.Saltelli(pl.Unit, sb.N, d, sb.SecondOrder, seq); err != nil {
			return s.errAt("$.sobol.n", "%v", err)
		}
	}
	pl.Values = make([]float64, len(pl.Unit))
	for r := 0; r < pl.Runs; r++ {
		for k, dist := range pl.Dists {
			u := pl.Unit[r*d+k]
			if lo, hi := dist.Support(); math.IsInf(lo, 0) || math.IsInf(hi, 0) {
				u = math.Min(math.Max(u, 0x1p-33), 1-0x1p-33) // an unscrambled Sobol' point may sit on 0
			}
			pl.Values[r*d+k], _ = dist.Quantile(u)
		}
	}
	return nil
}

// Row returns the parameter values of run r (shared; do not modify).
func (pl *Plan) Row(r int) []float64 {
	d := len(pl.Params)
	return pl.Values[r*d : (r+1)*d]
}

// ColumnName names a column: the output's name, with @time for a
// trajectory column.
func (pl *Plan) ColumnName(c Column) string {
	o := pl.Spec.Outputs[c.Output]
	if !c.Traj {
		return o.Name
	}
	return fmt.Sprintf("%s@%s", o.Name, formatFloat(c.Time))
}

// defaultWindows gives outputs without from (to) the run's start (end).
func (s *Spec) defaultWindows(start, end float64) {
	for i := range s.Outputs {
		o := &s.Outputs[i]
		if o.From == nil && o.Stat != "value" {
			f := start
			o.From = &f
		}
		if o.To == nil && o.Stat != "value" && o.Stat != "change" {
			e := end
			o.To = &e
		}
	}
}
