package petab

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

func deHeader(gens int) StartLogHeader {
	return StartLogHeader{ProblemSHA256: "abc", Version: "v", Seed: 3, Settings: map[string]any{"starts": 2, "de_generations": gens}}
}

// TestDEStateRoundTrip: a state written and read back is the same, bit
// for bit (non-finite objectives and a NaN included); a missing file is no
// state; a file of another run is refused naming the setting that
// differs; a file cut short is an error naming it.
func TestDEStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "de-state.json")
	if s, err := ReadDEState(path, deHeader(5)); s != nil || err != nil {
		t.Fatalf("missing file: %v, %v; want nil, nil", s, err)
	}
	want := estimate.DEState{Generation: 4, Evals: 60, RNG: []byte{1, 2, 3, 250}, Converged: true,
		Pop: [][]float64{{0.1, 1e-300}, {-2.5, 1.0 / 3}}, F: []float64{math.Inf(1), 0.30000000000000004}}
	if err := WriteDEState(path, deHeader(5), want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDEState(path, deHeader(5))
	if err != nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("read back %+v (%v), want %+v", got, err, want)
	}
	want.F[0] = math.NaN()
	if err := WriteDEState(path, deHeader(5), want); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadDEState(path, deHeader(5)); err != nil || !math.IsNaN(got.F[0]) {
		t.Fatalf("NaN objective read back as %v (%v)", got, err)
	}
	_, err = ReadDEState(path, deHeader(6))
	if err == nil || !strings.Contains(err.Error(), "settings.de_generations 5, now 6") || !strings.Contains(err.Error(), path) {
		t.Fatalf("another run's state: err %v, want one naming %s and settings.de_generations", err, path)
	}
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDEState(path, deHeader(5)); err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Fatalf("torn file: err %v, want one naming %s", err, path)
	}
}

// FuzzReadDEState: the reader of de-state.json never panics, and what it
// accepts is of the run's header, with as many objectives as members,
// members of one length and no negative counts.
func FuzzReadDEState(f *testing.F) {
	head, err := json.Marshal(deHeader(5))
	if err != nil {
		f.Fatal(err)
	}
	h := `{"run":` + string(head)
	f.Add([]byte(h + `,"generation":2,"evaluations":30,"converged":false,"rng":"AQID","population":[[0.5,1],[2,"-Inf"]],"objectives":[1,"+Inf"]}`))
	f.Add([]byte(h + `,"generation":-1,"population":[[0.5],[2,3]],"objectives":[1,"NaN"]}`))
	f.Add([]byte(h + `,"rng":"!!","population":[],"objectives":[]}`))
	f.Add([]byte(`{"run":{},"population":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseDEState("de-state.json", data, head)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "de-state.json: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(s.Pop) == 0 || len(s.Pop) != len(s.F) || s.Generation < 0 || s.Evals < 0 {
			t.Fatalf("accepted %d members, %d objectives, generation %d, %d evaluations", len(s.Pop), len(s.F), s.Generation, s.Evals)
		}
		for _, x := range s.Pop {
			if len(x) != len(s.Pop[0]) {
				t.Fatalf("accepted members of %d and %d parameters", len(x), len(s.Pop[0]))
			}
		}
	})
}
