package modelfile

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
)

// steinOrder maps the reference file's taxa (state order) to model ids.
var steinOrder = []string{"gut.Barnesiella", "gut.uLachnospiraceae", "gut.ucLachnospiraceae", "gut.Other", "gut.Blautia",
	"gut.uMollicutes", "gut.Akkermansia", "gut.Coprobacillus", "gut.C_difficile", "gut.Enterococcus", "gut.Enterobacteriaceae"}

type steinRef struct {
	pop   int
	times []float64
	rows  [][]float64
}

func readSteinRef(t *testing.T) map[int]*steinRef {
	t.Helper()
	f, err := os.Open("../testdata/stein2013/reference_trajectories.csv")
	if err != nil {
		t.Skipf("skipping: the ODE engineer's reference file is absent: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]*steinRef{}
	for _, rec := range recs[1:] {
		v := make([]float64, len(rec))
		for i, s := range rec {
			if v[i], err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
				t.Fatalf("reference: %v", err)
			}
		}
		id := int(v[0])
		if out[id] == nil {
			out[id] = &steinRef{pop: int(v[1])}
		}
		out[id].times = append(out[id].times, v[2])
		out[id].rows = append(out[id].rows, v[3:])
	}
	return out
}

// TestStein2013 runs models/stein2013.yaml for the 9 mice of Stein 2013
// (initial states and clindamycin schedule as in testdata/stein2013/README.md)
// and compares with the scipy DOP853 (rtol 1e-12) reference: at rtol 1e-8 the
// error must stay below 1e-5 relative to max(|x|, 1e-3). C. difficile must
// invade (> 1, x1e11 copies/cm3, by day 60) only in clindamycin-treated
// challenged mice (population 3) and stay below 0.05 without clindamycin
// (population 1).
func TestStein2013(t *testing.T) {
	ref := readSteinRef(t)
	if len(ref) != 9 {
		t.Fatalf("reference has %d mice, want 9", len(ref))
	}
	for id := 1; id <= 9; id++ {
		r := ref[id]
		m, err := LoadModel("../models/stein2013.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range m.Species {
			for j, name := range steinOrder {
				if s.ID == name {
					s.Initial = r.rows[0][j]
				}
			}
		}
		sched := &sim.Schedule{}
		if r.pop != 1 { // clindamycin u = 1 on [0, 2)
			sched.Signals = []sim.Signal{{Input: "clindamycin", Pieces: []sim.Piece{{Start: 0, End: 2, Value: 1}}}}
		}
		_, tr := runModel(t, m, nil, sched, sim.Options{Start: 0, End: 60, OutputTimes: r.times,
			ODE: ode.Options{Method: ode.DOPRI5, RTol: 1e-8, ATol: 1e-12}})
		worst := 0.0
		for j, name := range steinOrder {
			x := col(t, tr, name)
			for k := range r.times {
				e := math.Abs(x[k]-r.rows[k][j]) / math.Max(math.Abs(r.rows[k][j]), 1e-3)
				worst = math.Max(worst, e)
			}
		}
		if worst > 1e-5 {
			t.Errorf("mouse %d: max relative error %.3g against the DOP853 reference", id, worst)
		}
		cd := last(col(t, tr, "gut.C_difficile"))
		switch r.pop {
		case 3:
			if cd < 1 {
				t.Errorf("mouse %d (clindamycin + C. difficile): C. difficile %.3g at day 60, want invasion (> 1)", id, cd)
			}
		case 1:
			if cd > 0.05 {
				t.Errorf("mouse %d (C. difficile only): C. difficile %.3g at day 60, want no invasion", id, cd)
			}
		}
		t.Logf("mouse %d (population %d): max rel error %.2g, C. difficile at day 60 %.3g", id, r.pop, worst, cd)
	}
}
