package petab

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestScreeningRecord: the candidates' objectives read back bit for bit
// (+Inf for failed candidates included); a missing record is (nil, nil);
// a record of another run or of another number of candidates is refused,
// naming what differs.
func TestScreeningRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "screening.json")
	h := StartLogHeader{ProblemSHA256: "abc", Version: "v", Seed: 3, Settings: map[string]any{"start_candidates": 4, "rtol": 1e-8}}
	if f, err := ReadScreening(path, h, 4); f != nil || err != nil {
		t.Fatalf("missing record: %v, %v", f, err)
	}
	want := []float64{0.1, math.Inf(1), -2.5e-300, 1.0 / 3}
	if err := WriteScreening(path, h, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadScreening(path, h, 4)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %v, %v; want %v", got, err, want)
	}
	if _, err := ReadScreening(path, h, 5); err == nil || !strings.Contains(err.Error(), "4 candidates recorded, the run screens 5") {
		t.Errorf("other candidate count: %v", err)
	}
	h2 := h
	h2.Seed = 4
	if _, err := ReadScreening(path, h2, 4); err == nil || !strings.Contains(err.Error(), "seed 3, now 4") {
		t.Errorf("other seed: %v", err)
	}
}
