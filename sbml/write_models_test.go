package sbml

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// TestRoundTripShippedModels exports every shipped model, imports the SBML
// again and checks that both simulate alike over 30 days (no schedule):
// |a − b| ≤ 1e-6 + 1e-5·|a| at solver rtol 1e-9.
func TestRoundTripShippedModels(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testutil.RepoRoot(), "models", "*.yaml"))
	if len(files) == 0 {
		t.Skip("no models/*.yaml")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m, err := modelfile.LoadModel(f)
			if err != nil {
				t.Skipf("model does not load (front end mid-edit?): %v", err)
			}
			var buf bytes.Buffer
			if err := Write(&buf, m); err != nil {
				t.Fatal(err)
			}
			m2, err := Read(filepath.Base(f)+".xml", buf.Bytes())
			if err != nil {
				t.Fatalf("re-import: %v", err)
			}
			s1, err := system.Compile(m)
			if err != nil {
				t.Skipf("model does not compile: %v", err)
			}
			s2, err := system.Compile(m2)
			if err != nil {
				t.Fatalf("compile exported model: %v", err)
			}
			opt := sim.Options{Start: 0, End: 30, OutputTimes: []float64{0, 1, 5, 10, 20, 30}, ODE: ode.Options{RTol: 1e-9, ATol: 1e-12}}
			tr1, err := sim.Run(context.Background(), s1, nil, opt)
			if err != nil {
				t.Skipf("original model does not run: %v", err)
			}
			tr2, err := sim.Run(context.Background(), s2, nil, opt)
			if err != nil {
				t.Fatalf("exported model: %v", err)
			}
			idx := map[string]int{}
			for j, n := range tr2.Names {
				idx[n] = j
			}
			n := 0
			for j, name := range tr1.Names {
				j2, ok := idx[SId(name)]
				if !ok {
					continue // dysbiosis observables are not exported
				}
				n++
				for k := range tr1.Times {
					a, b := tr1.Values[k][j], tr2.Values[k][j2]
					if !(math.Abs(a-b) <= 1e-6+1e-5*math.Abs(a)) && !(math.IsNaN(a) && math.IsNaN(b)) {
						t.Errorf("%s at t=%g: %g, after round trip %g", name, tr1.Times[k], a, b)
						break
					}
				}
			}
			if n < len(tr1.Names)/2 {
				t.Errorf("only %d of %d variables found after the round trip", n, len(tr1.Names))
			}
		})
	}
}
