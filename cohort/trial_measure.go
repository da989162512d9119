package cohort

import (
	"fmt"
	"github.com/holobiont/holobiont/internal/fmath"
	"math"
	"sort"
	"strings"

	"github.com/holobiont/holobiont/observe"
)

// LatentPrefix names the ground-truth copy of a trial endpoint: endpoint
// NAME is computed from what the trial measures, LatentPrefix+NAME is the
// same summary of the noise-free model value.
const LatentPrefix = "latent_"

// A trial endpoint is computed from measurements, as a trial would:
//
//   - a model variable (host.scorad, host.phq9, ...) from the
//     readings of a spec measurement of that variable (its instrument's
//     scale and noise; the measurement named in measured_by, else the first
//     one taken at the needed times);
//   - shannon(SITE) from the sequenced counts of the SITE sample (natural
//     log), rel(SITE.MEMBER) from the member's share of the sample's reads.
//     The trial sequences SITE at every time an endpoint needs.
//
// Baseline and follow-up are the same readings wherever they are used (the
// baseline of a change and a baseline endpoint at that time share one
// reading). Readings come from the subject's measurement and sequencing
// streams, keyed by (seed, subject, purpose), so they do not depend on
// workers or shards.
type measuredEndpoint struct {
	kind   int   // 0 instrument reading, 1 rel from counts, 2 shannon from counts
	meas   int   // p.Measures index (kind 0)
	member int   // position within the site's members (kind 1)
	at     []int // reading positions: p.Measures[meas] time index (kind 0) or p.Samples index (kind 1, 2)
}

// augmentTrialSpec adds, before compilation, the latent copies of the
// endpoints and the sequencing samples the count-based endpoints need.
func augmentTrialSpec(t *TrialSpec) error {
	s := &t.Spec
	names, meas := map[string]bool{}, map[string]bool{}
	for _, m := range s.Measurements {
		names[m.Name], meas[m.Name] = true, true
	}
	ends := map[string]bool{}
	for _, e := range s.Endpoints {
		names[e.Name], ends[e.Name] = true, true
	}
	for name, m := range t.MeasuredBy {
		if !ends[name] || !meas[m] {
			return s.errAt("$.measured_by", "measured_by: %s -> %s: need an endpoint and a measurement of the spec", name, m)
		}
	}
	n := len(s.Endpoints)
	for i := 0; i < n; i++ {
		e := s.Endpoints[i]
		l := e
		l.Name = LatentPrefix + e.Name
		if names[l.Name] {
			return s.errAt(fmt.Sprintf("$.endpoints[%d]", i), "endpoint name %q is reserved for the ground truth of %q", l.Name, e.Name)
		}
		s.Endpoints = append(s.Endpoints, l)
		site := ""
		switch v := e.Variable; {
		case strings.HasPrefix(v, "shannon(") && strings.HasSuffix(v, ")"):
			site = v[8 : len(v)-1]
		case strings.HasPrefix(v, "rel(") && strings.HasSuffix(v, ")"):
			site, _, _ = strings.Cut(v[4:len(v)-1], ".")
		}
		if site == "" {
			continue
		}
		var need []float64
		switch e.Stat {
		case "value", "detect":
			need = []float64{e.Time}
		case "change", "percent_change":
			need = []float64{e.From, e.Time}
		default:
			if !sampled(s, site, e.From) && !sampled(s, site, e.To) {
				need = []float64{e.From, e.To}
			}
		}
		var add []float64
		for _, x := range need {
			if !sampled(s, site, x) && !contains(add, x) {
				add = append(add, x)
			}
		}
		if len(add) > 0 {
			s.Sampling = append(s.Sampling, Sampling{Times: add, Sites: []string{site}})
		}
	}
	return nil
}

func contains(x []float64, v float64) bool {
	for _, y := range x {
		if y == v {
			return true
		}
	}
	return false
}

func sampled(s *Spec, site string, t float64) bool {
	for _, sm := range s.Sampling {
		for _, st := range sm.Sites {
			if st == site && contains(sm.Times, t) {
				return true
			}
		}
	}
	return false
}

