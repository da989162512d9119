package study

import "fmt"

// VPopSpec configures a virtual population.
type VPopSpec struct {
	// Plausible is the number of candidate parameter sets drawn from the
	// parameters' distributions and simulated (default 4096); those whose
	// outputs all lie in their ranges are the plausible patients.
	Plausible int `yaml:"plausible"`
	// Sampler draws the candidates: sobol (scrambled Sobol' points, the
	// default) or random (independent draws).
	Sampler string `yaml:"sampler"`
	// Method selects the virtual population: acceptance (Allen et al.
	// 2016's acceptance–rejection with the probability of inclusion, the
	// default) or weights (importance weights on all plausible patients).
	Method string `yaml:"method"`
	// Runs is the number of selection draws averaged when choosing the
	// scale factor of the probability of inclusion (default 100).
	Runs int `yaml:"runs"`
}

func (s *Spec) validateVPop() error {
	v := s.VPop
	if v.Plausible == 0 {
		v.Plausible = 4096
	}
	if v.Plausible < 2 {
		return s.errAt("$.vpop.plausible", "vpop.plausible must be >= 2, got %d", v.Plausible)
	}
	switch v.Sampler {
	case "":
		v.Sampler = "sobol"
	case "sobol", "random":
	default:
		return s.errAt("$.vpop.sampler", "unknown sampler %q (sobol or random)", v.Sampler)
	}
	switch v.Method {
	case "":
		v.Method = "acceptance"
	case "acceptance", "weights":
	default:
		return s.errAt("$.vpop.method", "unknown method %q (acceptance or weights)", v.Method)
	}
	if v.Runs == 0 {
		v.Runs = 100
	}
	if v.Runs < 1 {
		return s.errAt("$.vpop.runs", "vpop.runs must be >= 1, got %d", v.Runs)
	}
	targets := 0
	for i := range s.Outputs {
		o := &s.Outputs[i]
		path := fmt.Sprintf("$.outputs[%d]", i)
		if o.Range != nil {
			if len(o.Range) != 2 || !finite(o.Range[0]) || !finite(o.Range[1]) || !(o.Range[1] > o.Range[0]) {
				return s.errAt(path+".range", "output %s: range must be [lo, hi] with lo < hi (an empty range admits no patient)", o.Name)
			}
		}
		if o.Target != nil {
			if err := o.Target.Validate(); err != nil {
				return s.errAt(path+".target", "output %s: target: %v", o.Name, err)
			}
			if _, err := o.Target.PDF(0); err != nil || o.Target.Categorical() {
				return s.errAt(path+".target", "output %s: target must be a continuous distribution with spread (normal, lognormal, gamma, uniform, loguniform, truncated-normal)", o.Name)
			}
			targets++
		}
		if o.Range == nil && o.Target == nil {
			return s.errAt(path, "output %s: a vpop output needs a range (plausible patients) or a target (distribution to match), or both", o.Name)
		}
	}
	if targets == 0 {
		return s.errAt("$.outputs", "no output has a target distribution: give at least one output a target, e.g. target: {dist: normal, mean: 1, sd: 0.2}")
	}
	return nil
}
