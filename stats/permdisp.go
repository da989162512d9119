package stats

import (
	"context"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/holobiont/holobiont/distmat"
)

// DispersionType selects the group centre used by PERMDISP.
type DispersionType int

const (
	// Median is the spatial (geometric) median, vegan's default.
	Median DispersionType = iota
	// Centroid is the group centroid.
	Centroid
)

// PermdispScheme is the permutation scheme of PERMDISP.
type PermdispScheme int

const (
	// PermuteResiduals permutes the residuals of the one-way ANOVA of the
	// distances to group centres, keeping those distances fixed (Anderson
	// 2006; vegan's permutest.betadisper).
	PermuteResiduals PermdispScheme = iota
	// PermuteLabels permutes the group labels and recomputes the group
	// centres and distances for every permutation (scikit-bio's permdisp).
	PermuteLabels
)

func (s PermdispScheme) String() string {
	if s == PermuteLabels {
		return "permute group labels, recompute centres (scikit-bio)"
	}
	return "permute ANOVA residuals of distances to centres (vegan permutest.betadisper)"
}

// PermdispOptions configures Permdisp.
type PermdispOptions struct {
	Type   DispersionType
	Scheme PermdispScheme
	// NegativeAxes keeps the principal axes with negative eigenvalues as
	// imaginary axes (vegan's betadisper): distances to the centre are
	// sqrt(d²_pos − d²_neg). When false only the positive axes are used
	// (scikit-bio's pcoa zeroes the negative ones).
	NegativeAxes bool
}

// VeganPermdisp and SkbioPermdisp are the option sets that reproduce the
// two peers (centre type still to be chosen).
var (
	VeganPermdisp = PermdispOptions{Scheme: PermuteResiduals, NegativeAxes: true}
	SkbioPermdisp = PermdispOptions{Scheme: PermuteLabels, NegativeAxes: false}
)

// PermdispResult adds the per-object distances to their group centre.
type PermdispResult struct {
	Result
	Distances      []float64 // distance of each object to its group centre
	GroupDistances []float64 // mean distance per group
}

// Permdisp runs PERMDISP (Anderson 2006), the test of homogeneity of
// multivariate dispersions: the distances are embedded by principal
// coordinates, each object's distance to its group centroid or spatial
// median is computed, and the statistic is the one-way ANOVA F of those
// distances. See PermdispOptions for the choices in which vegan and
// scikit-bio differ; the F statistic agrees between them (up to the
// tolerance of the spatial median), the p-values do not.
func Permdisp(ctx context.Context, d *distmat.Matrix, g *Grouping, po PermdispOptions, opt PermOptions) (*PermdispResult, error) {
	n := d.N()
	d, err := checkMatrix(d)
	if err != nil {
		return nil, err
	}
	if len(g.Labels) != n {
		return nil, fmt.Errorf("stats: permdisp: %d group labels for %d objects", len(g.Labels), n)
	}
	if err := opt.validate(n); err != nil {
		return nil, err
	}
	k := len(g.Names)
	if n-k <= 0 {
		return nil, fmt.Errorf("stats: permdisp: %d objects in %d groups leave no residual degrees of freedom", n, k)
	}
	vec, pos := pcoaAxes(d, po.NegativeAxes)
	z := make([]float64, n)
	cs := newCentreScratch(n, len(pos))
	dispersions(z, vec, pos, g.Labels, k, po.Type, cs)
	f := anovaF(z, g.Labels, k, nil)
	res := &PermdispResult{Result: Result{Method: "PERMDISP", StatName: "F-value", Statistic: f, N: n, Groups: k,
		Permutations: opt.Permutations, PValue: math.NaN(), R2: math.NaN()}, Distances: z}
	res.GroupDistances = make([]float64, k)
	for i, v := range z {
		res.GroupDistances[g.Labels[i]] += v / float64(g.Sizes[g.Labels[i]])
	}
	if opt.Permutations == 0 {
		return res, nil
	}
	var newWork func() blockWorker
	switch po.Scheme {
	case PermuteResiduals:
		mean := make([]float64, k)
		for i, v := range z {
			mean[g.Labels[i]] += v / float64(g.Sizes[g.Labels[i]])
		}
		resid := make([]float64, n)
		for i, v := range z {
			resid[i] = v - mean[g.Labels[i]]
		}
		newWork = func() blockWorker {
			pr := make([]float64, n)
			gm := make([]float64, k)
			return func(perms [][]int, dst []float64) {
				for q, p := range perms {
					for i := range pr {
						pr[i] = resid[p[i]]
					}
					dst[q] = anovaF(pr, g.Labels, k, gm)
				}
			}
		}
	case PermuteLabels:
		newWork = func() blockWorker {
			lab := make([]int, n)
			zz := make([]float64, n)
			gm := make([]float64, k)
			s := newCentreScratch(n, len(pos))
			return func(perms [][]int, dst []float64) {
				for q, p := range perms {
					for i := range lab {
						lab[i] = g.Labels[p[i]]
					}
					dispersions(zz, vec, pos, lab, k, po.Type, s)
					dst[q] = anovaF(zz, lab, k, gm)
				}
			}
		}
	default:
		return nil, fmt.Errorf("stats: permdisp: unknown permutation scheme %d", po.Scheme)
	}
	perm, err := runPerms(ctx, permJob{n: n, opt: &opt, newWork: newWork})
	if err != nil {
		return nil, err
	}
	res.PValue = pGreater(f, perm)
	return res, nil
}

