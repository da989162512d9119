package sim

import (
	"math"

	"github.com/holobiont/holobiont/system"
)

// recorder writes the output rows of a run into blocks of rows, each
// allocated when the run reaches it and kept for the next run (Reuse), and
// fills the dysbiosis observables against the first row. One block for all
// rows would be allocated (and zeroed) before the first step: 2 GB and
// several CPU seconds for 900,000 rows of 289 values, with no chance to
// notice a cancelled context on the way.
type recorder struct {
	blocks [][]float64 // rows of block b start at row b*per
	rows   int         // rows in the run
	per    int         // rows per block
	w      int
	dys    []dysTrack
}

// blockValues is the size of a full block of rows, in values (8 MiB).
const blockValues = 1 << 20

// newRecorder returns a recorder of rows rows of w values, on old's blocks
// where they are large enough (old may be nil).
func newRecorder(sys *system.System, w, rows int, old [][]float64) recorder {
	rec := recorder{w: w, rows: rows, per: max(1, blockValues/max(w, 1)), blocks: old[:0]}
	for _, d := range sys.DysbiosisObservables() {
		rec.dys = append(rec.dys, dysTrack{d: d})
	}
	return rec
}

// block returns block b, allocating it (or taking over the previous run's)
// when the run first reaches it.
func (rec *recorder) block(b int) []float64 {
	for len(rec.blocks) <= b {
		i := len(rec.blocks)
		need := min(rec.per, rec.rows-i*rec.per) * rec.w
		var blk []float64
		if i < cap(rec.blocks) {
			blk = rec.blocks[:i+1][i]
		}
		if cap(blk) >= need {
			blk = blk[:need]
		} else {
			blk = make([]float64, need)
		}
		rec.blocks = append(rec.blocks, blk)
	}
	return rec.blocks[b]
}

// row computes row k, the outputs at (t, y), and returns it.
func (rec *recorder) row(sys *system.System, k int, t float64, y []float64) []float64 {
	w := rec.w
	var row []float64
	if k < rec.rows {
		blk := rec.block(k / rec.per)
		i := k % rec.per * w
		row = blk[i : i+w : i+w]
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
