// Command fit_recovery measures how well holobiont fit recovers known
// community dynamics from data simulated by holobiont itself (MDSINE's
// simulated benchmark, Bucci et al. 2016), and writes the simulated
// 200-taxon data set of the speed benchmark.
//
// Each replicate draws a random stable gLV community (n taxa, growth rates,
// a sparse interaction matrix, one perturbation acting on half of the taxa),
// writes it as a holobiont model with a cohort spec (subjects differing in
// their starting state; Bucci-like sampling; sequencing depth; Dirichlet-
// multinomial counts; qPCR triplicates with log-normal noise), runs the
// cohort (package cohort) into an MDSINE2 folder, reads it back (package
// series), fits the training subjects (package fit), and scores the
// parameters against the truth and the forecasts of two held-out subjects.
//
//	go run ./scripts/fit_recovery -out benchmarks/fit-recovery.tsv      # the main table of benchmarks/fit.md
//	go run ./scripts/fit_recovery -out benchmarks/fit-recovery-reference.tsv -reference -reps 5 -precision 0 -qpcr-sigma 0
//	go run ./scripts/fit_recovery -speedset /tmp/sim200                  # 200 taxa x 10 subjects x 80 samples
//
// Truth: the equilibrium x*_i ~ U(0.5, 1.5)/n is drawn first; self-interaction
// a_ii = −d_i, d_i ~ U(0.5, 1.5)·max(1, n/10) (growth rates of order 0.1/day
// at any n); each off-diagonal a_ij is nonzero with probability 0.3 (20 or
// more taxa: 0.15), ±U(0.2, 1)·d_i, the row scaled so that Σ_j≠i |a_ij| <=
// 0.8 d_i (diagonal dominance: a stable equilibrium); r = −A x*, a row's
// off-diagonals redrawn until r_i >= 0.1 d_i x*_i. Perturbation "abx" acts on
// days [14, 21) with b_i ~ −U(0.5, 2) on a random half of the taxa, 0 on
// the others. Subject starting states x0_i = x*_i · LogNormal(0, 1).
// Samples: the 27 Bucci C. difficile times (0 and 0.75 … 56 days), evenly
// thinned to fewer. Reads: log-normal depth (mean D, sigma 0.3, min 500),
// Dirichlet-multinomial (precision 1000). qPCR: 3 replicates, log-normal
// sigma 0.3, load = total × 1e10.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/fit"
	"github.com/holobiont/holobiont/internal/mdtable"
	"github.com/holobiont/holobiont/series"
)

// bucciTimes are the sampling days of the Bucci 2016 C. difficile
// experiment, with day 0 added (27 times).
var bucciTimes = []float64{0, 0.75, 1, 2, 3, 4, 6, 8, 10, 14, 17, 21, 24, 28, 28.75, 29, 30, 31, 32, 34, 36, 38, 42, 45, 49, 52, 56}

const loadScale = 1e10

type truth struct {
	n     int
	r, b  []float64
	a     [][]float64
	xstar []float64
}

func randomCommunity(n int, rng *rand.Rand) truth {
	p := 0.3
	if n >= 20 {
		p = 0.15
	}
	scale := math.Max(1, float64(n)/10)
	t := truth{n: n, r: make([]float64, n), b: make([]float64, n), a: make([][]float64, n), xstar: make([]float64, n)}
	for i := 0; i < n; i++ {
		t.xstar[i] = (0.5 + rng.Float64()) / float64(n)
		if rng.IntN(2) == 0 {
			t.b[i] = -(0.5 + 1.5*rng.Float64())
		}
	}
	for i := 0; i < n; i++ {
		t.a[i] = make([]float64, n)
		d := (0.5 + rng.Float64()) * scale
		t.a[i][i] = -d
		// Redraw the row's off-diagonal entries until its growth rate
		// r_i = -Σ_j a_ij x*_j is at least 0.1·d·x*_i.
		for {
			sum := 0.0
			for j := 0; j < n; j++ {
				t.a[i][j] = 0
				if j != i && rng.Float64() < p {
					v := (0.2 + 0.8*rng.Float64()) * d
					if rng.IntN(2) == 0 {
						v = -v
					}
					t.a[i][j] = v
					sum += math.Abs(v)
				}
			}
			if sum > 0.8*d {
				for j := 0; j < n; j++ {
					if j != i {
						t.a[i][j] *= 0.8 * d / sum
					}
				}
			}
			t.a[i][i] = -d
			r := 0.0
			for j := 0; j < n; j++ {
				r -= t.a[i][j] * t.xstar[j]
			}
			if r >= 0.1*d*t.xstar[i] {
				t.r[i] = r
				break
			}
		}
	}
	return t
}

func taxon(i int) string { return fmt.Sprintf("T%03d", i+1) }