// pcoaAxes returns the principal coordinates of d as an n×m row-major
// matrix (columns scaled by sqrt(|eigenvalue|)) and the sign of each axis
// (true = positive eigenvalue). Axes with |λ| <= max(tol, tol·λ_1) are
// dropped, tol = sqrt(machine epsilon), as vegan's betadisper does.
func pcoaAxes(d *distmat.Matrix, negative bool) (vec []float64, pos []bool) {
	n := d.N()
	a := distmat.Gower(d)
	var es mat.EigenSym
	es.Factorize(mat.NewSymDense(n, a), true)
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool { return vals[order[x]] > vals[order[y]] })
	tol := math.Sqrt(0x1p-52)
	lim := math.Max(tol, tol*vals[order[0]])
	var keep []int
	for _, o := range order {
		if math.Abs(vals[o]) > lim && (negative || vals[o] > 0) {
			keep = append(keep, o)
		}
	}
	m := len(keep)
	vec = make([]float64, n*m)
	pos = make([]bool, m)
	for c, o := range keep {
		s := math.Sqrt(math.Abs(vals[o]))
		pos[c] = vals[o] > 0
		for i := 0; i < n; i++ {
			vec[i*m+c] = vecs.At(i, o) * s
		}
	}
	return vec, pos
}

type centreScratch struct {
	centre  []float64 // k×m, allocated lazily
	members []int
	pts     []float64
	tmp     []float64
}

func newCentreScratch(n, m int) *centreScratch {
	return &centreScratch{members: make([]int, 0, n), tmp: make([]float64, 2*m)}
}

