package cohort

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/internal/fmath"
	"github.com/holobiont/holobiont/internal/suggest"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/observe"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/scenario"
	"github.com/holobiont/holobiont/sim"
)

// Plan is a spec compiled against its model: everything a worker needs to
// simulate and observe one subject. A Plan is read-only after Compile and
// safe for concurrent use; each worker runs it with its own Runner
// (NewRunner).
type Plan struct {
	Spec *Spec
	// Problem is the spec's model and scenario loaded by the run pipeline;
	// workers run it through holobiont.Runners that set ParamIDs.
	Problem   *holobiont.Problem
	Model     *model.Model
	Scenario  *scenario.Scenario
	Schedule  *sim.Schedule
	ParamIDs  []string
	CovIDs    []string
	chol      *mat.TriDense // lower Cholesky factor of the copula correlation (nil = identity)
	dists     []*Dist       // params then covariates
	Sites     []SiteInfo
	Features  []string // union of member short names across sampled sites, in first-seen order
	Taxonomy  [][]string
	Samples   []SamplePoint // per subject, in order
	Measures  []MeasurePlan
	Endpoints []EndpointPlan
	// Conditions are the model's clinical conditions read at the end of the
	// scenario: per condition a status column (its id), a grade column
	// (<id>_severity) and one column per named score, after the endpoints in
	// subjects.csv. A spec endpoint of the same name takes precedence.
	Conditions []EndpointPlan
	Truth      []Quantity
	OutTimes   []float64 // output times (scenario time) of the run
	depth      observe.Depth
	counts     observe.Counts
	qpcr       observe.QPCR
	start      float64 // integration start (scenario start - burn-in)
	end        float64
	varIndex   map[string]int
	arms       []string   // trial arm names (nil for cohorts)
	perts      perturbSet // intervention windows (MDSINE perturbations)
	ode        ode.Options
	prov       Provenance
	mname      string      // the model as named in errors
	shift      *paramShift // an ensemble member's scaling of the sampled parameters (nil: none)
}

// Sequencer returns the plan's sequencing-depth and count samplers (from the
// spec's sequencing block), for callers that sequence communities of their
// own with the same instrument.
func (p *Plan) Sequencer() (observe.Depth, observe.Counts) { return p.depth, p.counts }

// Provenance identifies what produced a run: recorded in its layout and
// manifest. Hashes are SHA-256 of the file bytes.
type Provenance struct {
	Version      string `json:",omitempty"` // holobiont version (Options.Version)
	SpecFileHash string // the spec file alone (SpecHash also covers model and scenario)
	Model        string // as the spec names it ("shipped:NAME" or a path)
	ModelHash    string
	Scenario     string // as the spec names it; "" = none (duration only)
	ScenarioHash string
	Solver       SolverSettings
}

// SiteInfo lists a site's community members.
type SiteInfo struct {
	Site    string
	Members []string // short names (species id without the "site." prefix)
	Index   []int    // indices into VariableNames()
	Feature []int    // indices into Plan.Features
}

// SamplePoint is one swab: a site at a time.
type SamplePoint struct {
	Site string
	Time float64
	site int // index into Sites
	row  int // index into OutTimes
}

// MeasurePlan is a host measurement with its instrument.
type MeasurePlan struct {
	Name  string
	Inst  observe.Instrument
	Q     Quantity
	Times []float64
	rows  []int
}

// EndpointPlan is a resolved endpoint.
type EndpointPlan struct {
	Endpoint
	Q                   Quantity
	row, fromRow, toRow int
}

// Quantity is a computable per-row quantity: a model variable, the relative
// abundance of one member at its site, or the Shannon index of a site.
type Quantity struct {
	Text  string
	kind  int // 0 variable, 1 rel, 2 shannon
	index int // variable index (kind 0, 1)
	site  int // site members (kind 1, 2) as variable indices
	sites []SiteInfo
}

