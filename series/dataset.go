package series

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Dataset is a longitudinal data set: subjects sampled over time, the same
// taxa in every sample, and input signals (perturbations) per subject.
type Dataset struct {
	Name   string   // short name (the folder or file name)
	Format string   // "mdsine2", "mdsine", "table" or "long"
	Files  []string // the files read, in the order hashed
	// SHA256 is the hash of the files read: SHA-256 over, for each file in
	// Files order, its base name, a newline, the hex SHA-256 of its bytes
	// and a newline.
	SHA256 string
	Taxa   []string
	Inputs []string
	// Absolute reports that Abundance holds absolute abundances (counts
	// scaled by qPCR or biomass, or densities given as such); otherwise the
	// abundances are relative (each sample's counts over their total, or as
	// given).
	Absolute bool
	// Unit describes the abundance unit ("relative", or the qPCR/biomass
	// unit as far as the format says, e.g. "qPCR units (16S copies/g)").
	Unit     string
	Subjects []Subject
	// Notes lists the rules applied while reading and filtering (dropped
	// or pooled taxa, ...), one sentence each.
	Notes []string
}

// Subject is one subject's time series.
type Subject struct {
	ID      string
	Samples []string  // sample ids, one per time
	Times   []float64 // strictly increasing
	// Abundance[k][i] is taxon i in sample k (absolute or relative, see
	// Dataset.Absolute).
	Abundance [][]float64
	// Inputs[j] is the schedule of Dataset.Inputs[j] for this subject.
	Inputs []Signal
}

// Signal is a piecewise-constant input: Value on [Start, End) for each
// piece, 0 outside all pieces.
type Signal []Piece

// Piece is one constant stretch of a Signal.
type Piece struct{ Start, End, Value float64 }

// At returns the signal's value at t (pieces that cover t add).
func (s Signal) At(t float64) float64 {
	v := 0.0
	for _, p := range s {
		if t >= p.Start && t < p.End {
			v += p.Value
		}
	}
	return v
}

// Mean returns the time average of the signal over [a, b] (its value at a
// when b == a).
func (s Signal) Mean(a, b float64) float64 {
	if b <= a {
		return s.At(a)
	}
	v := 0.0
	for _, p := range s {
		lo, hi := math.Max(a, p.Start), math.Min(b, p.End)
		if hi > lo {
			v += p.Value * (hi - lo)
		}
	}
	return v / (b - a)
}

// Breaks returns the times in (a, b) at which the signal may change value.
func (s Signal) Breaks(a, b float64) []float64 {
	var out []float64
	for _, p := range s {
		for _, t := range [2]float64{p.Start, p.End} {
			if t > a && t < b {
				out = append(out, t)
			}
		}
	}
	sort.Float64s(out)
	return out
}

// NumSamples returns the total number of samples.
func (d *Dataset) NumSamples() int {
	n := 0
	for i := range d.Subjects {
		n += len(d.Subjects[i].Times)
	}
	return n
}

// Subject returns the subject with the given id, or nil.
func (d *Dataset) Subject(id string) *Subject {
	for i := range d.Subjects {
		if d.Subjects[i].ID == id {
			return &d.Subjects[i]
		}
	}
	return nil
}

// Relative returns the relative abundances of sample k (each taxon over
// the sample's total; all zeros when the total is zero).
func (s *Subject) Relative(k int) []float64 {
	row := s.Abundance[k]
	out := make([]float64, len(row))
	tot := 0.0
	for _, v := range row {
		tot += v
	}
	if tot > 0 {
		for i, v := range row {
			out[i] = v / tot
		}
	}
	return out
}

// Select returns a data set holding the subjects at the given indices (in
// that order, repeats allowed); subjects are shared, not copied.
func (d *Dataset) Select(idx []int) *Dataset {
	c := *d
	c.Subjects = make([]Subject, len(idx))
	for k, i := range idx {
		c.Subjects[k] = d.Subjects[i]
	}
	return &c
}

