package sbmlsuite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sbml"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// Settings is a case's NNNNN-settings.txt.
type Settings struct {
	Start, Duration    float64
	Steps              int
	Variables          []string
	Absolute, Relative float64
	Amount             []string
	Concentration      []string
}

// ReadSettings reads a settings file.
func ReadSettings(path string) (*Settings, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseSettings(path, f)
}

// ParseSettings parses a settings file's text; path is used in errors.
func ParseSettings(path string, r io.Reader) (*Settings, error) {
	return parseSettings(path, r, true)
}

func parseSettings(path string, r io.Reader, needSteps bool) (*Settings, error) {
	s := &Settings{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if v == "" {
			continue
		}
		num := func() (float64, error) {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, fmt.Errorf("%s:%d: %s %q is not a number", path, line, k, v)
			}
			return x, nil
		}
		var err error
		switch k {
		case "start":
			s.Start, err = num()
		case "duration":
			s.Duration, err = num()
		case "steps":
			var x float64
			x, err = num()
			if err == nil && !(x >= 1 && x <= 1e7) {
				err = fmt.Errorf("%s:%d: steps %q must be between 1 and 1e7", path, line, v)
			}
			s.Steps = int(x)
		case "absolute":
			s.Absolute, err = num()
		case "relative":
			s.Relative, err = num()
		case "variables":
			s.Variables = splitList(v)
		case "amount":
			s.Amount = splitList(v)
		case "concentration":
			s.Concentration = splitList(v)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if s.Steps <= 0 && needSteps {
		return nil, fmt.Errorf("%s: steps missing or not positive", path)
	}
	return s, nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Quantity selects how a species is reported.
type Quantity = system.Quantity

// Simulate runs m from time 0 and reports the variables at steps+1 evenly
// spaced times from start to start+duration. as[i] says whether variable i
// is reported as declared, as an amount or as a concentration (nil: all as
// declared).
func Simulate(ctx context.Context, m *model.Model, start, duration float64, steps int, vars []string, as []Quantity, opt ode.Options) (times []float64, rows [][]float64, err error) {
	sys, err := system.Compile(m)
	if err != nil {
		return nil, nil, err
	}
	if as == nil {
		as = make([]Quantity, len(vars))
	}
	sel, err := sys.Select(vars, as)
	if err != nil {
		return nil, nil, err
	}
	times = make([]float64, steps+1)
	for i := range times {
		times[i] = start + duration*float64(i)/float64(steps)
	}
	rows = make([][]float64, len(times))
	flat := make([]float64, len(times)*len(vars))
	for k := range rows {
		rows[k] = flat[k*len(vars) : (k+1)*len(vars) : (k+1)*len(vars)]
	}
	if _, err := solve(ctx, sys, sel, times, rows, opt); err != nil {
		return nil, nil, err
	}
	return times, rows, nil
}

// solve runs sys from time 0 through times and writes the selected
// variables at times[k] into rows[k]. The variables are computed from the
// state at each output time, with the ids resolved once in sel; sim.Run
// builds no rows of its own.
func solve(ctx context.Context, sys *system.System, sel *system.Selector, times []float64, rows [][]float64, opt ode.Options) (ode.Stats, error) {
	k := 0
	tr, err := sim.Run(ctx, sys, nil, sim.Options{Start: 0, End: times[len(times)-1], OutputTimes: times, ODE: opt, NoRows: true,
		StateHook: func(t float64, y []float64) {
			if k < len(rows) {
				sys.ValuesAt(t, y, sel, rows[k])
			}
			k++
		}})
	if err != nil {
		return ode.Stats{}, err
	}
	if k != len(times) {
		return tr.Stats, fmt.Errorf("testsuite: %d states recorded for %d output times", k, len(times))
	}
	return tr.Stats, nil
}

// Status is the outcome of one case.
type Status string

// Case outcomes.
const (
	Pass        Status = "pass"
	Fail        Status = "fail"
	Unsupported Status = "unsupported"
	Error       Status = "error"
)

// Result is the outcome of one case.
type Result struct {
	Case       string
	Status     Status
	Level      string // "l3v2", "l3v1" or "l2v4"
	Detail     string
	Components []string
	Tags       []string
	Elapsed    time.Duration
}

// Levels lists the SBML files a case may offer, most preferred first.
var Levels = []string{"l3v2", "l3v1", "l2v4"}

// RunCase runs the case in dir (named NNNNN).
func RunCase(ctx context.Context, dir string) (res Result) {
	start := time.Now()
	id := filepath.Base(dir)
	res = Result{Case: id}
	res.Components, res.Tags = readTags(filepath.Join(dir, id+"-model.m"))
	defer func() { res.Elapsed = time.Since(start) }()
	var path string
	for _, lv := range Levels {
		p := filepath.Join(dir, id+"-sbml-"+lv+".xml")
		if _, err := os.Stat(p); err == nil {
			path, res.Level = p, lv
			break
		}
	}
	if path == "" {
		res.Status, res.Detail = Unsupported, "no l3v2, l3v1 or l2v4 SBML file"
		return res
	}
	m, err := sbml.ReadFile(path)
	if err != nil {
		res.Status, res.Detail = classify(err), err.Error()
		return res
	}
	if m.FluxBalance != nil {
		return runFBA(res, m, dir, id)
	}
	set, err := ReadSettings(filepath.Join(dir, id+"-settings.txt"))
	if err != nil {
		res.Status, res.Detail = Error, err.Error()
		return res
	}
	as := make([]Quantity, len(set.Variables))
	inList := func(l []string, v string) bool {
		for _, x := range l {
			if x == v {
				return true
			}
		}
		return false
	}
	for i, v := range set.Variables {
		switch {
		case inList(set.Amount, v):
			as[i] = system.AsAmount
		case inList(set.Concentration, v):
			as[i] = system.AsConcentration
		}
	}
	opt := ode.Options{RTol: 1e-10, ATol: math.Max(set.Absolute*1e-5, 1e-300), MaxSteps: 200000}
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	times, rows, err := Simulate(cctx, m, set.Start, set.Duration, set.Steps, set.Variables, as, opt)
	if err != nil {
		res.Status, res.Detail = classify(err), err.Error()
		return res
	}
	want, err := readResults(filepath.Join(dir, id+"-results.csv"))
	if err != nil {
		res.Status, res.Detail = Error, err.Error()
		return res
	}
	res.Status, res.Detail = Pass, ""
	if len(want.rows) != len(times) {
		res.Status, res.Detail = Fail, fmt.Sprintf("expected %d rows, computed %d", len(want.rows), len(times))
		return res
	}
	for j, v := range set.Variables {
		c, ok := want.col[v]
		if !ok {
			res.Status, res.Detail = Error, fmt.Sprintf("results file has no column %q", v)
			return res
		}
		for k := range times {
			got, exp := rows[k][j], want.rows[k][c]
			if !Agree(got, exp, set.Absolute, set.Relative) {
				res.Status = Fail
				res.Detail = fmt.Sprintf("%s at t=%g: computed %.10g, expected %.10g", v, times[k], got, exp)
				return res
			}
		}
	}
	return res
}

// Agree reports whether a computed value matches the expected one:
// |got − want| ≤ abs + rel·|want|, with NaN and infinities matching
// exactly.
func Agree(got, want, abs, rel float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

func classify(err error) Status {
	var u1 *sbml.UnsupportedError
	var u2 *system.Unsupported
	if errors.As(err, &u1) || errors.As(err, &u2) {
		return Unsupported
	}
	return Error
}

type results struct {
	col  map[string]int
	rows [][]float64
}

func readResults(path string) (*results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	r := &results{col: map[string]int{}}
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(strings.TrimSpace(sc.Text()), ",")
		if line == 1 {
			for i, h := range fields {
				r.col[strings.TrimSpace(h)] = i
			}
			continue
		}
		if len(fields) == 1 && fields[0] == "" {
			continue
		}
		row := make([]float64, len(fields))
		for i, fv := range fields {
			x, err := parseValue(fv)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %q is not a number", path, line, fv)
			}
			row[i] = x
		}
		r.rows = append(r.rows, row)
	}
	return r, sc.Err()
}

func parseValue(s string) (float64, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity":
		return math.Inf(1), nil
	case "-inf", "-infinity":
		return math.Inf(-1), nil
	case "nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

func readTags(path string) (comps, tags []string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "componentTags":
			comps = splitList(v)
		case "testTags":
			tags = splitList(v)
		}
	}
	return comps, tags
}