// dispersions writes each object's distance to its group centre into z.
func dispersions(z, vec []float64, pos []bool, labels []int, k int, typ DispersionType, s *centreScratch) {
	n := len(z)
	m := len(pos)
	if cap(s.centre) < k*m {
		s.centre = make([]float64, k*m)
	}
	cen := s.centre[:k*m]
	for c := 0; c < k; c++ {
		s.members = s.members[:0]
		for i := 0; i < n; i++ {
			if labels[i] == c {
				s.members = append(s.members, i)
			}
		}
		cc := cen[c*m : c*m+m]
		switch typ {
		case Centroid:
			for j := range cc {
				cc[j] = 0
			}
			for _, i := range s.members {
				for j, v := range vec[i*m : i*m+m] {
					cc[j] += v
				}
			}
			for j := range cc {
				cc[j] /= float64(len(s.members))
			}
		default:
			// Spatial median of the positive and of the negative axes
			// separately, as vegan's betadisper; with positive axes only
			// this is scikit-bio's geomedian.
			for _, sign := range []bool{true, false} {
				var cols []int
				for j, p := range pos {
					if p == sign {
						cols = append(cols, j)
					}
				}
				if len(cols) == 0 {
					continue
				}
				q := len(cols)
				if cap(s.pts) < len(s.members)*q {
					s.pts = make([]float64, len(s.members)*q)
				}
				pts := s.pts[:len(s.members)*q]
				for r, i := range s.members {
					for a, j := range cols {
						pts[r*q+a] = vec[i*m+j]
					}
				}
				med := make([]float64, q)
				SpatialMedian(med, pts, q)
				for a, j := range cols {
					cc[j] = med[a]
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		cc := cen[labels[i]*m : labels[i]*m+m]
		var dp, dn float64
		for j, v := range vec[i*m : i*m+m] {
			e := v - cc[j]
			if pos[j] {
				dp += e * e
			} else {
				dn += e * e
			}
		}
		z[i] = math.Sqrt(math.Max(0, dp-dn))
	}
}

// SpatialMedian writes into dst (length dim) the point minimising the sum
// of Euclidean distances to the rows of pts (row-major, dim columns), by
// Weiszfeld's iteration with the Vardi–Zhang (2000) modification for
// iterates that land on a data point, iterated to a relative change below
// 1e-14 (or 10 000 steps).
func SpatialMedian(dst, pts []float64, dim int) {
	r := len(pts) / dim
	for j := range dst {
		dst[j] = 0
	}
	for i := 0; i < r; i++ {
		for j := 0; j < dim; j++ {
			dst[j] += pts[i*dim+j] / float64(r)
		}
	}
	if r <= 2 {
		return // the mean is a spatial median of one or two points
	}
	num := make([]float64, dim)
	for it := 0; it < 10000; it++ {
		for j := range num {
			num[j] = 0
		}
		var wsum float64
		eta := 0
		for i := 0; i < r; i++ {
			row := pts[i*dim : i*dim+dim]
			var d2 float64
			for j, v := range row {
				e := v - dst[j]
				d2 += e * e
			}
			dd := math.Sqrt(d2)
			if dd < 1e-300 {
				eta++
				continue
			}
			w := 1 / dd
			wsum += w
			for j, v := range row {
				num[j] += w * v
			}
		}
		if wsum == 0 {
			return
		}
		var change, scale float64
		if eta == 0 {
			for j := range dst {
				nv := num[j] / wsum
				change += (nv - dst[j]) * (nv - dst[j])
				scale += nv * nv
				dst[j] = nv
			}
		} else {
			// Vardi–Zhang step.
			var rn float64
			for j := range num {
				t := num[j]/wsum - dst[j]
				rn += t * t
			}
			rn = math.Sqrt(rn) * wsum
			gamma := math.Min(1, float64(eta)/rn)
			for j := range dst {
				t := num[j] / wsum
				nv := (1-gamma)*t + gamma*dst[j]
				change += (nv - dst[j]) * (nv - dst[j])
				scale += nv * nv
				dst[j] = nv
			}
		}
		if change <= 1e-28*math.Max(scale, 1e-300) {
			return
		}
	}
}

// anovaF returns the one-way ANOVA F statistic of z grouped by labels
// (k groups); gm is optional scratch of length k.
func anovaF(z []float64, labels []int, k int, gm []float64) float64 {
	if gm == nil {
		gm = make([]float64, k)
	}
	var cnt [64]int
	var cnts []int
	if k <= len(cnt) {
		cnts = cnt[:k]
	} else {
		cnts = make([]int, k)
	}
	for c := range gm {
		gm[c] = 0
		cnts[c] = 0
	}
	var mean float64
	for i, v := range z {
		gm[labels[i]] += v
		cnts[labels[i]]++
		mean += v
	}
	n := len(z)
	mean /= float64(n)
	var ssb float64
	for c := range gm {
		if cnts[c] > 0 {
			gm[c] /= float64(cnts[c])
			ssb += float64(cnts[c]) * (gm[c] - mean) * (gm[c] - mean)
		}
	}
	var ssw float64
	for i, v := range z {
		e := v - gm[labels[i]]
		ssw += e * e
	}
	return (ssb / float64(k-1)) / (ssw / float64(n-k))
}
