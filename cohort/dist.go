package cohort

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
)

// Dist is a marginal distribution of a subject parameter or covariate as
// written in a spec:
//
//	{dist: normal, mean: M, sd: S [, lower: L] [, upper: U]}
//	{dist: lognormal, median: M, sdlog: S [, lower, upper]}   (or meanlog instead of median)
//	{dist: uniform, lower: L, upper: U}
//	{dist: loguniform, lower: L, upper: U}                    (0 < L < U; uniform in log)
//	{dist: gamma, shape: K, scale: θ [, lower, upper]}         (or rate: 1/θ instead of scale)
//	{dist: categorical, values: [...], probs: [...]}
//	{dist: fixed, value: V}
//
// lower/upper on normal, lognormal and gamma truncate the distribution (draws by
// inverse CDF on the truncated range, so copula correlations are kept).
type Dist struct {
	Dist    string    `yaml:"dist"`
	Mean    *float64  `yaml:"mean"`
	SD      *float64  `yaml:"sd"`
	Median  *float64  `yaml:"median"`
	MeanLog *float64  `yaml:"meanlog"`
	SDLog   *float64  `yaml:"sdlog"`
	Shape   *float64  `yaml:"shape"`
	Scale   *float64  `yaml:"scale"`
	Rate    *float64  `yaml:"rate"`
	Lower   *float64  `yaml:"lower"`
	Upper   *float64  `yaml:"upper"`
	Value   any       `yaml:"value"`
	Values  []any     `yaml:"values"`
	Probs   []float64 `yaml:"probs"`

	// resolved
	lo, hi float64 // truncation bounds (value scale)
	mu, sd float64 // normal / log-normal location and scale; gamma shape and scale
	cum    []float64
	labels []string
	nums   []float64
}

// check validates the distribution and resolves its parameters. numeric
// requires categorical values to be numbers.
func (d *Dist) check(numeric bool) error {
	d.lo, d.hi = math.Inf(-1), math.Inf(1)
	if d.Lower != nil {
		d.lo = *d.Lower
	}
	if d.Upper != nil {
		d.hi = *d.Upper
	}
	if math.IsNaN(d.lo) || math.IsNaN(d.hi) {
		return fmt.Errorf("lower and upper must be numbers, got %v and %v", d.lo, d.hi)
	}
	if d.lo > d.hi {
		return fmt.Errorf("lower %v > upper %v", d.lo, d.hi)
	}
	var err error
	switch d.Dist {
	case "normal", "truncated-normal":
		err = d.checkNormal()
	case "lognormal":
		err = d.checkLognormal()
	case "gamma":
		err = d.checkGamma()
	case "uniform", "loguniform":
		err = d.checkUniform()
	case "categorical":
		err = d.checkCategorical(numeric)
	case "fixed":
		err = d.checkFixed(numeric)
	case "":
		return fmt.Errorf("missing dist (normal, lognormal, gamma, uniform, loguniform, truncated-normal, categorical, fixed)")
	default:
		return fmt.Errorf("unknown dist %q (want normal, lognormal, gamma, uniform, loguniform, truncated-normal, categorical or fixed)", d.Dist)
	}
	if err != nil {
		return err
	}
	if d.continuous() {
		a, b := d.cdf(d.lo), d.cdf(d.hi)
		if !(b > a) && d.sd > 0 {
			return fmt.Errorf("truncation range [%v, %v] has zero probability", d.lo, d.hi)
		}
	}
	return nil
}

// need returns *p, or an error naming the field when it is missing or not
// finite.
func (d *Dist) need(p *float64, name string) (float64, error) {
	if p == nil {
		return 0, fmt.Errorf("%s distribution needs %s", d.Dist, name)
	}
	if math.IsNaN(*p) || math.IsInf(*p, 0) {
		return 0, fmt.Errorf("%s must be finite", name)
	}
	return *p, nil
}

func (d *Dist) checkNormal() error {
	var err error
	if d.mu, err = d.need(d.Mean, "mean"); err != nil {
		return err
	}
	if d.sd, err = d.need(d.SD, "sd"); err != nil {
		return err
	}
	if d.sd < 0 {
		return fmt.Errorf("negative sd %v", d.sd)
	}
	if d.Dist == "truncated-normal" && d.Lower == nil && d.Upper == nil {
		return fmt.Errorf("truncated-normal needs lower and/or upper")
	}
	return nil
}