// Eval computes the quantity from a row of VariableNames() values.
func (q Quantity) Eval(row []float64) float64 {
	switch q.kind {
	case 1:
		var s float64
		for _, j := range q.sites[q.site].Index {
			s += math.Max(row[j], 0)
		}
		if s <= 0 {
			return 0
		}
		return math.Max(row[q.index], 0) / s
	case 2:
		// The model's shannon(): negative values (solver noise) count as
		// 0, and an extinct community has index 0.
		var buf [64]float64
		x := buf[:0]
		for _, j := range q.sites[q.site].Index {
			x = append(x, math.Max(row[j], 0))
		}
		return fmath.Shannon(x)
	}
	return row[q.index]
}

// Resolver reads a model or scenario named in a spec: "shipped:NAME" is a
// shipped file; other names are paths relative to the spec's directory.
func readRef(specFile, ref string) (string, []byte, error) {
	if name, ok := strings.CutPrefix(ref, "shipped:"); ok {
		b, err := models.Read(name)
		if err != nil {
			return "", nil, fmt.Errorf("no shipped file %q (shipped models: %s)", name, strings.Join(models.List(), ", "))
		}
		return ref, b, nil
	}
	p := ref
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(specFile), p)
	}
	b, err := os.ReadFile(p)
	return p, b, err
}

// Compile loads the spec's model and scenario and checks every name in
// the spec against the compiled system, before any compute.
func Compile(s *Spec) (*Plan, error) {
	p, err := load(s)
	if err != nil {
		return nil, err
	}
	if err := p.parameters(); err != nil {
		return nil, err
	}
	p.varIndex = map[string]int{}
	for i, n := range p.Problem.VariableNames() {
		p.varIndex[n] = i
	}
	// Sites: communities of the model.
	p.Sites = communitySites(p.Model, p.varIndex)
	ts := &timeSet{s: s, start: p.Scenario.Start, end: p.Scenario.End, times: map[float64]bool{}}
	for t := ts.start; t <= ts.end+1e-9; t += s.Grid {
		ts.times[math.Min(t, ts.end)] = true
	}
	ts.times[ts.end] = true
	raws, err := p.sampling(ts)
	if err != nil {
		return nil, err
	}
	if err := p.quantities(ts); err != nil {
		return nil, err
	}
	p.placeRows(ts, raws)
	if p.depth, p.counts, p.qpcr, err = s.observers(); err != nil {
		return nil, s.errAt(fieldOf(err, "$.sequencing"), "%v", err)
	}
	return p, nil
}

// load reads the spec's model and scenario, loads them and starts the plan
// with its provenance, solver options and the scenario's perturbations.
// The spec's hash becomes that of the spec, model and scenario bytes.
func load(s *Spec) (*Plan, error) {
	modelRef := s.Model
	if modelRef == "" {
		modelRef = "shipped:" + models.DefaultModel
	}
	mname, mdata, err := readRef(s.File, modelRef)
	if err != nil {
		return nil, s.errAt("$.model", "model: %v", err)
	}
	sname, sdata := "(spec duration)", []byte(fmt.Sprintf("duration: %v\n", s.Duration))
	if s.Scenario != "" {
		if sname, sdata, err = readRef(s.File, s.Scenario); err != nil {
			return nil, s.errAt("$.scenario", "scenario: %v", err)
		}
	}
	// Compile has no context yet: loading one model takes ~0.2 CPU-s.
	prob, err := holobiont.LoadData(context.Background(), mname, mdata, holobiont.ScenarioData(sname, sdata))
	if err != nil {
		return nil, err
	}
	m, sc, sched := prob.Model, prob.Scenario(), prob.Schedule()
	p0 := Provenance{SpecFileHash: sha256sum(s.data), Model: holobiont.RecordedName(modelRef), ModelHash: sha256sum(mdata), Scenario: holobiont.RecordedName(s.Scenario), ScenarioHash: sha256sum(sdata), Solver: s.Solver.settings()}
	if s.data == nil {
		p0.SpecFileHash = s.Hash
	}
	h := sha256.New()
	h.Write([]byte(s.Hash))
	h.Write(mdata)
	h.Write(sdata)
	s.Hash = hex.EncodeToString(h.Sum(nil))

	p := &Plan{Spec: s, Problem: prob, Model: m, Scenario: sc, Schedule: sched, start: sc.Start - s.BurnIn, end: sc.End, prov: p0}
	if p.ode, err = s.Solver.odeOptions(); err != nil {
		return nil, s.errAt("$.solver", "%v", err)
	}
	for _, iv := range sc.Interventions {
		p.perts.add(iv, -1)
	}
	p.mname = mname
	return p, nil
}

