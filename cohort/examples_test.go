package cohort

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// TestExamplesCompile: the shipped example specs parse and compile
// against the default model.
func TestExamplesCompile(t *testing.T) {
	for _, f := range []string{"cohort-tyson-carr.yaml", "cohort-probiotic-washout.yaml", "cohort-probiotic-reuteri.yaml", "cohort-lab-stress.yaml"} {
		s, err := LoadSpec("../examples/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	ts, err := LoadTrialSpec("../examples/trial-probiotic-eczema.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := CompileTrial(ts)
	if err != nil {
		t.Fatal(err)
	}
	if len(tp.Schedules) != 3 || len(tp.Schedules[0].Signals) != 0 || len(tp.Schedules[1].Signals) == 0 {
		t.Errorf("arm schedules: %+v", tp.Schedules)
	}
	// Stratified allocation: within each sex, arms balanced to within one block.
	alloc := tp.Allocate(0, ts.N)
	count := map[string][3]int{}
	for i, a := range alloc {
		_, covs, _ := tp.Draw(i)
		c := count[covs[1]]
		c[a]++
		count[covs[1]] = c
	}
	for sex, c := range count {
		lo, hi := c[0], c[0]
		for _, x := range c {
			lo, hi = min(lo, x), max(hi, x)
		}
		if hi-lo > 2*ts.Randomisation.Block {
			t.Errorf("stratum %s unbalanced: %v", sex, c)
		}
	}
	// trial-arms.yaml: every arm kind, with its windows as MDSINE perturbations.
	ts, err = LoadTrialSpec("../examples/trial-arms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if tp, err = CompileTrial(ts); err != nil {
		t.Fatal(err)
	}
	want := []Perturbation{
		{Name: "probiotic_daily", Type: "probiotic", Start: 0, End: 28, Arms: []int{1}},
		{Name: "probiotic_alternate #1", Type: "probiotic", Start: 0, End: 7, Arms: []int{2}},
		{Name: "probiotic_alternate #2", Type: "probiotic", Start: 14, End: 21, Arms: []int{2}},
		{Name: "emollient_forearm", Type: "emollient", Start: 0, End: 28, Arms: []int{3}},
		{Name: "antibiotic_course", Type: "antibiotic", Start: 0, End: 7, Arms: []int{4}},
		{Name: "probiotic_after_abx", Type: "probiotic", Start: 7, End: 28, Arms: []int{4}},
	}
	if got := tp.perts.list; !reflect.DeepEqual(got, want) {
		t.Errorf("trial-arms perturbations:\n%+v\nwant\n%+v", got, want)
	}
}

// TestExamplesPatientTrials: the psoriasis and mood trials enrol patients
// by truncating the general-adult population's susceptibility line (ps_D0
// > 1.5, D0 > 9); every draw lies in the truncated range and every other
// line is the general-adult spec's, so the trials' subjects are that
// population's patients.
func TestExamplesPatientTrials(t *testing.T) {
	adults, err := LoadSpec("../examples/cohort-general-adults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, param string
		lower       float64
	}{
		{"trial-probiotic-psoriasis.yaml", "ps_D0", 1.5},
		{"trial-probiotic-mood.yaml", "D0", 9},
	} {
		ts, err := LoadTrialSpec("../examples/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		tp, err := CompileTrial(ts)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		for id, d := range ts.Parameters {
			want, ok := adults.Parameters[id]
			if !ok {
				t.Errorf("%s: %s is not a general-adult line", c.file, id)
				continue
			}
			if id == c.param {
				truncated := *want
				truncated.Lower = &c.lower
				want = &truncated
			}
			w := distLine(want)
			if got := distLine(d); got != w {
				t.Errorf("%s: %s is %q, want the general-adult line %q", c.file, id, got, w)
			}
		}
		k := slices.Index(tp.ParamIDs, c.param)
		if k < 0 {
			t.Fatalf("%s: %s not sampled", c.file, c.param)
		}
		for i := range ts.N {
			params, _, _ := tp.Draw(i)
			if params[k] <= c.lower {
				t.Errorf("%s: subject %d draws %s = %g, want > %g", c.file, i, c.param, params[k], c.lower)
			}
		}
	}
}

// distLine writes the settings a spec gave d, in a fixed order.
func distLine(d *Dist) string {
	out := d.Dist
	for _, f := range []struct {
		name string
		v    *float64
	}{{"mean", d.Mean}, {"sd", d.SD}, {"median", d.Median}, {"meanlog", d.MeanLog}, {"sdlog", d.SDLog},
		{"shape", d.Shape}, {"scale", d.Scale}, {"rate", d.Rate}, {"lower", d.Lower}, {"upper", d.Upper}} {
		if f.v != nil {
			out += fmt.Sprintf(" %s %g", f.name, *f.v)
		}
	}
	return out + fmt.Sprint(d.Value, d.Values, d.Probs)
}