// writeModel writes the community as a holobiont model whose starting
// state is the parameters x0.<taxon>.
func (t truth) writeModel(path string) error {
	var b strings.Builder
	b.WriteString("id: simulated\nname: simulated gLV community\ntime_unit: day\nmetadata: {source: \"scripts/fit_recovery\"}\n")
	b.WriteString("sites:\n  gut: {kind: gut}\ninputs:\n  abx: {default: 0, unit: dimensionless}\nparameters:\n")
	for i := 0; i < t.n; i++ {
		fmt.Fprintf(&b, "  x0.%s: {value: %g, unit: dimensionless, citation: \"simulated\", evidence: S}\n", taxon(i), t.xstar[i])
		fmt.Fprintf(&b, "  r.%s: {value: %g, unit: 1/day, citation: \"simulated\", evidence: S}\n", taxon(i), t.r[i])
		fmt.Fprintf(&b, "  b.%s: {value: %g, unit: 1/day, citation: \"simulated\", evidence: S}\n", taxon(i), t.b[i])
	}
	b.WriteString("communities:\n  gut:\n    members:\n")
	for i := 0; i < t.n; i++ {
		fmt.Fprintf(&b, "      %s: {taxon: %s, initial: \"x0.%s\", rate: \"r.%s\", effects: \"b.%s*abx\"}\n", taxon(i), taxon(i), taxon(i), taxon(i), taxon(i))
	}
	b.WriteString("    matrix:\n      rows:\n")
	for i := 0; i < t.n; i++ {
		cells := make([]string, t.n)
		for j := range cells {
			cells[j] = fmt.Sprintf("%g", t.a[i][j])
		}
		fmt.Fprintf(&b, "        %s: [%s]\n", taxon(i), strings.Join(cells, ", "))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func thin(times []float64, k int) []float64 {
	if k >= len(times) {
		return times
	}
	out := make([]float64, k)
	for i := range out {
		out[i] = times[int(math.Round(float64(i)*float64(len(times)-1)/float64(k-1)))]
	}
	return out
}

// simulate runs a cohort of the community and returns its MDSINE2 folder.
func (t truth) simulate(ctx context.Context, dir string, subjects int, times []float64, depth float64, seed uint64, nz noise) (string, error) {
	if err := t.writeModel(filepath.Join(dir, "model.yaml")); err != nil {
		return "", err
	}
	end := times[len(times)-1]
	os.WriteFile(filepath.Join(dir, "scenario.yaml"), []byte(fmt.Sprintf("duration: %g\ninterventions:\n  - {type: input, input: abx, value: 1, start: 14, duration: 7}\n", end)), 0o644)
	var b strings.Builder
	fmt.Fprintf(&b, "name: recovery\nn: %d\nseed: %d\nmodel: model.yaml\nscenario: scenario.yaml\nduration: %g\nsolver: {rtol: 1.0e-8, atol: 1.0e-12}\nparameters:\n", subjects, seed, end)
	for i := 0; i < t.n; i++ {
		fmt.Fprintf(&b, "  x0.%s: {dist: lognormal, median: %g, sdlog: 1}\n", taxon(i), t.xstar[i])
	}
	ts := make([]string, len(times))
	for k, v := range times {
		ts[k] = fmt.Sprintf("%g", v)
	}
	fmt.Fprintf(&b, "sampling:\n  - {times: [%s], sites: [gut]}\n", strings.Join(ts, ", "))
	seqNoise := "dirichlet-multinomial\n  precision: " + fmt.Sprint(nz.precision)
	if nz.precision == 0 {
		seqNoise = "multinomial"
	}
	fmt.Fprintf(&b, "sequencing:\n  depth: {dist: lognormal, mean: %g, sigma: 0.3, min: 500}\n  noise: %s\n  qpcr: {replicates: 3, sigma: %g}\n  load_scale: %g\n", depth, seqNoise, nz.qpcrSigma, loadScale)
	spec := filepath.Join(dir, "spec.yaml")
	os.WriteFile(spec, []byte(b.String()), 0o644)
	s, err := cohort.LoadSpec(spec)
	if err != nil {
		return "", err
	}
	p, err := cohort.Compile(s)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "cohort")
	if err := cohort.Run(ctx, p, out, cohort.Options{Version: "fit_recovery"}); err != nil {
		return "", err
	}
	return filepath.Join(out, "mdsine2"), nil
}

// noise sets the measurement noise: Dirichlet-multinomial precision (0:
// multinomial) and the qPCR log-normal sigma.
type noise struct{ precision, qpcrSigma float64 }

type config struct {
	taxa, subjects, times int
	depth                 float64
}

type scores struct {
	growth, inter, effect, auc, sign, heldOut float64
	seconds                                   float64
}

// score compares a fitted gLV model (absolute units) with the truth, and
// forecasts the held-out subjects.
func score(ctx context.Context, m *fit.Model, t truth, d *series.Dataset, held []int) scores {
	var s scores
	idx := map[string]int{}
	for i, n := range m.Taxa {
		idx[n] = i
	}
	var ge, gn, ie, in, ee, en float64
	var pos, neg []float64
	agree, edges := 0, 0
	for i := 0; i < t.n; i++ {
		fi, ok := idx[taxon(i)]
		if !ok {
			continue // filtered out
		}
		ge += sq(m.Growth[fi] - t.r[i])
		gn += sq(t.r[i])
		if len(m.Effect[fi]) > 0 {
			ee += sq(m.Effect[fi][0] - t.b[i])
			en += sq(t.b[i])
		}
		for j := 0; j < t.n; j++ {
			fj, ok := idx[taxon(j)]
			if !ok {
				continue
			}
			est := m.Interaction[fi][fj] * loadScale
			ie += sq(est - t.a[i][j])
			in += sq(t.a[i][j])
			if i == j {
				continue
			}
			if t.a[i][j] != 0 {
				pos = append(pos, math.Abs(est))
				edges++
				if math.Signbit(est) == math.Signbit(t.a[i][j]) {
					agree++
				}
			} else {
				neg = append(neg, math.Abs(est))
			}
		}
	}
	s.growth, s.inter, s.effect = math.Sqrt(ge/gn), math.Sqrt(ie/in), math.Sqrt(ee/en)
	s.auc = auc(pos, neg)
	s.sign = float64(agree) / float64(edges)
	var errs []float64
	for _, h := range held {
		sub := &d.Subjects[h]
		rel, _, err := m.Forecast(ctx, sub)
		if err != nil {
			errs = append(errs, math.Inf(1))
			continue
		}
		obs := make([][]float64, len(sub.Times))
		for k := range obs {
			obs[k] = sub.Relative(k)
		}
		errs = append(errs, fit.RMSE(obs, rel))
	}
	s.heldOut = fit.Median(errs)
	return s
}

func sq(x float64) float64 { return x * x }

// auc is the Mann–Whitney AUC of scores of true edges (pos) against
// non-edges (neg); ties count half.
func auc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return math.NaN()
	}
	w := 0.0
	for _, p := range pos {
		for _, q := range neg {
			switch {
			case p > q:
				w++
			case p == q:
				w += 0.5
			}
		}
	}
	return w / float64(len(pos)*len(neg))
}

