package modelfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/holobiont/holobiont/system"
)

// FuzzCompileModel takes fuzzed YAML through everything `model check` and
// `run` do before integrating: parse, validate, compile, then the initial
// state, one right-hand side, the Jacobian and the outputs. Nothing may
// panic or hang; a refusal must be an error. Seeds: the small shipped
// models, the documentation's example and the refused models in
// testdata/bad.
func FuzzCompileModel(f *testing.F) {
	f.Add([]byte(okModel))
	seeds, _ := filepath.Glob("testdata/bad/*.yaml")
	seeds = append(seeds, "../models/lee2024.yaml", "../models/hpa-karin2020.yaml", "../models/stein2013.yaml")
	for _, n := range seeds {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseModel("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		sys, err := system.Compile(m)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty compile error")
			}
			return
		}
		n := sys.Dim()
		y := make([]float64, n)
		if err := sys.InitialState(y); err != nil {
			return
		}
		dy := make([]float64, n)
		sys.RHS(0, y, dy)
		sys.Jacobian(0, y, make([]float64, n*n))
		sys.Outputs(0, y, make([]float64, len(sys.VariableNames())))
	})
}
