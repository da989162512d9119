package expr

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// TestSBMLSuiteMath evaluates the pure-mathematics cases of the SBML
// semantic test suite (assignment rules over parameters, time and function
// definitions, no species or reactions): the formulas of NNNNN-model.m are
// parsed with this package's infix parser, evaluated with Eval and with a
// compiled Tape at every time of NNNNN-results.csv, and compared with the
// suite's expected values using its tolerance |Δ| <= abs + rel·|expected|.
// It skips when ../shared is absent.
func TestSBMLSuiteMath(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "sbml-test-suite", "cases")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no SBML test suite: %v", err)
	}
	tagRe := regexp.MustCompile(`^componentTags:\s*(.*?)\s*$`)
	allowed := map[string]bool{"AssignmentRule": true, "Parameter": true, "CSymbolTime": true, "FunctionDefinition": true}
	ran := 0
	for _, e := range entries {
		id := e.Name()
		mfile := filepath.Join(dir, id, id+"-model.m")
		data, err := os.ReadFile(mfile)
		if err != nil {
			continue
		}
		ok := false
		for _, line := range strings.Split(string(data), "\n") {
			if m := tagRe.FindStringSubmatch(line); m != nil {
				ok = true
				for _, tag := range strings.Split(m[1], ",") {
					if !allowed[strings.TrimSpace(tag)] {
						ok = false
					}
				}
				break
			}
		}
		if !ok {
			continue
		}
		if runSuiteCase(t, filepath.Join(dir, id), id, string(data)) {
			ran++
		}
	}
	if ran < 10 {
		t.Errorf("only %d suite cases ran", ran)
	}
	t.Logf("%d SBML suite mathematics cases agree", ran)
}

var (
	ruleRe = regexp.MustCompile(`(?i)^\s*\|\s*Assignment(?:Rule)?\s*\|\s*(\w+)\s*\|\s*\$(.*)\$\s*\|`)
	initRe = regexp.MustCompile(`(?i)^\s*\|\s*(?:Initial )?value of parameter (\w+)\s*\|\s*\$(.*)\$\s*\|`)
	funcRe = regexp.MustCompile(`^\s*\|\s*(\w+)\s*\|\s*([\w, ]*)\|\s*\$(.*)\$\s*\|`)
)

func runSuiteCase(t *testing.T, dir, id, model string) bool {
	rules := map[string]*Node{}
	inits := map[string]*Node{}
	funcs := map[string]*Func{}
	for _, line := range strings.Split(model, "\n") {
		if m := ruleRe.FindStringSubmatch(line); m != nil {
			if strings.TrimSpace(m[2]) == "" {
				return false // no formula (a case about empty math)
			}
			n, err := Parse(m[2])
			if err != nil {
				t.Errorf("%s: rule %s: %v", id, m[1], err)
				return false
			}
			rules[m[1]] = n
		} else if m := initRe.FindStringSubmatch(line); m != nil {
			v := strings.NewReplacer("INF", "inf", "NaN", "nan").Replace(m[2])
			if n, err := Parse(v); err == nil {
				inits[m[1]] = n // "undeclared" and the like are skipped
			}
		} else if m := funcRe.FindStringSubmatch(line); m != nil && !strings.Contains(strings.ToLower(line), "value of") && !strings.Contains(strings.ToLower(line), "assignment") {
			if strings.TrimSpace(m[3]) == "" {
				return false // a case about an empty function body
			}
			var args []string
			for _, a := range strings.Split(m[2], ",") {
				if a = strings.TrimSpace(a); a != "" {
					args = append(args, a)
				}
			}
			n, err := ParseScope(m[3], &Scope{IsVar: func(s string) bool {
				for _, a := range args {
					if a == s {
						return true
					}
				}
				return false
			}})
			if err != nil {
				t.Errorf("%s: function %s: %v", id, m[1], err)
				return false
			}
			funcs[m[1]] = &Func{Args: args, Body: n}
		}
	}
	f, err := os.Open(filepath.Join(dir, id+"-results.csv"))
	if err != nil {
		return false
	}
	defer f.Close()
	rows, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Errorf("%s: results: %v", id, err)
		return false
	}
	abs, rel := suiteTolerance(filepath.Join(dir, id+"-settings.txt"))
	header := rows[0]
	// Eval resolves rule references recursively; each rule is also
	// compiled on its own, with the other variables' values as inputs.
	for _, row := range rows[1:] {
		tm, _ := strconv.ParseFloat(row[0], 64)
		var lookup func(string) (float64, bool)
		depth := 0
		lookup = func(name string) (float64, bool) {
			if name == TimeKey {
				return tm, true
			}
			n, ok := rules[name]
			if !ok {
				n, ok = inits[name]
			}
			if !ok || depth > 50 {
				return 0, false
			}
			depth++
			v, err := Eval(n, lookup, funcs)
			depth--
			return v, err == nil
		}
		for j, col := range header[1:] {
			col = strings.TrimSpace(col)
			want, err := strconv.ParseFloat(strings.TrimSpace(row[j+1]), 64)
			if err != nil {
				want = parseSpecial(row[j+1])
			}
			got, ok := lookup(col)
			if !ok {
				t.Errorf("%s: %s at t=%v: cannot evaluate", id, col, tm)
				continue
			}
			if !suiteClose(got, want, abs, rel) {
				t.Errorf("%s: %s at t=%v: got %v, want %v", id, col, tm, got, want)
			}
			// The compiled Tape must agree with Eval.
			if n, ok := rules[col]; ok {
				names := []string{"time", "out"}
				slot := func(s string) (int, bool) {
					for i, x := range names {
						if x == s {
							return i, true
						}
					}
					if _, ok := lookup(s); ok {
						names = append(names, s)
						return len(names) - 1, true
					}
					return 0, false
				}
				b := NewBuilder(slot, funcs, 0)
				if err := b.Assign(1, n); err != nil {
					t.Errorf("%s: compile %s: %v", id, col, err)
					continue
				}
				tape := b.Build()
				env := make([]float64, len(names))
				env[0] = tm
				for i, s := range names[2:] {
					env[i+2], _ = lookup(s)
				}
				tape.Run(env)
				if !suiteClose(env[1], want, abs, rel) {
					t.Errorf("%s: %s at t=%v: tape %v, want %v", id, col, tm, env[1], want)
				}
			}
		}
	}
	return true
}

func parseSpecial(s string) float64 {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "inf", "infinity":
		return math.Inf(1)
	case "-inf", "-infinity":
		return math.Inf(-1)
	}
	return math.NaN()
}

func suiteClose(got, want, abs, rel float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return math.IsNaN(want) && math.IsNaN(got) || got == want
	}
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

func suiteTolerance(path string) (abs, rel float64) {
	abs, rel = 1e-4, 1e-4
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			continue
		}
		switch strings.TrimSpace(k) {
		case "absolute":
			abs = x
		case "relative":
			rel = x
		}
	}
	return
}