// parameters checks the spec's subject parameters against the model (known,
// distribution within the model's range) and builds the copula of their
// and the covariates' distributions.
func (p *Plan) parameters() error {
	s, m, prob := p.Spec, p.Model, p.Problem
	p.ParamIDs, p.CovIDs = s.Names()
	pmap := map[string]*model.Parameter{}
	for _, mp := range m.Parameters {
		pmap[mp.ID] = mp
	}
	for _, id := range p.ParamIDs {
		d := s.Parameters[id]
		mp, ok := pmap[id]
		if _, ok2 := prob.Parameter(id); !ok || !ok2 {
			return s.errAt("$.parameters."+quoteKey(id), "unknown parameter %q in model %s%s", id, p.mname, suggest.DidYouMean(id, prob.ParameterNames()))
		}
		lo, hi := support(d)
		if (!math.IsNaN(mp.Min) && lo < mp.Min) || (!math.IsNaN(mp.Max) && hi > mp.Max) {
			return s.errAt("$.parameters."+quoteKey(id), "parameter %s: distribution support [%v, %v] exceeds the model's range [%v, %v]; add lower/upper to truncate it", id, lo, hi, mp.Min, mp.Max)
		}
		p.dists = append(p.dists, d)
	}
	for _, id := range p.CovIDs {
		p.dists = append(p.dists, s.Covariates[id])
	}
	return p.buildCopula()
}

// timeSet collects the output times the spec needs, each checked to lie
// in the scenario.
type timeSet struct {
	s          *Spec
	start, end float64
	times      map[float64]bool
}

// add adds t, read at path of the spec.
func (ts *timeSet) add(path string, t float64) error {
	if t < ts.start || t > ts.end || math.IsNaN(t) {
		return ts.s.errAt(path, "time %v outside the scenario [%v, %v]", t, ts.start, ts.end)
	}
	ts.times[t] = true
	return nil
}

// rawSample is one sample the spec asks for: a site at a time.
type rawSample struct {
	site string
	t    float64
}

// sampling checks the spec's sampling (sites with communities, times in
// the scenario), gives each sampled site's members their feature (taxon)
// columns and returns the samples in spec order.
func (p *Plan) sampling(ts *timeSet) ([]rawSample, error) {
	s, m, all := p.Spec, p.Model, p.Sites
	siteIdx := p.siteIndex()
	taxon := map[string]string{}
	for _, sp := range m.Species {
		taxon[sp.ID] = sp.Taxon
	}
	var raws []rawSample
	featIdx := map[string]int{}
	for i, sm := range s.Sampling {
		for j, t := range sm.Times {
			if err := ts.add(fmt.Sprintf("$.sampling[%d].times[%d]", i, j), t); err != nil {
				return nil, err
			}
		}
		for j, site := range sm.Sites {
			k, ok := siteIdx[site]
			if !ok {
				var known []string
				for _, x := range all {
					known = append(known, x.Site)
				}
				return nil, s.errAt(fmt.Sprintf("$.sampling[%d].sites[%d]", i, j), "unknown site %q (model sites with communities: %s)", site, strings.Join(known, ", "))
			}
			si := &p.Sites[k]
			if si.Feature == nil {
				c := m.Communities[k]
				for mi, short := range si.Members {
					f, ok := featIdx[short]
					if !ok {
						f = len(p.Features)
						featIdx[short] = f
						p.Features = append(p.Features, short)
						p.Taxonomy = append(p.Taxonomy, lineage(short, taxon[c.Members[mi]]))
					}
					si.Feature = append(si.Feature, f)
				}
			}
		}
		for _, t := range sm.Times {
			for _, site := range sm.Sites {
				raws = append(raws, rawSample{site, t})
			}
		}
	}
	return raws, nil
}

// siteIndex returns the index of each site in p.Sites.
func (p *Plan) siteIndex() map[string]int {
	idx := map[string]int{}
	for i, si := range p.Sites {
		idx[si.Site] = i
	}
	return idx
}