// ParseCases parses a case selection such as "1-1821" or "1,5,7-9".
func ParseCases(s string) (func(n int) bool, error) {
	type rng struct{ a, b int }
	var rs []rng
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		a, b, isRange := strings.Cut(p, "-")
		x, err := strconv.Atoi(strings.TrimSpace(a))
		if err != nil {
			return nil, fmt.Errorf("case selection %q: %q is not a number", s, a)
		}
		y := x
		if isRange {
			if y, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
				return nil, fmt.Errorf("case selection %q: %q is not a number", s, b)
			}
		}
		if y < x {
			return nil, fmt.Errorf("case selection %q: range %d-%d is empty", s, x, y)
		}
		rs = append(rs, rng{x, y})
	}
	return func(n int) bool {
		for _, r := range rs {
			if n >= r.a && n <= r.b {
				return true
			}
		}
		return false
	}, nil
}

// ListCases returns the case directories under dir whose number sel
// accepts, in order.
func ListCases(dir string, sel func(int) bool) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		n, err := strconv.Atoi(e.Name())
		if err != nil || (sel != nil && !sel(n)) {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

// Summary counts outcomes in total, per component tag and per test tag.
type Summary struct {
	Total        map[Status]int
	ByComponent  map[string]map[Status]int
	ByTestTag    map[string]map[Status]int
	Passed, Fail int
}

// Summarize counts results.
func Summarize(rs []Result) *Summary {
	s := &Summary{Total: map[Status]int{}, ByComponent: map[string]map[Status]int{}, ByTestTag: map[string]map[Status]int{}}
	add := func(m map[string]map[Status]int, k string, st Status) {
		if m[k] == nil {
			m[k] = map[Status]int{}
		}
		m[k][st]++
	}
	for _, r := range rs {
		s.Total[r.Status]++
		for _, c := range r.Components {
			add(s.ByComponent, c, r.Status)
		}
		for _, t := range r.Tags {
			add(s.ByTestTag, t, r.Status)
		}
		if r.Status == Pass {
			s.Passed++
		} else {
			s.Fail++
		}
	}
	return s
}

// runFBA runs a flux-balance case: one row of fluxes and objective values.
func runFBA(res Result, m *model.Model, dir, id string) Result {
	f, err := os.Open(filepath.Join(dir, id+"-settings.txt"))
	if err != nil {
		res.Status, res.Detail = Error, err.Error()
		return res
	}
	defer f.Close()
	set, err := parseSettings(id+"-settings.txt", f, false)
	if err != nil {
		res.Status, res.Detail = Error, err.Error()
		return res
	}
	flux, obj, err := sim.FluxBalance(m)
	if err != nil {
		res.Status, res.Detail = Error, err.Error()
		return res
	}
	want, err := readResults(filepath.Join(dir, id+"-results.csv"))
	if err != nil || len(want.rows) == 0 {
		res.Status, res.Detail = Error, fmt.Sprintf("results: %v", err)
		return res
	}
	res.Status = Pass
	for _, v := range set.Variables {
		got, ok := flux[v]
		if v == m.FluxBalance.Objective {
			got, ok = obj, true
		}
		c, okc := want.col[v]
		if !ok || !okc {
			res.Status, res.Detail = Error, fmt.Sprintf("no value for %q", v)
			return res
		}
		if exp := want.rows[0][c]; !Agree(got, exp, set.Absolute, set.Relative) {
			res.Status, res.Detail = Fail, fmt.Sprintf("%s: computed %.10g, expected %.10g", v, got, exp)
			return res
		}
	}
	return res
}
