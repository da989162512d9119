package stats

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

const goldenPerms = 9999 // permutations used by scripts/golden_stats.*

type dmCase struct {
	tag, dm, meta, col string
}

var dmCases = []dmCase{
	{"mp", "testdata/mp_dm.tsv", "testdata/mp_mf.tsv", "BodySite"},
	{"gp", "testdata/gp_bc.tsv", "testdata/gp_meta.tsv", "SampleType"},
}

func TestPermanovaAnosimGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	sk := readGolden(t, "testdata/golden_skbio.tsv")
	const np = 999
	for _, c := range dmCases {
		d := readDM(t, c.dm)
		g, err := NewGrouping(readColumn(t, c.meta, c.col, d.IDs))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Permanova(context.Background(), d, g, PermOptions{Permutations: np, Src: rand.NewPCG(1, 2)})
		if err != nil {
			t.Fatal(err)
		}
		// Statistics: 1e-9 relative against both peers.
		for _, want := range []float64{g1(t, vg, c.tag+".permanova.F"), g1(t, sk, c.tag+".permanova.F")} {
			if e := relErr(r.Statistic, want); e > 1e-9 {
				t.Errorf("%s permanova F = %.15g, want %.15g (rel %g)", c.tag, r.Statistic, want, e)
			}
		}
		if e := relErr(r.R2, g1(t, vg, c.tag+".permanova.R2")); e > 1e-9 {
			t.Errorf("%s permanova R2 = %g, want %g", c.tag, r.R2, g1(t, vg, c.tag+".permanova.R2"))
		}
		for _, want := range []float64{g1(t, vg, c.tag+".permanova.p"), g1(t, sk, c.tag+".permanova.p")} {
			if math.Abs(r.PValue-want) > pBand(want, np, goldenPerms) {
				t.Errorf("%s permanova p = %g, want %g", c.tag, r.PValue, want)
			}
		}
		a, err := Anosim(context.Background(), d, g, PermOptions{Permutations: np, Src: rand.NewPCG(3, 4)})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []float64{g1(t, vg, c.tag+".anosim.R"), g1(t, sk, c.tag+".anosim.R")} {
			if e := relErr(a.Statistic, want); e > 1e-9 {
				t.Errorf("%s anosim R = %.15g, want %.15g", c.tag, a.Statistic, want)
			}
		}
		if want := g1(t, vg, c.tag+".anosim.p"); math.Abs(a.PValue-want) > pBand(want, np, goldenPerms) {
			t.Errorf("%s anosim p = %g, want %g", c.tag, a.PValue, want)
		}
	}
}

func TestPermdispGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	sk := readGolden(t, "testdata/golden_skbio.tsv")
	const np = 999
	for _, c := range dmCases {
		d := readDM(t, c.dm)
		g, _ := NewGrouping(readColumn(t, c.meta, c.col, d.IDs))
		for _, typ := range []struct {
			name string
			t    DispersionType
			tol  float64 // relative tolerance on F
		}{
			// The centroid is exact in both peers; the spatial median is an
			// iterative optimum: vegan stops its BFGS early, scikit-bio's
			// Weiszfeld at 1e-6, so the median F agrees only to ~1e-3.
			{"centroid", Centroid, 1e-9},
			{"median", Median, 2e-3},
		} {
			for _, peer := range []struct {
				name string
				po   PermdispOptions
				gold map[string][]float64
				key  string
			}{
				{"vegan", VeganPermdisp, vg, c.tag + ".betadisper." + typ.name},
				{"skbio", SkbioPermdisp, sk, c.tag + ".permdisp." + typ.name},
			} {
				po := peer.po
				po.Type = typ.t
				r, err := Permdisp(context.Background(), d, g, po, PermOptions{Permutations: np, Src: rand.NewPCG(5, 6)})
				if err != nil {
					t.Fatal(err)
				}
				want := g1(t, peer.gold, peer.key+".F")
				if e := relErr(r.Statistic, want); e > typ.tol {
					t.Errorf("%s %s %s F = %.12g, want %.12g (rel %g)", c.tag, peer.name, typ.name, r.Statistic, want, e)
				}
				wp := g1(t, peer.gold, peer.key+".p")
				if math.Abs(r.PValue-wp) > pBand(wp, np, goldenPerms) {
					t.Errorf("%s %s %s p = %g, want %g", c.tag, peer.name, typ.name, r.PValue, wp)
				}
				if dist, ok := peer.gold[peer.key+".dist"]; ok && typ.t == Centroid {
					for i := range dist {
						if e := math.Abs(r.Distances[i] - dist[i]); e > 1e-9 {
							t.Errorf("%s distance %d = %g, want %g", c.tag, i, r.Distances[i], dist[i])
							break
						}
					}
				}
			}
		}
	}
}

