package dabench

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestRunSmall(t *testing.T) {
	s, err := LoadSpec("testdata/bench.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r1, err := Run(context.Background(), s, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The probiotic is absent without dosing (exactly zero: no threshold, the
	// solver keeps an undosed strain at 0): an infinite true fold change;
	// background taxa have no absolute change.
	for _, tr := range r1.Truths {
		if tr.Comparison == "probiotic" && tr.Taxon == "probiotic" && !math.IsInf(tr.Absolute, 1) {
			t.Errorf("probiotic truth %g, want +Inf", tr.Absolute)
		}
		if strings.HasPrefix(tr.Taxon, "background") && tr.Absolute != 0 {
			t.Errorf("%s %s: absolute truth %g, want 0", tr.Comparison, tr.Taxon, tr.Absolute)
		}
	}
	found := false
	for _, sc := range r1.Scores {
		if sc.Method == "ancombc" && sc.Comparison == "probiotic" && sc.Truth == "absolute" {
			found = true
			if sc.DA < 1 || !(sc.Power >= 0.5) {
				t.Errorf("ancombc on the probiotic arm: %+v (want the dosed strain found)", sc)
			}
		}
	}
	if !found || len(r1.Scores) != 3*2*2 {
		t.Fatalf("%d scores", len(r1.Scores))
	}
	// Same seed, other worker count: the same scores (timings aside).
	r2, err := Run(context.Background(), s, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range r1.Scores {
		r1.Scores[i].Seconds, r2.Scores[i].Seconds = 0, 0
	}
	// (compared as text: NaN bias values are equal there)
	if fmt.Sprint(r1.Scores) != fmt.Sprint(r2.Scores) || fmt.Sprint(r1.Truths) != fmt.Sprint(r2.Truths) {
		t.Error("results depend on the number of workers")
	}
}

func TestSpecErrors(t *testing.T) {
	for in, want := range map[string]string{
		"site: gut\ncontrol: p\n":                                                 "trial",
		"trial: t.yaml\ncontrol: p\n":                                             "site",
		"trial: t.yaml\nsite: gut\ncontrol: p\nbogus: 1\n":                        "bogus",
		"trial: t.yaml\nsite: gut\ncontrol: p\nmethods: [deseq]\n":                "unknown method",
		"trial: t.yaml\nsite: gut\ncontrol: p\nbackground: {taxa: 3, share: 2}\n": "share",
	} {
		_, err := ParseSpec("x.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