func (d *Dist) checkLognormal() error {
	switch {
	case d.Median != nil && d.MeanLog != nil:
		return fmt.Errorf("lognormal: give median or meanlog, not both")
	case d.Median != nil:
		if *d.Median <= 0 {
			return fmt.Errorf("lognormal median must be > 0, got %v", *d.Median)
		}
		d.mu = math.Log(*d.Median)
	case d.MeanLog != nil:
		d.mu = *d.MeanLog
	default:
		return fmt.Errorf("lognormal distribution needs median or meanlog")
	}
	var err error
	if d.sd, err = d.need(d.SDLog, "sdlog"); err != nil {
		return err
	}
	if d.sd < 0 {
		return fmt.Errorf("negative sdlog %v", d.sd)
	}
	if d.hi <= 0 {
		return fmt.Errorf("lognormal upper bound must be > 0")
	}
	return nil
}

// checkGamma resolves shape k > 0 and scale θ > 0 (from scale or rate)
// into mu and sd.
func (d *Dist) checkGamma() error {
	var err error
	if d.mu, err = d.need(d.Shape, "shape"); err != nil {
		return err
	}
	switch {
	case d.Scale != nil && d.Rate != nil:
		return fmt.Errorf("gamma: give scale or rate, not both")
	case d.Rate != nil:
		var rate float64
		if rate, err = d.need(d.Rate, "rate"); err != nil {
			return err
		}
		d.sd = 1 / rate
	default:
		if d.sd, err = d.need(d.Scale, "scale or rate"); err != nil {
			return err
		}
	}
	if !(d.mu > 0) || !(d.sd > 0) || math.IsInf(d.sd, 0) {
		return fmt.Errorf("gamma shape and scale must be > 0 and finite, got shape %v, scale %v", d.mu, d.sd)
	}
	if d.hi <= 0 {
		return fmt.Errorf("gamma upper bound must be > 0")
	}
	return nil
}

// continuous reports whether the distribution is one of those drawn by
// inverting cdf (normal, truncated-normal, lognormal, gamma).
func (d *Dist) continuous() bool {
	switch d.Dist {
	case "normal", "truncated-normal", "lognormal", "gamma":
		return true
	}
	return false
}

// checkUniform checks uniform and loguniform bounds.
func (d *Dist) checkUniform() error {
	if d.Lower == nil || d.Upper == nil {
		return fmt.Errorf("%s distribution needs lower and upper", d.Dist)
	}
	if d.Dist == "loguniform" && (!(d.lo > 0) || math.IsInf(d.hi, 0)) {
		return fmt.Errorf("loguniform bounds must be finite and > 0, got [%v, %v]", d.lo, d.hi)
	}
	if math.IsInf(d.lo, 0) || math.IsInf(d.hi, 0) {
		return fmt.Errorf("uniform bounds must be finite")
	}
	return nil
}

func (d *Dist) checkCategorical(numeric bool) error {
	if len(d.Values) == 0 {
		return fmt.Errorf("categorical distribution needs values")
	}
	if len(d.Probs) != len(d.Values) {
		return fmt.Errorf("categorical: %d values but %d probs", len(d.Values), len(d.Probs))
	}
	var s float64
	for _, p := range d.Probs {
		if !(p >= 0) || math.IsInf(p, 0) {
			return fmt.Errorf("categorical: probabilities must be >= 0, got %v", p)
		}
		s += p
	}
	if math.Abs(s-1) > 1e-6 {
		return fmt.Errorf("categorical: probabilities sum to %v, want 1", s)
	}
	d.cum = d.cum[:0]
	var c float64
	for _, p := range d.Probs {
		c += p
		d.cum = append(d.cum, c/s)
	}
	for _, v := range d.Values {
		x, lab, err := label(v, numeric, "categorical value")
		if err != nil {
			return err
		}
		d.labels = append(d.labels, lab)
		if numeric {
			d.nums = append(d.nums, x)
		}
	}
	return nil
}

func (d *Dist) checkFixed(numeric bool) error {
	if d.Value == nil {
		return fmt.Errorf("fixed distribution needs value")
	}
	x, lab, err := label(d.Value, numeric, "fixed value")
	d.labels = []string{lab}
	d.cum = []float64{1}
	if err != nil {
		return err
	}
	if numeric {
		d.nums = []float64{x}
	}
	return nil
}

