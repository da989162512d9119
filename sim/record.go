package sim

import (
	"math"

	"github.com/holobiont/holobiont/system"
)

// recorder writes the output rows of a run into one flat slice allocated
// once, and fills the dysbiosis observables against the first row.
type recorder struct {
	flat []float64 // len(output times) rows of w values
	w    int
	dys  []dysTrack
}

// newRecorder returns a recorder of rows rows of w values, on old's
// storage when it is large enough (old may be nil).
func newRecorder(sys *system.System, w, rows int, old []float64) recorder {
	rec := recorder{w: w}
	if cap(old) >= rows*w {
		rec.flat = old[:rows*w]
	} else {
		rec.flat = make([]float64, rows*w)
	}
	for _, d := range sys.DysbiosisObservables() {
		rec.dys = append(rec.dys, dysTrack{d: d})
	}
	return rec
}

// row computes row k, the outputs at (t, y), and returns it.
func (rec *recorder) row(sys *system.System, k int, t float64, y []float64) []float64 {
	w := rec.w
	var row []float64
	if (k+1)*w <= len(rec.flat) {
		row = rec.flat[k*w : (k+1)*w : (k+1)*w]
	} else {
		row = make([]float64, w) // not reached: one row per output time
	}
	sys.Outputs(t, y, row)
	for i := range rec.dys {
		rec.dys[i].fill(row)
	}
	return row
}

// dysTrack computes one dysbiosis observable: the Bray–Curtis distance of
// its members' relative composition from the baseline (the first row's).
type dysTrack struct {
	d    system.Dysbiosis
	base []float64 // baseline relative composition, nil until set
	buf  []float64
}

// fill computes the dysbiosis value of row (Bray–Curtis distance of the
// members' relative composition from the baseline composition).
func (d *dysTrack) fill(row []float64) {
	m := d.d.Members
	if len(d.buf) != len(m) {
		d.buf = make([]float64, len(m))
	}
	comp := d.buf[:len(m)]
	tot := 0.0
	for i, k := range m {
		v := posPart(row[k])
		comp[i] = v
		tot += v
	}
	if tot > 0 {
		for i := range comp {
			comp[i] /= tot
		}
	} else {
		clear(comp)
	}
	if d.base == nil {
		d.base = append([]float64(nil), comp...)
	}
	base := d.base[:len(comp)]
	num, den := 0.0, 0.0
	for i, c := range comp {
		b := base[i]
		num += math.Abs(c - b)
		den += c + b
	}
	v := 0.0
	if den > 0 {
		v = num / den
	}
	row[d.d.Output] = v
}