func TestMantelGolden(t *testing.T) {
	sk := readGolden(t, "testdata/golden_skbio.tsv")
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	const np = 999
	pairs := []struct{ tag, x, y string }{
		{"gp", "testdata/gp_bc.tsv", "testdata/gp_jac.tsv"},
		{"mpdays", "testdata/mp_dm.tsv", "testdata/mp_days_dm.tsv"},
	}
	for _, pr := range pairs {
		x, y := readDM(t, pr.x), readDM(t, pr.y)
		for _, m := range []CorMethod{Pearson, Spearman} {
			for _, alt := range []Alternative{TwoSided, Greater, Less} {
				r, err := Mantel(context.Background(), x, y, m, alt, PermOptions{Permutations: np, Src: rand.NewPCG(7, 8)})
				if err != nil {
					t.Fatal(err)
				}
				key := pr.tag + ".mantel." + m.String() + "." + alt.String()
				if e := relErr(r.Statistic, g1(t, sk, key+".r")); e > 1e-9 {
					t.Errorf("%s r = %.15g, want %.15g", key, r.Statistic, g1(t, sk, key+".r"))
				}
				wp := g1(t, sk, key+".p")
				if math.Abs(r.PValue-wp) > pBand(wp, np, goldenPerms) {
					t.Errorf("%s p = %g, want %g", key, r.PValue, wp)
				}
				if pr.tag == "gp" && alt == Greater {
					if e := relErr(r.Statistic, g1(t, vg, "gp.mantel."+m.String()+".r")); e > 1e-9 {
						t.Errorf("vegan %s r = %.15g", key, r.Statistic)
					}
				}
			}
		}
	}
}

func TestPermDeterministicAcrossWorkers(t *testing.T) {
	d := readDM(t, "testdata/mp_dm.tsv")
	g, _ := NewGrouping(readColumn(t, "testdata/mp_mf.tsv", "ReportedAntibioticUsage", d.IDs))
	var ps []float64
	for _, w := range []int{1, 2, 3} {
		r, err := Permanova(context.Background(), d, g, PermOptions{Permutations: 500, Src: rand.NewPCG(9, 9), Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, r.PValue)
	}
	if ps[0] != ps[1] || ps[1] != ps[2] {
		t.Errorf("p-values differ with worker count: %v", ps)
	}
}

func TestPermanovaKernelMatchesDirect(t *testing.T) {
	// The blocked kernel (with the two-group identity) must give the same
	// within-group sums as the direct double loop for random labellings.
	d := readDM(t, "testdata/gp_bc.tsv")
	n := d.N()
	d2 := make([]float64, n*n)
	for i, v := range d.Data {
		d2[i] = v * v
	}
	for _, labels := range [][]string{
		{"a", "b"}, {"a", "b", "c"}, {"a", "b", "c", "d", "e"},
	} {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = labels[(i*7)%len(labels)]
		}
		g, _ := NewGrouping(vals)
		k := newPermanovaKernel(d2, n, g)
		s := k.scratch()
		r := rand.New(rand.NewPCG(1, 1))
		perms := make([][]int, 10)
		for p := range perms {
			perms[p] = r.Perm(n)
		}
		dst := make([]float64, len(perms))
		k.block(s, perms, dst, func(w []float64) float64 {
			var sw float64
			for c, v := range w {
				sw += v / float64(g.Sizes[c])
			}
			return sw
		})
		for p, perm := range perms {
			lab := make([]int, n)
			for i := range lab {
				lab[i] = g.Labels[perm[i]]
			}
			want := withinSS(d2, n, lab, g.Sizes)
			if e := relErr(dst[p], want); e > 1e-12 {
				t.Errorf("groups %d perm %d: kernel %g, direct %g", len(labels), p, dst[p], want)
			}
		}
	}
}