func main() {
	out := flag.String("out", "", "write the per-replicate scores here (TSV) and print the tables")
	reps := flag.Int("reps", 10, "replicates per configuration")
	speed := flag.String("speedset", "", "write the 200-taxon x 10-subject x 80-sample MDSINE2 data set into this folder and exit")
	only := flag.String("only", "", "run only this configuration: taxa,subjects,times,depth")
	prec := flag.Float64("precision", 1000, "Dirichlet-multinomial precision of the counts (0: multinomial)")
	qs := flag.Float64("qpcr-sigma", 0.3, "log-normal sigma of each qPCR replicate")
	fixed := flag.Float64("penalty", 0, "fix every block's penalty at this value instead of choosing it (0: inner CV)")
	reference := flag.Bool("reference", false, "the reference configurations instead: 5, 10, 20 taxa x 5 subjects x 27 times (combine with -precision 0 -qpcr-sigma 0 and a huge depth for nearly noise-free data)")
	flag.Parse()
	ctx := context.Background()
	if *speed != "" {
		rng := rand.New(rand.NewPCG(200, 1))
		t := randomCommunity(200, rng)
		times := make([]float64, 80)
		for k := range times {
			times[k] = float64(k) * 56.0 / 79
		}
		if err := os.MkdirAll(*speed, 0o755); err != nil {
			log.Fatal(err)
		}
		dir, err := t.simulate(ctx, *speed, 10, times, 25000, 200, noise{*prec, *qs})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("wrote", dir)
		return
	}
	if *out == "" {
		log.Fatal("give -out FILE or -speedset DIR")
	}
	var configs []config
	for _, n := range []int{5, 10, 20} {
		for _, s := range []int{3, 5, 10} {
			configs = append(configs, config{n, s, 27, 25000})
		}
	}
	for _, k := range []int{8, 15} {
		configs = append(configs, config{10, 5, k, 25000})
	}
	for _, dpt := range []float64{1000, 5000} {
		configs = append(configs, config{10, 5, 27, dpt})
	}
	if *reference {
		configs = []config{{5, 5, 27, 1e7}, {10, 5, 27, 1e7}, {20, 5, 27, 1e7}}
	}
	if *only != "" {
		var c config
		if _, err := fmt.Sscanf(*only, "%d,%d,%d,%g", &c.taxa, &c.subjects, &c.times, &c.depth); err != nil {
			log.Fatalf("-only %q: want taxa,subjects,times,depth", *only)
		}
		configs = []config{c}
	}
	type variant struct {
		name string
		opt  fit.Options
	}
	methods := []variant{
		{"glv-ridge", fit.Options{Method: fit.GLVRidge}},
		{"glv-ridge --scheme trapezoid", fit.Options{Method: fit.GLVRidge, Trapezoid: true}},
		{"glv-elasticnet", fit.Options{Method: fit.GLVElasticNet}},
	}
	if *fixed > 0 {
		for i := range methods {
			methods[i].opt.Penalty = &fit.Penalty{Growth: *fixed, Interaction: *fixed, Perturbation: *fixed}
			if methods[i].opt.Method == fit.GLVElasticNet {
				methods[i].opt.Penalty.L1Ratio = 0.5
			}
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "taxa\tsubjects\ttimes\tdepth\treplicate\tmethod\tgrowth_rel_err\tinteraction_rel_err\tperturbation_rel_err\tauc\tsign_accuracy\theld_out_rmse_rel\tseconds")
	type key struct {
		c config
		m string
	}
	all := map[key][]scores{}
	for ci, c := range configs {
		for r := 0; r < *reps; r++ {
			seed := uint64(1000*ci + r + 1)
			rng := rand.New(rand.NewPCG(seed, 7))
			t := randomCommunity(c.taxa, rng)
			tmp, _ := os.MkdirTemp("", "fitrec")
			dir, err := t.simulate(ctx, tmp, c.subjects+2, thin(bucciTimes, c.times), c.depth, seed, noise{*prec, *qs})
			if err != nil {
				log.Fatal(err)
			}
			d, err := series.ReadMDSINE2(dir)
			if err != nil {
				log.Fatal(err)
			}
			if _, err := d.Filter(series.DefaultFilter); err != nil {
				log.Fatal(err)
			}
			train := make([]int, c.subjects)
			for i := range train {
				train[i] = i
			}
			held := []int{c.subjects, c.subjects + 1}
			for _, v := range methods {
				t0 := time.Now()
				m, err := fit.Fit(ctx, d.Select(train), v.opt)
				if err != nil {
					log.Printf("config %+v replicate %d %s: %v", c, r, v.name, err)
					continue
				}
				s := score(ctx, m, t, d, held)
				s.seconds = time.Since(t0).Seconds()
				all[key{c, v.name}] = append(all[key{c, v.name}], s)
				fmt.Fprintf(w, "%d\t%d\t%d\t%g\t%d\t%s\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.4g\t%.3f\n", c.taxa, c.subjects, c.times, c.depth, r+1, v.name,
					s.growth, s.inter, s.effect, s.auc, s.sign, s.heldOut, s.seconds)
			}
			os.RemoveAll(tmp)
		}
		w.Flush()
		log.Printf("config %d/%d done", ci+1, len(configs))
	}
	w.Flush()
	f.Close()
	// Markdown table: medians [IQR] over replicates.
	tb := mdtable.New(os.Stdout, nil, "taxa", "subjects", "times", "depth", "method", "growth rel. err", "interaction rel. err", "perturbation rel. err", "AUC-ROC", "sign accuracy", "held-out rmse_rel", "s per fit")
	for _, c := range configs {
		for _, v := range methods {
			meth := v.name
			ss := all[key{c, meth}]
			col := func(get func(scores) float64) string {
				v := make([]float64, len(ss))
				for i, s := range ss {
					v[i] = get(s)
				}
				sort.Float64s(v)
				return fmt.Sprintf("%.2f [%.2f–%.2f]", fit.Median(v), q(v, 0.25), q(v, 0.75))
			}
			tb.Row(fmt.Sprint(c.taxa), fmt.Sprint(c.subjects), fmt.Sprint(c.times), fmt.Sprint(c.depth), meth,
				col(func(s scores) float64 { return s.growth }), col(func(s scores) float64 { return s.inter }),
				col(func(s scores) float64 { return s.effect }), col(func(s scores) float64 { return s.auc }),
				col(func(s scores) float64 { return s.sign }), col(func(s scores) float64 { return s.heldOut }),
				col(func(s scores) float64 { return s.seconds }))
		}
	}
}

func q(v []float64, p float64) float64 {
	var fin []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			fin = append(fin, x)
		}
	}
	if len(fin) == 0 {
		return math.NaN()
	}
	h := p * float64(len(fin)-1)
	i := int(h)
	if i+1 >= len(fin) || fin[i] == fin[i+1] || h == float64(i) {
		return fin[i]
	}
	return fin[i] + (h-float64(i))*(fin[i+1]-fin[i])
}