// label returns v's label and, when numeric, its value, refusing a value
// that is not a finite number.
func label(v any, numeric bool, what string) (float64, string, error) {
	lab := fmt.Sprint(v)
	if !numeric {
		return 0, lab, nil
	}
	x, ok := asFloat(v)
	if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, lab, fmt.Errorf("%s %q is not a finite number", what, lab)
	}
	return x, lab, nil
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// cdf of the untruncated continuous distribution at x (value scale).
func (d *Dist) cdf(x float64) float64 {
	switch d.Dist {
	case "lognormal":
		if x <= 0 {
			return 0
		}
		if math.IsInf(x, 1) {
			return 1
		}
		return distuv.UnitNormal.CDF((math.Log(x) - d.mu) / d.sd)
	case "gamma":
		if x <= 0 {
			return 0
		}
		if math.IsInf(x, 1) {
			return 1
		}
		return d.gamma().CDF(x)
	default:
		if math.IsInf(x, -1) {
			return 0
		}
		if math.IsInf(x, 1) {
			return 1
		}
		return distuv.UnitNormal.CDF((x - d.mu) / d.sd)
	}
}

// Quantile maps u in (0,1) to a value and, for categorical and fixed
// distributions, its label.
func (d *Dist) Quantile(u float64) (float64, string) {
	switch d.Dist {
	case "uniform":
		return d.lo + u*(d.hi-d.lo), ""
	case "loguniform":
		x := math.Exp(math.Log(d.lo) + u*(math.Log(d.hi)-math.Log(d.lo)))
		return math.Min(math.Max(x, d.lo), d.hi), ""
	case "categorical", "fixed":
		k := len(d.cum) - 1
		for i, c := range d.cum {
			if u < c {
				k = i
				break
			}
		}
		var x float64
		if d.nums != nil {
			x = d.nums[k]
		}
		return x, d.labels[k]
	}
	if d.sd == 0 {
		x := d.mu
		if d.Dist == "lognormal" {
			x = math.Exp(d.mu)
		}
		return math.Min(math.Max(x, d.lo), d.hi), ""
	}
	a, b := d.cdf(d.lo), d.cdf(d.hi)
	v := a + u*(b-a)
	v = math.Min(math.Max(v, 1e-300), 1-1e-16)
	return math.Min(math.Max(d.inverse(v), d.lo), d.hi), ""
}

// inverse is the untruncated continuous distribution's quantile at v.
func (d *Dist) inverse(v float64) float64 {
	switch d.Dist {
	case "gamma":
		return gammaQuantile(d.gamma(), v)
	case "lognormal":
		return math.Exp(d.mu + d.sd*distuv.UnitNormal.Quantile(v))
	}
	return d.mu + d.sd*distuv.UnitNormal.Quantile(v)
}

// gammaQuantile returns x with P(X ≤ x) = p. gonum's Quantile loses
// accuracy in the lower tail of a small shape (0.5% at p = 1e-5, 0 at
// p = 1e-6 for shape 0.35), so its answer, or the lower-tail series
// x ≈ θ(pΓ(k+1))^(1/k) where it is 0, is refined by Newton steps on ln x,
// measuring the residual on the side of the nearer tail.
func gammaQuantile(g distuv.Gamma, p float64) float64 {
	x := g.Quantile(p)
	if !(x > 0) || math.IsInf(x, 0) {
		lg, _ := math.Lgamma(g.Alpha + 1)
		x = math.Exp((math.Log(p)+lg)/g.Alpha) / g.Beta
	}
	for range 50 {
		r := g.CDF(x) - p
		if p > 0.5 {
			r = (1 - p) - g.Survival(x)
		}
		f := g.Prob(x)
		if r == 0 || !(f > 0) {
			break
		}
		step := math.Max(-1, math.Min(1, r/(x*f)))
		x *= math.Exp(-step)
		if math.Abs(step) < 1e-15 {
			break
		}
	}
	return x
}

// gamma is the untruncated gamma distribution (shape mu, scale sd).
func (d *Dist) gamma() distuv.Gamma { return distuv.Gamma{Alpha: d.mu, Beta: 1 / d.sd} }

// Categorical reports whether draws are labels rather than numbers.
func (d *Dist) Categorical() bool { return d.Dist == "categorical" || d.Dist == "fixed" }