func TestPermanovaTermsAndStrataGolden(t *testing.T) {
	vg := readGolden(t, "testdata/golden_vegan.tsv")
	d := readDM(t, "testdata/mp_dm.tsv")
	site := readColumn(t, "testdata/mp_mf.tsv", "BodySite", d.IDs)
	abx := readColumn(t, "testdata/mp_mf.tsv", "ReportedAntibioticUsage", d.IDs)
	dayS := readColumn(t, "testdata/mp_mf.tsv", "DaysSinceExperimentStart", d.IDs)
	days := make([]float64, len(dayS))
	for i, s := range dayS {
		days[i], _ = strconv.ParseFloat(s, 64)
	}
	const np = 999
	r, err := PermanovaTerms(context.Background(), d,
		[]Term{FactorTerm("BodySite", site), FactorTerm("ReportedAntibioticUsage", abx), NumericTerm("Days", days)},
		PermOptions{Permutations: np, Src: rand.NewPCG(11, 12)})
	if err != nil {
		t.Fatal(err)
	}
	wdf, wss, wr2, wf, wp := vg["mp.terms.Df"], vg["mp.terms.SS"], vg["mp.terms.R2"], vg["mp.terms.F"], vg["mp.terms.p"]
	for k, tr := range r.Terms {
		if tr.Df != int(wdf[k]) || relErr(tr.SS, wss[k]) > 1e-9 || relErr(tr.R2, wr2[k]) > 1e-9 || relErr(tr.F, wf[k]) > 1e-9 {
			t.Errorf("term %s: df %d SS %.15g R2 %.15g F %.15g; want %v %v %v %v", tr.Name, tr.Df, tr.SS, tr.R2, tr.F, wdf[k], wss[k], wr2[k], wf[k])
		}
		if math.Abs(tr.PValue-wp[k]) > pBand(wp[k], np, goldenPerms) {
			t.Errorf("term %s: p %g, want %g", tr.Name, tr.PValue, wp[k])
		}
	}
	if r.ResidualDf != int(wdf[3]) || relErr(r.ResidualSS, wss[3]) > 1e-9 || relErr(r.TotalSS, wss[4]) > 1e-9 {
		t.Errorf("residual %d %g total %g", r.ResidualDf, r.ResidualSS, r.TotalSS)
	}
	// Strata: permute body sites within subjects.
	g, _ := NewGrouping(site)
	subj := readColumn(t, "testdata/mp_mf.tsv", "Subject", d.IDs)
	sg, _ := NewGrouping(subj)
	s, err := Permanova(context.Background(), d, g, PermOptions{Permutations: np, Src: rand.NewPCG(1, 3), Strata: sg.Labels})
	if err != nil {
		t.Fatal(err)
	}
	if relErr(s.Statistic, g1(t, vg, "mp.strata.F")) > 1e-9 || math.Abs(s.PValue-g1(t, vg, "mp.strata.p")) > pBand(g1(t, vg, "mp.strata.p"), np, goldenPerms) {
		t.Errorf("strata: F %g p %g", s.Statistic, s.PValue)
	}
	// One-factor PermanovaTerms equals Permanova.
	one, err := PermanovaTerms(context.Background(), d, []Term{FactorTerm("BodySite", site)}, PermOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if relErr(one.Terms[0].F, g1(t, vg, "mp.permanova.F")) > 1e-9 {
		t.Errorf("one-term F %g", one.Terms[0].F)
	}
}

func TestStrataKeepBlocks(t *testing.T) {
	strata := []int{0, 1, 0, 1, 2, 2, 0, 1}
	sh := newShuffler(len(strata), strata)
	r := rand.New(rand.NewPCG(1, 2))
	perm := make([]int, len(strata))
	for range 100 {
		for i := range perm {
			perm[i] = i
		}
		sh.shuffle(r, perm)
		for i, p := range perm {
			if strata[p] != strata[i] {
				t.Fatalf("permutation %v moves object %d out of its block", perm, p)
			}
		}
	}
}

func TestPermCancelled(t *testing.T) {
	d := readDM(t, "testdata/mp_dm.tsv")
	g, _ := NewGrouping(readColumn(t, "testdata/mp_mf.tsv", "BodySite", d.IDs))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Permanova(ctx, d, g, PermOptions{Permutations: 999, Src: rand.NewPCG(1, 1)}); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if _, err := Permanova(context.Background(), d, g, PermOptions{Permutations: 9}); !errors.Is(err, ErrNoSource) {
		t.Errorf("no source: err = %v", err)
	}
	if _, err := NewGrouping([]string{"a", "a", "a"}); err == nil {
		t.Error("single group: no error")
	}
	if _, err := NewGrouping([]string{"a", "b", "c"}); err == nil {
		t.Error("all singletons: no error")
	}
}

func TestPValueCountsObservedTies(t *testing.T) {
	// A permuted statistic equal to the observed one up to rounding counts.
	obs := 1.0 / 3
	perm := []float64{1.0/3 - 1e-15, 0.1, 0.2}
	if p := pGreater(obs, perm); p != 0.5 {
		t.Errorf("p = %g, want (1+1)/(3+1) = 0.5", p)
	}
}