// quantities resolves the measurements', endpoints' and truth's variables
// and adds their times.
func (p *Plan) quantities(ts *timeSet) error {
	s := p.Spec
	for i, ms := range s.Measurements {
		in, _ := s.instrument(ms)
		q, err := p.quantity(in.Variable)
		if err != nil {
			return s.errAt(fmt.Sprintf("$.measurements[%d]", i), "measurement %s: %v", ms.Name, err)
		}
		for j, t := range ms.Times {
			if err := ts.add(fmt.Sprintf("$.measurements[%d].times[%d]", i, j), t); err != nil {
				return err
			}
		}
		p.Measures = append(p.Measures, MeasurePlan{Name: ms.Name, Inst: in, Q: q, Times: ms.Times})
	}
	for i, e := range s.Endpoints {
		q, err := p.quantity(e.Variable)
		if err != nil {
			return s.errAt(fmt.Sprintf("$.endpoints[%d]", i), "endpoint %s: %v", e.Name, err)
		}
		path := fmt.Sprintf("$.endpoints[%d]", i)
		switch e.Stat {
		case "value", "detect":
			if err := ts.add(path, e.Time); err != nil {
				return err
			}
		case "change", "percent_change":
			if err := ts.add(path, e.Time); err != nil {
				return err
			}
			if err := ts.add(path, e.From); err != nil {
				return err
			}
		default:
			if err := ts.add(path, e.From); err != nil {
				return err
			}
			if err := ts.add(path, e.To); err != nil {
				return err
			}
		}
		p.Endpoints = append(p.Endpoints, EndpointPlan{Endpoint: e, Q: q})
	}
	if err := p.planConditions(ts); err != nil {
		return err
	}
	for i, v := range s.Truth.Variables {
		q, err := p.quantity(v)
		if err != nil {
			return s.errAt(fmt.Sprintf("$.truth.variables[%d]", i), "truth: %v", err)
		}
		p.Truth = append(p.Truth, q)
	}
	return nil
}

// placeRows sorts the output times and gives the samples, measurements
// and endpoints their rows.
func (p *Plan) placeRows(ts *timeSet, raws []rawSample) {
	siteIdx := p.siteIndex()
	for t := range ts.times {
		p.OutTimes = append(p.OutTimes, t)
	}
	sort.Float64s(p.OutTimes)
	row := func(t float64) int { return sort.SearchFloat64s(p.OutTimes, t) }
	for _, r := range raws {
		p.Samples = append(p.Samples, SamplePoint{Site: r.site, Time: r.t, site: siteIdx[r.site], row: row(r.t)})
	}
	for i := range p.Measures {
		for _, t := range p.Measures[i].Times {
			p.Measures[i].rows = append(p.Measures[i].rows, row(t))
		}
	}
	for _, eps := range [][]EndpointPlan{p.Endpoints, p.Conditions} {
		for i := range eps {
			e := &eps[i]
			e.row, e.fromRow, e.toRow = row(e.Time), row(e.From), row(e.To)
		}
	}
}

// planConditions adds the model's condition columns (Plan.Conditions), read
// at the end of the scenario (always an output time).
func (p *Plan) planConditions(ts *timeSet) error {
	taken := map[string]bool{}
	for _, e := range p.Endpoints {
		taken[e.Name] = true
	}
	for _, id := range p.ParamIDs {
		taken["param."+id] = true
	}
	for _, c := range p.Model.Conditions {
		cols := [][2]string{{c.ID, c.Status}, {c.ID + "_severity", c.Grade}}
		for _, sc := range c.Scores {
			cols = append(cols, [2]string{sc.Name, sc.Variable})
		}
		for _, col := range cols {
			if taken[col[0]] {
				continue
			}
			taken[col[0]] = true
			q, err := p.quantity(col[1])
			if err != nil {
				return fmt.Errorf("condition %s: %v", c.ID, err)
			}
			p.Conditions = append(p.Conditions, EndpointPlan{Endpoint: Endpoint{Name: col[0], Variable: col[1], Stat: "value", Time: ts.end}, Q: q})
		}
	}
	return nil
}

// NewRunner returns a runner of the plan's model for one worker: it sets
// the subject parameters (ParamIDs) before each run.
func (p *Plan) NewRunner() (*holobiont.Runner, error) { return p.Problem.NewRunner(p.ParamIDs...) }

