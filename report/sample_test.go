package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// samplePage builds a page exercising every chart type with data shaped like
// a holobiont run and a microbiome study. It is deterministic.
func samplePage() *Page {
	rng := rand.New(rand.NewPCG(1, 2))
	const days = 180
	t := make([]float64, 0, 4*days+1)
	for k := 0; k <= 4*days; k++ {
		t = append(t, float64(k)/4)
	}
	wins := []Window{
		{Start: 20, End: 34, Label: "exam stress"},
		{Start: 60, End: 67, Label: "oral antibiotic"},
		{Start: 90, End: 146, Label: "probiotic (L. rhamnosus)"},
	}
	cort := make([]float64, len(t))
	perm := make([]float64, len(t))
	for k, x := range t {
		s := 0.0
		if x >= 20 && x < 34 {
			s = 1
		}
		cort[k] = 1 + 0.9*s*(1-math.Exp(-(x-20)/1.5)) + 0.05*math.Sin(2*math.Pi*x/7)
		perm[k] = 1 + 0.6*s + 0.3*math.Exp(-math.Abs(x-63)/4)
	}
	taxa := []string{"butyrate producers", "Bacteroides", "Bifidobacterium", "Lactobacillus", "Enterobacteriaceae", "probiotic strain"}
	comp := make([]Series, len(taxa))
	for i, name := range taxa {
		y := make([]float64, len(t))
		for k, x := range t {
			base := []float64{4, 3, 1.5, 0.6, 0.3, 0}[i]
			ab := 1.0
			if x >= 60 {
				ab = 1 - 0.8*math.Exp(-(x-60)/12)*[]float64{1, 0.6, 0.9, 0.7, -2, 0}[i]
			}
			if i == 5 && x >= 90 && x < 146 {
				base = 1.2 * (1 - math.Exp(-(x-90)/3))
			} else if i == 5 && x >= 146 {
				base = 1.2 * math.Exp(-(x-146)/5)
			}
			y[k] = math.Max(base*ab, 0)
		}
		comp[i] = Series{Name: name, Y: y}
	}
	groups := []string{"healthy", "atopic dermatitis", "psoriasis"}
	vals := make([][]float64, len(groups))
	for i := range groups {
		for k := 0; k < 25+5*i; k++ {
			vals[i] = append(vals[i], 3.2-0.4*float64(i)+0.45*rng.NormFloat64())
		}
	}
	vals[1] = append(vals[1], 0.9, 5.1)
	var px, py []float64
	var pg, pl []string
	sites := []string{"face", "scalp", "axilla", "forearm"}
	for k := 0; k < 60; k++ {
		s := k % 4
		px = append(px, float64(s-2)*0.15+0.08*rng.NormFloat64())
		py = append(py, float64(s%2)*0.1+0.06*rng.NormFloat64())
		pg = append(pg, sites[s])
		pl = append(pl, "S"+string(rune('A'+k%26)))
	}
	rows := []string{"Cutibacterium", "Staphylococcus", "Corynebacterium", "Malassezia", "Micrococcus"}
	cols := []string{"stress", "mood", "sleep", "itch"}
	hv := make([][]float64, len(rows))
	ha := make([][]string, len(rows))
	for i := range rows {
		for j := range cols {
			v := math.Round(100*0.6*math.Sin(float64(3*i+2*j+1))) / 100
			hv[i] = append(hv[i], v)
			a := ""
			if math.Abs(v) > 0.4 {
				a = "*"
			}
			ha[i] = append(ha[i], a)
		}
	}
	hv[2][1] = math.NaN()
	ha[2][1] = ""
	return &Page{
		Title:    "holobiont run: default gut–skin–brain model",
		Subtitle: "180 days, healthy adult <default scenario> & friends",
		Meta: [][2]string{
			{"holobiont version", "v0.1.0-dev"},
			{"model sha256", "3f1c9a0d2b7e4f6a8c5d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"},
			{"solver", "auto (DOPRI5 / Rodas4), rtol 1e-6, atol 1e-9"},
			{"seed", "1"},
		},
		Sections: []Section{
			{
				Heading: "Host",
				Text:    "Cortisol and gut permeability over the scenario.\n\nShaded bands mark interventions.",
				Figures: []Figure{
					Panels{Title: "Host states", XLabel: "time (days)", Windows: wins, Charts: []LineChart{
						{Title: "Cortisol", YLabel: "nmol/L", Series: []Series{{Name: "cortisol", X: t, Y: scaled(cort, 12)}}},
						{Title: "Gut permeability", YLabel: "L/M ratio", Series: []Series{{Name: "permeability", X: t, Y: scaled(perm, 0.03)}}},
						{Title: "Pathobionts", YLabel: "cells / g", LogY: true, Series: []Series{{Name: "Enterobacteriaceae", X: t, Y: scaled(comp[4].Y, 1e8)}, {Name: "probiotic", X: t, Y: scaled(comp[5].Y, 1e9)}}},
					}},
					LineChart{Title: "HPA axis and gut barrier", XLabel: "time (days)", YLabel: "relative to baseline",
						Series: []Series{{Name: "cortisol", X: t, Y: cort}, {Name: "gut permeability", X: t, Y: perm}}, Windows: wins},
					LineChart{Title: "Pathobiont load (log scale)", XLabel: "time (days)", YLabel: "cells / g",
						Series: []Series{{Name: "Enterobacteriaceae", X: t, Y: scaled(comp[4].Y, 1e8)}}, Windows: wins, LogY: true},
				},
				Tables: []Table{{Header: []string{"endpoint", "value", "unit"}, Rows: [][]string{
					{"peak cortisol", "1.90", "× baseline"}, {"gut Shannon nadir", "0.82", "nats"}, {"recovery time", "23.5", "days"}}}},
			},
			{
				Heading: "Gut community",
				Figures: []Figure{
					StackedArea{Title: "Gut composition", XLabel: "time (days)", YLabel: "relative abundance", X: t, Series: comp, Windows: wins, Normalize: true},
					StackedArea{Title: "Gut absolute densities", XLabel: "time (days)", YLabel: "10⁹ cells / g", X: t, Series: comp, Windows: wins},
				},
			},
			{
				Heading: "Study",
				Text:    "Alpha diversity by group, PCoA of Bray–Curtis distances and per-site associations.",
				Figures: []Figure{
					BoxPlot{Title: "Shannon diversity", YLabel: "Shannon (nats)", Groups: groups, Values: vals},
					Scatter{Title: "PCoA (Bray–Curtis)", XLabel: "PC1 (31.2%)", YLabel: "PC2 (12.5%)", X: px, Y: py, Groups: pg, Labels: pl[:60], Equal: true},
					Heatmap{Title: "Spearman ρ, face", Rows: rows, Cols: cols, Values: hv, Annot: ha, Diverging: true},
				},
			},
		},
	}
}

func scaled(y []float64, f float64) []float64 {
	out := make([]float64, len(y))
	for i, v := range y {
		out[i] = v * f
	}
	return out
}

// TestSamplePage renders the sample page; with REPORT_SAMPLE=path it also
// writes it there (for looking at it in a browser).
func TestSamplePage(t *testing.T) {
	var buf bytes.Buffer
	if err := samplePage().WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if p := os.Getenv("REPORT_SAMPLE"); p != "" {
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