// planMeasured resolves how each (non-latent) endpoint is measured.
func (tp *TrialPlan) planMeasured() error {
	p := tp.Plan
	s := p.Spec
	n := len(p.Endpoints) / 2
	tp.measured = make([]measuredEndpoint, n)
	for i := 0; i < n; i++ {
		e := p.Endpoints[i]
		path := fmt.Sprintf("$.endpoints[%d]", i)
		var times []float64 // available reading times
		me := measuredEndpoint{kind: e.Q.kind}
		switch e.Q.kind {
		case 0:
			me.meas = -1
			want := tp.Trial.MeasuredBy[e.Name]
			for k, m := range p.Measures {
				if want != "" && m.Name != want {
					continue
				}
				if m.Q.kind != 0 || m.Q.index != e.Q.index {
					if want != "" {
						return s.errAt(path, "endpoint %s: measurement %s measures %s, not %s", e.Name, want, m.Q.Text, e.Variable)
					}
					continue
				}
				if me.meas < 0 || (covers(m.Times, e.Endpoint) && !covers(p.Measures[me.meas].Times, e.Endpoint)) {
					me.meas = k
				}
			}
			if me.meas < 0 {
				return s.errAt(path, "endpoint %s: a trial endpoint is computed from measurements, but no measurement of %s is in the spec; add one (e.g. measurements: - {name: ..., instrument: %s, times: [...]}, or variable: %s with noise_sd) (instruments: %s)",
					e.Name, e.Variable, suggestInstrument(e.Variable), e.Variable, strings.Join(observe.InstrumentNames(), ", "))
			}
			times = p.Measures[me.meas].Times
		default:
			site := p.Sites[e.Q.site]
			if e.Q.kind == 1 {
				me.member = -1
				for k, j := range site.Index {
					if j == e.Q.index {
						me.member = k
					}
				}
			}
			for _, sp := range p.Samples {
				if sp.Site == site.Site {
					times = append(times, sp.Time)
				}
			}
		}
		var need []float64
		switch e.Stat {
		case "value", "detect":
			need = []float64{e.Time}
		case "change", "percent_change":
			need = []float64{e.From, e.Time}
		default:
			for _, x := range times {
				if x >= e.From && x <= e.To && !contains(need, x) {
					need = append(need, x)
				}
			}
			sort.Float64s(need)
			if len(need) == 0 {
				return s.errAt(path, "endpoint %s: no reading of %s in [%v, %v]", e.Name, e.Variable, e.From, e.To)
			}
		}
		for _, x := range need {
			k := -1
			if e.Q.kind == 0 {
				for j, y := range times {
					if y == x {
						k = j
						break
					}
				}
			} else {
				for j, sp := range p.Samples {
					if sp.Site == p.Sites[e.Q.site].Site && sp.Time == x {
						k = j
						break
					}
				}
			}
			if k < 0 {
				return s.errAt(path, "endpoint %s needs a reading of %s at time %v; measurement %s is taken at %v: add the time to it",
					e.Name, e.Variable, x, p.Measures[me.meas].Name, times)
			}
			me.at = append(me.at, k)
		}
		tp.measured[i] = me
	}
	return nil
}

func covers(times []float64, e Endpoint) bool {
	switch e.Stat {
	case "value", "detect":
		return contains(times, e.Time)
	case "change", "percent_change":
		return contains(times, e.Time) && contains(times, e.From)
	}
	return true
}

func suggestInstrument(v string) string {
	ins := observe.Instruments()
	for _, name := range observe.InstrumentNames() {
		if ins[name].Variable == v {
			return name
		}
	}
	return "NAME"
}

// reading returns reading k of endpoint me for subject s.
func (tp *TrialPlan) reading(s *Subject, me *measuredEndpoint, k int) float64 {
	if me.kind == 0 {
		if me.meas >= len(s.Measures) {
			return math.NaN()
		}
		return s.Measures[me.meas][me.at[k]]
	}
	if me.at[k] >= len(s.Samples) {
		return math.NaN()
	}
	c := s.Samples[me.at[k]].Counts
	return countsStat(c, me.kind, me.member)
}

// countsStat returns the relative abundance of member (kind 1) or the
// Shannon index, natural log (kind 2), of a sample's read counts; NaN for a
// sample without reads (as a table's sample in package diversity).
func countsStat(c []int32, kind, member int) float64 {
	if kind == 2 {
		h, ok := fmath.Entropy(c)
		if !ok {
			return math.NaN()
		}
		return h
	}
	var tot float64
	for _, x := range c {
		tot += float64(x)
	}
	if !(tot > 0) {
		return math.NaN()
	}
	return float64(c[member]) / tot
}

// measure overwrites s's endpoints with their measured values (the
// latent values stay in the LatentPrefix copies).
func (tp *TrialPlan) measure(s *Subject) {
	if len(s.Endpoints) < 2*len(tp.measured) {
		return
	}
	for i := range tp.measured {
		me := &tp.measured[i]
		e := tp.Plan.Endpoints[i]
		var v float64
		switch e.Stat {
		case "value":
			v = tp.reading(s, me, 0)
		case "detect":
			switch x := tp.reading(s, me, 0); {
			case math.IsNaN(x):
				v = math.NaN()
			case x > e.Threshold:
				v = 1
			}
		case "change", "percent_change":
			v = twoPointValue(e.Stat, tp.reading(s, me, 0), tp.reading(s, me, 1))
		case "max", "min", "mean":
			switch e.Stat {
			case "max":
				v = math.Inf(-1)
			case "min":
				v = math.Inf(1)
			}
			for k := range me.at {
				x := tp.reading(s, me, k)
				switch e.Stat {
				case "max":
					v = math.Max(v, x)
				case "min":
					v = math.Min(v, x)
				default:
					v += x / float64(len(me.at))
				}
			}
		}
		s.Endpoints[i] = v
	}
}