// hashFiles computes Dataset.SHA256 from the files' names and contents.
func hashFiles(names []string, contents [][]byte) string {
	h := sha256.New()
	for i, n := range names {
		c := sha256.Sum256(contents[i])
		fmt.Fprintf(h, "%s\n%s\n", baseName(n), hex.EncodeToString(c[:]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// sample is one parsed sample before it is assigned to a subject.
type sample struct {
	id      string
	subject string
	time    float64
	file    string // where the sample's time was read
	line    int
	abund   []float64
}

// assemble groups samples by subject (in order of first appearance), sorts
// each subject's samples by time, checks for repeated times and short
// subjects, and drops taxa that are zero everywhere.
func (d *Dataset) assemble(samples []sample) error {
	order := []string{}
	by := map[string][]sample{}
	for _, s := range samples {
		if _, ok := by[s.subject]; !ok {
			order = append(order, s.subject)
		}
		by[s.subject] = append(by[s.subject], s)
	}
	for _, id := range order {
		ss := by[id]
		sort.SliceStable(ss, func(a, b int) bool { return ss[a].time < ss[b].time })
		for k := 1; k < len(ss); k++ {
			if ss[k].time == ss[k-1].time {
				return &ParseError{File: ss[k].file, Line: ss[k].line, ID: ss[k].id,
					Msg: fmt.Sprintf("subject %q has two samples at time %g (%q and %q)", id, ss[k].time, ss[k-1].id, ss[k].id)}
			}
		}
		if len(ss) < 2 {
			return &ParseError{File: ss[0].file, Line: ss[0].line, ID: ss[0].id,
				Msg: fmt.Sprintf("subject %q has only one sample (time %g); dynamics need at least two: remove the subject or add its samples", id, ss[0].time)}
		}
		sub := Subject{ID: id, Inputs: make([]Signal, len(d.Inputs))}
		for _, s := range ss {
			sub.Samples = append(sub.Samples, s.id)
			sub.Times = append(sub.Times, s.time)
			sub.Abundance = append(sub.Abundance, s.abund)
		}
		d.Subjects = append(d.Subjects, sub)
	}
	if len(d.Subjects) == 0 {
		return fmt.Errorf("%s: no samples", d.Name)
	}
	d.dropAbsent()
	if len(d.Taxa) == 0 {
		return fmt.Errorf("%s: every taxon is zero in every sample", d.Name)
	}
	return nil
}

// dropAbsent removes taxa that are zero in every sample and notes them.
func (d *Dataset) dropAbsent() {
	present := make([]bool, len(d.Taxa))
	for _, s := range d.Subjects {
		for _, row := range s.Abundance {
			for i, v := range row {
				if v > 0 {
					present[i] = true
				}
			}
		}
	}
	var dropped []string
	keep := make([]int, 0, len(d.Taxa))
	for i, p := range present {
		if p {
			keep = append(keep, i)
		} else {
			dropped = append(dropped, d.Taxa[i])
		}
	}
	if len(dropped) == 0 {
		return
	}
	d.keepTaxa(keep)
	d.Notes = append(d.Notes, fmt.Sprintf("dropped %d taxa that are zero in every sample: %s", len(dropped), strings.Join(dropped, ", ")))
}

// keepTaxa restricts the data set to the taxa at the given indices.
func (d *Dataset) keepTaxa(keep []int) {
	taxa := make([]string, len(keep))
	for k, i := range keep {
		taxa[k] = d.Taxa[i]
	}
	d.Taxa = taxa
	for si := range d.Subjects {
		s := &d.Subjects[si]
		for k, row := range s.Abundance {
			nr := make([]float64, len(keep))
			for j, i := range keep {
				nr[j] = row[i]
			}
			s.Abundance[k] = nr
		}
	}
}

// FilterOptions sets the detection and prevalence filter of
// Dataset.Filter, MDSINE2's consistency filter (mdsine2 filter --dtype rel):
// a taxon passes when its relative abundance is at least MinRelative in at
// least MinConsecutive consecutive samples of at least MinSubjects
// subjects.
type FilterOptions struct {
	MinRelative    float64
	MinConsecutive int
	MinSubjects    int
	// Pooled names the member that collects the taxa that fail ("" means
	// "pooled_other").
	Pooled string
}

// DefaultFilter is the filter `holobiont fit` applies unless told
// otherwise: relative abundance >= 1e-4 (MDSINE2's tutorial threshold) in 2
// consecutive samples of 1 subject.
var DefaultFilter = FilterOptions{MinRelative: 1e-4, MinConsecutive: 2, MinSubjects: 1}

// Filter pools the taxa that fail the consistency filter into one member
// (appended last), so that totals, and hence absolute abundances, are kept;
// MDSINE2's filter deletes them instead. It returns the names of the pooled
// taxa. When every taxon passes, d is unchanged; when fewer than two would
// remain, it is an error.
func (d *Dataset) Filter(o FilterOptions) ([]string, error) {
	if !(o.MinRelative >= 0) || o.MinConsecutive < 1 || o.MinSubjects < 1 {
		return nil, fmt.Errorf("filter: want a relative abundance >= 0, >= 1 consecutive samples and >= 1 subjects, got %g, %d, %d", o.MinRelative, o.MinConsecutive, o.MinSubjects)
	}
	if o.MinSubjects > len(d.Subjects) {
		return nil, fmt.Errorf("filter: --min-subjects %d exceeds the %d subjects of %s", o.MinSubjects, len(d.Subjects), d.Name)
	}
	pass := make([]int, len(d.Taxa))
	for si := range d.Subjects {
		s := &d.Subjects[si]
		run := make([]int, len(d.Taxa))
		done := make([]bool, len(d.Taxa))
		for k := range s.Times {
			rel := s.Relative(k)
			for i, v := range rel {
				if v >= o.MinRelative && v > 0 {
					run[i]++
				} else {
					run[i] = 0
				}
				if run[i] >= o.MinConsecutive && !done[i] {
					done[i] = true
					pass[i]++
				}
			}
		}
	}
	var keep, pool []int
	var names []string
	for i, n := range pass {
		if n >= o.MinSubjects {
			keep = append(keep, i)
		} else {
			pool = append(pool, i)
			names = append(names, d.Taxa[i])
		}
	}
	if len(pool) == 0 {
		return nil, nil
	}
	if len(keep) < 2 {
		return nil, fmt.Errorf("filter: only %d of %d taxa pass (relative abundance >= %g in %d consecutive samples of %d subjects); loosen the filter", len(keep), len(d.Taxa), o.MinRelative, o.MinConsecutive, o.MinSubjects)
	}
	name := o.Pooled
	if name == "" {
		name = "pooled_other"
	}
	for si := range d.Subjects {
		s := &d.Subjects[si]
		for k, row := range s.Abundance {
			nr := make([]float64, 0, len(keep)+1)
			for _, i := range keep {
				nr = append(nr, row[i])
			}
			sum := 0.0
			for _, i := range pool {
				sum += row[i]
			}
			s.Abundance[k] = append(nr, sum)
		}
	}
	taxa := make([]string, 0, len(keep)+1)
	for _, i := range keep {
		taxa = append(taxa, d.Taxa[i])
	}
	d.Taxa = append(taxa, name)
	d.Notes = append(d.Notes, fmt.Sprintf("pooled %d taxa below relative abundance %g in %d consecutive samples of %d subjects into %q: %s",
		len(pool), o.MinRelative, o.MinConsecutive, o.MinSubjects, name, strings.Join(names, ", ")))
	return names, nil
}
