package da

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// consensusMethods are the methods a consensus runs, in order.
func consensusMethods(d *Design) []Method {
	out := []Method{ANCOMBC, ALDEx2, LinDA}
	single := 0
	var pf *DesignTerm
	for k := range d.Terms {
		if d.Terms[k].Name != "(Intercept)" {
			single++
			if d.Terms[k].Factor {
				pf = &d.Terms[k]
			}
		}
	}
	if single == 1 && pf != nil && len(pf.Levels) == 2 {
		out = append(out, Wilcoxon)
	}
	return append(out, LM, Logistic)
}

// runConsensus runs every applicable method and calls a taxon × term when
// at least opt.MinMethods of them give q < alpha (Nearing et al. 2022
// recommend a consensus). Effect and se are ANCOM-BC's; the statistic is
// the number of methods calling; q is the MinMethods-th smallest q, so
// q < alpha exactly when the consensus calls.
func runConsensus(ctx context.Context, c *Counts, d *Design, opt Options) (*Result, error) {
	methods := consensusMethods(d)
	k := opt.MinMethods
	if k <= 0 {
		k = (len(methods) + 1) / 2
	}
	if k > len(methods) {
		return nil, fmt.Errorf("da: consensus of %d methods cannot require %d", len(methods), k)
	}
	type key struct{ taxon, term string }
	qs := map[key][]float64{}
	var base *Result
	for mi, m := range methods {
		o := opt
		o.PAdjust = ""
		r, err := Run(ctx, m, c, d, o)
		if err != nil {
			return nil, fmt.Errorf("consensus: %s: %w", m, err)
		}
		if mi == 0 {
			base = r
		}
		for _, row := range r.Rows {
			kk := key{row.Taxon, row.Term}
			if qs[kk] == nil {
				qs[kk] = make([]float64, len(methods))
				for i := range qs[kk] {
					qs[kk][i] = math.NaN()
				}
			}
			qs[kk][mi] = row.Q
		}
	}
	res := &Result{Method: Consensus, EffectUnit: base.EffectUnit + "; consensus call when at least " + fmt.Sprint(k) + " methods give q < alpha",
		Extra: []string{"n_called"}}
	var names []string
	for _, m := range methods {
		res.Extra = append(res.Extra, "q_"+string(m))
		names = append(names, string(m))
	}
	res.Notes = append(res.Notes, fmt.Sprintf("consensus of %s: called by >= %d at q < %g; q = the %d-th smallest q", strings.Join(names, ", "), k, opt.Alpha, k))
	for _, b := range base.Rows {
		q := qs[key{b.Taxon, b.Term}]
		var called float64
		var valid []float64
		for _, v := range q {
			if !math.IsNaN(v) {
				valid = append(valid, v)
				if v < opt.Alpha {
					called++
				}
			}
		}
		slices.Sort(valid)
		kq := math.NaN()
		if len(valid) >= k {
			kq = valid[k-1]
		}
		res.Rows = append(res.Rows, Row{Taxon: b.Taxon, Term: b.Term, Effect: b.Effect, SE: b.SE, Statistic: called,
			P: math.NaN(), Q: kq, Extra: append([]float64{called}, q...)})
	}
	return res, nil
}

// NullSplit is one random within-group split.
type NullSplit struct {
	Group  string // the level split ("" when the design has no factor)
	N      int    // samples split
	Tested int    // taxa tested
	Called int    // taxa with q < alpha
}

// NullSplits reruns method m on k random splits of the largest level of
// the design's first factor (all samples when there is none) into two
// halves with no real difference, and reports how many taxa each split
// calls (Nearing et al. 2022's false-positive check). Splits come from
// streams keyed by (opt.Seed, split).
func NullSplits(ctx context.Context, m Method, c *Counts, d *Design, k int, opt Options) ([]NullSplit, error) {
	opt.defaults()
	rows := make([]int, c.N())
	for i := range rows {
		rows[i] = i
	}
	group := ""
	if pf := d.PrimaryFactor(); pf != nil {
		g := d.FactorGroups(pf)
		cnt := make([]int, len(pf.Levels))
		for _, v := range g {
			cnt[v]++
		}
		best := 0
		for l, v := range cnt {
			if v > cnt[best] {
				best = l
			}
		}
		group = pf.Levels[best]
		rows = rows[:0]
		for i, v := range g {
			if v == best {
				rows = append(rows, i)
			}
		}
	}
	if len(rows) < 4 {
		return nil, fmt.Errorf("da: null splits need at least 4 samples in the group split (have %d)", len(rows))
	}
	fm := &Formula{Terms: []FormulaTerm{{Vars: []string{"split"}}}, Intercept: true}
	var out []NullSplit
	for s := 0; s < k; s++ {
		r := rand.New(rand.NewPCG(opt.Seed^purposeSplit, uint64(s)))
		perm := append([]int(nil), rows...)
		r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		slices.Sort(perm[:len(perm)/2])
		lab := make([]string, c.N())
		for i, j := range perm {
			lab[j] = "a"
			if i >= len(perm)/2 {
				lab[j] = "b"
			}
		}
		sub := &Counts{Taxa: c.Taxa}
		var labels []string
		slices.Sort(perm)
		for _, j := range perm {
			sub.Samples = append(sub.Samples, c.Samples[j])
			labels = append(labels, lab[j])
		}
		for i := 0; i < c.M(); i++ {
			row := c.Row(i)
			for _, j := range perm {
				sub.X = append(sub.X, row[j])
			}
		}
		sub, _ = Filter(sub, 0)
		sd, err := NewDesign(fm, map[string]Column{"split": {Values: labels}}, sub.Samples, DesignOptions{})
		if err != nil {
			return nil, err
		}
		o := opt
		o.Seed = opt.Seed + uint64(s) + 1
		o.Group = "" // the split design's one factor is the split
		res, err := Run(ctx, m, sub, sd, o)
		if err != nil {
			return nil, fmt.Errorf("null split %d: %w", s+1, err)
		}
		ns := NullSplit{Group: group, N: len(perm), Tested: sub.M()}
		for _, row := range res.Rows {
			if row.Q < opt.Alpha {
				ns.Called++
			}
		}
		out = append(out, ns)
	}
	return out, nil
}