// lineage builds a taxonomy for a community member from its taxon name
// ("Cutibacterium acnes" → k__, g__Cutibacterium, s__acnes).
func lineage(short, taxon string) []string {
	king := "k__Bacteria"
	if strings.Contains(strings.ToLower(taxon+short), "malassezia") {
		king = "k__Fungi"
	}
	if taxon == "" {
		taxon = short
	}
	w := strings.Fields(taxon)
	genus := strings.Trim(w[0], ",()")
	if strings.Contains(taxon, "(") || strings.Contains(taxon, "-") || len(w) > 2 {
		genus = short
	}
	l := []string{king, "p__", "c__", "o__", "f__", "g__" + genus}
	if len(w) == 2 && genus == w[0] {
		l = append(l, "s__"+w[1])
	} else {
		l = append(l, "s__")
	}
	return l
}

// communitySites lists the model's communities with their members'
// indices in varIndex.
func communitySites(m *model.Model, varIndex map[string]int) []SiteInfo {
	var all []SiteInfo
	for _, c := range m.Communities {
		si := SiteInfo{Site: c.Compartment}
		for _, sp := range c.Members {
			si.Members = append(si.Members, strings.TrimPrefix(sp, c.Compartment+"."))
			si.Index = append(si.Index, varIndex[sp])
		}
		all = append(all, si)
	}
	return all
}

func support(d *Dist) (lo, hi float64) {
	switch d.Dist {
	case "categorical", "fixed":
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, x := range d.nums {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		return lo, hi
	case "lognormal", "gamma":
		return math.Max(d.lo, 0), d.hi
	}
	return d.lo, d.hi
}

func (p *Plan) buildCopula() error {
	n := len(p.dists)
	if len(p.Spec.Correlations) == 0 || n == 0 {
		return nil
	}
	names := append(append([]string{}, p.ParamIDs...), p.CovIDs...)
	idx := map[string]int{}
	for i, nm := range names {
		idx[nm] = i
	}
	r := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		r.SetSym(i, i, 1)
	}
	for _, c := range p.Spec.Correlations {
		r.SetSym(idx[c.A], idx[c.B], c.R)
	}
	var ch mat.Cholesky
	if !ch.Factorize(r) {
		return p.Spec.errAt("$.correlations", "the correlation matrix is not positive definite; reduce the correlations")
	}
	var l mat.TriDense
	ch.LTo(&l)
	p.chol = &l
	return nil
}

// quantity resolves a variable expression: NAME, rel(SITE.MEMBER) or shannon(SITE).
func (p *Plan) quantity(text string) (Quantity, error) {
	q := Quantity{Text: text, sites: p.Sites}
	siteOf := func(site string) (int, error) {
		for i, s := range p.Sites {
			if s.Site == site {
				return i, nil
			}
		}
		return 0, fmt.Errorf("unknown site %q", site)
	}
	switch {
	case strings.HasPrefix(text, "rel(") && strings.HasSuffix(text, ")"):
		id := text[4 : len(text)-1]
		site, _, ok := strings.Cut(id, ".")
		if !ok {
			return q, fmt.Errorf("rel(%s): want rel(SITE.MEMBER)", id)
		}
		k, err := siteOf(site)
		if err != nil {
			return q, err
		}
		j, ok := p.varIndex[id]
		found := false
		for _, x := range p.Sites[k].Index {
			found = found || x == j
		}
		if !ok || !found {
			return q, fmt.Errorf("rel(%s): %s is not a community member at %s", id, id, site)
		}
		q.kind, q.site, q.index = 1, k, j
	case strings.HasPrefix(text, "shannon(") && strings.HasSuffix(text, ")"):
		k, err := siteOf(text[8 : len(text)-1])
		if err != nil {
			return q, err
		}
		q.kind, q.site = 2, k
	default:
		j, ok := p.varIndex[text]
		if !ok {
			return q, fmt.Errorf("unknown variable %q (see `holobiont model describe`; also rel(SITE.MEMBER), shannon(SITE))", text)
		}
		q.index = j
	}
	return q, nil
}
