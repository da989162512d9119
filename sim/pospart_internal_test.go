package sim

import (
	"math"
	"testing"

	"github.com/holobiont/holobiont/system"
)

// TestPosPartMatchesMathMax checks that posPart gives exactly the bits of
// math.Max(x, 0), including signed zeros, infinities and NaN payloads.
func TestPosPartMatchesMathMax(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(), math.Float64frombits(0x7ff4000000000000),
		math.Float64frombits(0xfff8000000000123)} {
		if got, want := posPart(x), math.Max(x, 0); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("posPart(%v) = %#x, math.Max(x, 0) = %#x", x, math.Float64bits(got), math.Float64bits(want))
		}
	}
}

// TestDysTrackFill checks the Bray–Curtis dysbiosis against values worked by
// hand: baseline (1, 3, 0) → relative (0.25, 0.75, 0); then (2, 0, -1) with
// the negative member clamped to 0 → (1, 0, 0); BC = (0.75 + 0.75 + 0)/2.
func TestDysTrackFill(t *testing.T) {
	d := dysTrack{d: system.Dysbiosis{Output: 3, Members: []int{0, 1, 2}}}
	row := []float64{1, 3, 0, -7}
	d.fill(row)
	if row[3] != 0 {
		t.Errorf("baseline dysbiosis = %v, want 0", row[3])
	}
	row = []float64{2, 0, -1, -7}
	d.fill(row)
	if row[3] != 0.75 {
		t.Errorf("dysbiosis = %v, want 0.75", row[3])
	}
	row = []float64{0, math.Copysign(0, -1), -1, -7}
	d.fill(row)
	if row[3] != 1 { // all zero: composition 0, BC = 1/1
		t.Errorf("dysbiosis of an empty community = %v, want 1", row[3])
	}
}
