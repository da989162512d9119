package table

import (
	"bufio"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

func TestParseLineage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Lineage
	}{
		{"k__Bacteria; p__Actinobacteria; c__Actinobacteria; o__Actinomycetales; f__Propionibacteriaceae; g__Propionibacterium; s__acnes",
			Lineage{"Bacteria", "Actinobacteria", "Actinobacteria", "Actinomycetales", "Propionibacteriaceae", "Propionibacterium", "Propionibacterium acnes"}},
		{"D_0__Bacteria;D_1__Firmicutes;D_2__Bacilli;D_3__Bacillales;D_4__Staphylococcaceae;D_5__Staphylococcus;D_6__Staphylococcus sciuri",
			Lineage{"Bacteria", "Firmicutes", "Bacilli", "Bacillales", "Staphylococcaceae", "Staphylococcus", "Staphylococcus sciuri"}},
		{"d__Bacteria;p__Firmicutes_A;c__Clostridia;o__Peptostreptococcales;f__Peptostreptococcaceae;g__Clostridioides;s__Clostridioides_difficile",
			Lineage{"Bacteria", "Firmicutes A", "Clostridia", "Peptostreptococcales", "Peptostreptococcaceae", "Clostridioides", "Clostridioides difficile"}},
		{"k__Bacteria|p__Bacteroidetes|c__Bacteroidia|o__Bacteroidales|f__Bacteroidaceae|g__Bacteroides|s__Bacteroides_vulgatus|t__SGB1814",
			Lineage{"Bacteria", "Bacteroidetes", "Bacteroidia", "Bacteroidales", "Bacteroidaceae", "Bacteroides", "Bacteroides vulgatus"}},
		{"k__Bacteria; p__Firmicutes; c__Clostridia; o__Clostridiales; f__[Tissierellaceae]; g__; s__",
			Lineage{"Bacteria", "Firmicutes", "Clostridia", "Clostridiales", "Tissierellaceae"}},
		{"Unassigned", Lineage{}},
		{"Bacteria;Firmicutes;unclassified;NA", Lineage{"Bacteria", "Firmicutes"}},
	} {
		got := ParseLineage(SplitLineage(tc.in))
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// GlobalPatterns (phyloseq export): species glued to the genus.
	got := ParseLineage([]string{"Archaea", "Crenarchaeota", "Thermoprotei", "Sulfolobales", "Sulfolobaceae", "Sulfolobus", "Sulfolobusacidocaldarius"})
	if got[Species] != "Sulfolobus acidocaldarius" {
		t.Errorf("GlobalPatterns species: %q", got[Species])
	}
	if p := got.Path(Family); p != "k__Archaea;p__Crenarchaeota;c__Thermoprotei;o__Sulfolobales;f__Sulfolobaceae" {
		t.Errorf("path %q", p)
	}
	for s, want := range map[string]Rank{"genus": Genus, "Genus": Genus, "g": Genus, "domain": Kingdom, "level-6": Genus, "species": Species} {
		if r, err := ParseRank(s); err != nil || r != want {
			t.Errorf("ParseRank(%q) = %v %v", s, r, err)
		}
	}
	if _, err := ParseRank("tribe"); err == nil {
		t.Error("ParseRank(tribe) accepted")
	}
}

func TestSynonyms(t *testing.T) {
	s := NewSynonyms(DefaultSynonyms())
	lin := func(g, sp string) Lineage { return Lineage{"Bacteria", "", "", "", "", g, sp} }
	for _, tc := range []struct{ in, want Lineage }{
		{lin("Propionibacterium", "Propionibacterium acnes"), lin("Cutibacterium", "Cutibacterium acnes")},
		{lin("Propionibacterium", "Propionibacterium granulosum"), lin("Cutibacterium", "Cutibacterium granulosum")},
		{lin("Propionibacterium", ""), lin("Cutibacterium", "")},
		{lin("Propionibacterium", "Propionibacterium freudenreichii"), lin("Propionibacterium", "Propionibacterium freudenreichii")},
		{lin("Lactobacillus", "Lactobacillus rhamnosus"), lin("Lacticaseibacillus", "Lacticaseibacillus rhamnosus")},
		{lin("Lactobacillus", "Lactobacillus reuteri"), lin("Limosilactobacillus", "Limosilactobacillus reuteri")},
		{lin("Lactobacillus", "Lactobacillus plantarum"), lin("Lactiplantibacillus", "Lactiplantibacillus plantarum")},
		{lin("Lactobacillus", "Lactobacillus salivarius"), lin("Ligilactobacillus", "Ligilactobacillus salivarius")},
		{lin("Lactobacillus", "Lactobacillus crispatus"), lin("Lactobacillus", "Lactobacillus crispatus")},
		{lin("Lactobacillus", ""), lin("Lactobacillus", "")},
		{lin("Clostridium", "Clostridium difficile"), lin("Clostridioides", "Clostridioides difficile")},
		{lin("Peptoclostridium", ""), lin("Clostridioides", "")},
		{lin("Staphylococcus", "Staphylococcus sciuri"), lin("Mammaliicoccus", "Mammaliicoccus sciuri")},
		{lin("Staphylococcus", "Staphylococcus epidermidis"), lin("Staphylococcus", "Staphylococcus epidermidis")},
	} {
		if got := s.Apply(tc.in); got != tc.want {
			t.Errorf("%q → %q, want %q", tc.in[5:], got[5:], tc.want[5:])
		}
	}
	if got := s.Name("Clostridium-difficile"); got != "Clostridioides-difficile" {
		t.Errorf("Name: %q", got)
	}
	if got := s.Name("Clostridium scindens"); got != "Clostridium scindens" {
		t.Errorf("Name: %q", got)
	}
}

func collapseFixture() *Table {
	// 3 samples × 5 features; features 0 and 2 are the same genus under old
	// and new names, feature 3 has no genus, feature 4 nothing at all.
	return &Table{
		SampleIDs:  []string{"s1", "s2", "s3"},
		FeatureIDs: []string{"a", "b", "c", "d", "e"},
		Indptr:     []int{0, 3, 5, 8},
		Indices:    []int32{0, 1, 2, 2, 3, 0, 3, 4},
		Data:       []float64{1, 2, 3, 4, 5, 6, 7, 8},
		Taxonomy: [][]string{
			{"k__Bacteria", "p__Actinobacteria", "c__Actinobacteria", "o__Actinomycetales", "f__Propionibacteriaceae", "g__Propionibacterium", "s__acnes"},
			{"k__Bacteria", "p__Firmicutes", "c__Bacilli", "o__Bacillales", "f__Staphylococcaceae", "g__Staphylococcus", "s__"},
			{"k__Bacteria", "p__Actinobacteria", "c__Actinobacteria", "o__Actinomycetales", "f__Propionibacteriaceae", "g__Cutibacterium"},
			{"k__Bacteria", "p__Firmicutes", "c__Bacilli", "o__Bacillales", "f__Staphylococcaceae"},
			{"Unassigned"},
		},
	}
}

func TestCollapse(t *testing.T) {
	tb := collapseFixture()
	cut := "k__Bacteria;p__Actinobacteria;c__Actinobacteria;o__Actinomycetales;f__Propionibacteriaceae;g__Cutibacterium"
	staph := "k__Bacteria;p__Firmicutes;c__Bacilli;o__Bacillales;f__Staphylococcaceae;g__Staphylococcus"
	noGenus := "k__Bacteria;p__Firmicutes;c__Bacilli;o__Bacillales;f__Staphylococcaceae;g__"
	for _, tc := range []struct {
		opt  CollapseOptions
		ids  []string
		want [][]float64
	}{
		{CollapseOptions{Synonyms: NewSynonyms(DefaultSynonyms())},
			[]string{cut, staph, noGenus, "k__;p__;c__;o__;f__;g__"},
			[][]float64{{4, 2, 0, 0}, {4, 0, 5, 0}, {6, 0, 7, 8}}},
		{CollapseOptions{Synonyms: NewSynonyms(DefaultSynonyms()), Unassigned: UnassignedPooled, ShortIDs: true},
			[]string{"Cutibacterium", "Staphylococcus", "Unassigned"},
			[][]float64{{4, 2, 0}, {4, 0, 5}, {6, 0, 15}}},
		{CollapseOptions{Unassigned: UnassignedDropped, ShortIDs: true},
			[]string{"Propionibacterium", "Staphylococcus", "Cutibacterium"},
			[][]float64{{1, 2, 3}, {0, 0, 4}, {6, 0, 0}}},
	} {
		got, err := Collapse(tb, Genus, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got.FeatureIDs, ",") != strings.Join(tc.ids, ",") {
			t.Errorf("ids %q, want %q", got.FeatureIDs, tc.ids)
		}
		if d := got.Dense(); !equalDense(d, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.opt.Unassigned, d, tc.want)
		}
	}
	if _, err := Collapse(&Table{}, Genus, CollapseOptions{}); err == nil {
		t.Error("collapse without taxonomy accepted")
	}
}

// TestCollapseMovingPictures compares genus-level collapsing of the moving
// pictures table with biom-format's Table.collapse
// (scripts/golden_formats_collapse.py); counts must match exactly.
func TestCollapseMovingPictures(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "moving_pictures")
	tb, err := Read(filepath.Join(dir, "moving_pictures_table.biom.json"))
	if err != nil {
		t.Fatal(err)
	}
	tax, err := ReadTaxonomy(filepath.Join(dir, "moving_pictures_taxonomy.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if miss := tb.SetTaxonomy(tax); miss != 0 {
		t.Fatalf("%d features without taxonomy", miss)
	}
	got, err := Collapse(tb, Genus, CollapseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/golden/moving_pictures_genus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	sc.Scan()
	samples := strings.Split(sc.Text(), "\t")[1:]
	if strings.Join(samples, ",") != strings.Join(got.SampleIDs, ",") {
		t.Fatal("sample order differs")
	}
	dense := got.Dense()
	byKey := map[string]int{}
	for g, lin := range got.Taxonomy {
		names := make([]string, len(lin))
		for k, r := range lin {
			names[k] = r[3:]
		}
		byKey[strings.Join(names, ";")] = g
	}
	n := 0
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "\t")
		g, ok := byKey[cells[0]]
		if !ok {
			t.Errorf("golden group %q missing", cells[0])
			continue
		}
		n++
		for i, c := range cells[1:] {
			v, _ := strconv.ParseFloat(c, 64)
			if dense[i][g] != v {
				t.Errorf("%s, %s: %g, want %g", cells[0], samples[i], dense[i][g], v)
			}
		}
	}
	if n != got.NumFeatures() {
		t.Errorf("%d groups, golden has %d", got.NumFeatures(), n)
	}
}

func TestFilterFeatures(t *testing.T) {
	// Samples: s1 a=1 b=2 c=3; s2 c=4 d=5; s3 a=6 d=7 e=8.
	// Presence: a 2/3, b 1/3, c 2/3, d 2/3, e 1/3; totals 7, 2, 7, 12, 8;
	// relative: s1 .167 .333 .5; s2 c .444 d .556; s3 a .286 d .333 e .381.
	tb := collapseFixture()
	for _, tc := range []struct {
		opt  FilterOptions
		keep []int
	}{
		{FilterOptions{}, []int{0, 1, 2, 3, 4}},
		{FilterOptions{MinPrevalence: 0.5}, []int{0, 2, 3}},
		{FilterOptions{MinPrevalence: 2.0 / 3}, nil},     // strict, as MaAsLin2
		{FilterOptions{MinAbundance: 4}, []int{0, 3, 4}}, // c has 3 and 4: not > 4
		{FilterOptions{MinAbundance: 0.3, Relative: true}, []int{1, 2, 3, 4}},
		{FilterOptions{MinAbundance: 0.4, Relative: true}, []int{2, 3}},
		{FilterOptions{MinAbundance: 0.3, Relative: true, MinPrevalence: 0.5}, []int{2, 3}},
		{FilterOptions{MinTotal: 8}, []int{3, 4}},
	} {
		got, keep, err := FilterFeatures(tb, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(keep) != len(tc.keep) || (len(keep) > 0 && !slices.Equal(keep, tc.keep)) {
			t.Errorf("%+v: kept %v, want %v", tc.opt, keep, tc.keep)
		}
		if got.NumFeatures() != len(keep) || len(got.Taxonomy) != len(keep) {
			t.Errorf("%+v: table has %d features", tc.opt, got.NumFeatures())
		}
	}
	if _, _, err := FilterFeatures(tb, FilterOptions{MinPrevalence: 2}); err == nil {
		t.Error("prevalence 2 accepted")
	}
}

// TestRarefy checks the subsampling against the hypergeometric law of
// drawing without replacement: every kept sample sums to the depth, no count
// exceeds the original, and over many draws the mean and variance of each
// feature's count match depth·c/N and depth·(c/N)(1−c/N)(N−depth)/(N−1).
func TestRarefy(t *testing.T) {
	tb := &Table{
		SampleIDs:  []string{"small", "big"},
		FeatureIDs: []string{"a", "b", "c", "d"},
		Indptr:     []int{0, 2, 6},
		Indices:    []int32{0, 1, 0, 1, 2, 3},
		Data:       []float64{3, 4, 50, 30, 15, 5},
	}
	const depth, reps = 40, 20000
	rng := rand.New(rand.NewPCG(1, 2))
	var sum, sum2 [4]float64
	for r := 0; r < reps; r++ {
		out, dropped, err := Rarefy(context.Background(), tb, depth, rng)
		if err != nil {
			t.Fatal(err)
		}
		if len(dropped) != 1 || dropped[0] != "small" || out.NumSamples() != 1 {
			t.Fatalf("dropped %v", dropped)
		}
		idx, val := out.Sample(0)
		tot := 0.0
		for k, j := range idx {
			if val[k] > tb.Data[2+j] {
				t.Fatalf("count %g exceeds original", val[k])
			}
			sum[j] += val[k]
			sum2[j] += val[k] * val[k]
			tot += val[k]
		}
		if tot != depth {
			t.Fatalf("depth %g", tot)
		}
	}
	N := 100.0
	for j, c := range []float64{50, 30, 15, 5} {
		mean := sum[j] / reps
		v := sum2[j]/reps - mean*mean
		wantMean := depth * c / N
		wantVar := depth * (c / N) * (1 - c/N) * (N - depth) / (N - 1)
		// 5 standard errors of the mean; 10% on the variance.
		if math.Abs(mean-wantMean) > 5*math.Sqrt(wantVar/reps) || math.Abs(v-wantVar) > 0.1*wantVar {
			t.Errorf("feature %d: mean %.4f var %.4f, want %.4f %.4f", j, mean, v, wantMean, wantVar)
		}
	}
	// Reproducible with the same seed.
	a, _, _ := Rarefy(context.Background(), tb, 7, rand.New(rand.NewPCG(5, 5)))
	b, _, _ := Rarefy(context.Background(), tb, 7, rand.New(rand.NewPCG(5, 5)))
	if !equalDense(a.Dense(), b.Dense()) {
		t.Error("same seed, different tables")
	}
	// Full depth returns the sample unchanged.
	c, _, _ := Rarefy(context.Background(), tb, 100, rng)
	if !equalDense(c.Dense(), [][]float64{{50, 30, 15, 5}}) {
		t.Errorf("full depth: %v", c.Dense())
	}
	tb.Data[0] = 1.5
	if _, _, err := Rarefy(context.Background(), tb, 2, rng); err == nil || !strings.Contains(err.Error(), `"small"`) {
		t.Errorf("non-integer counts: %v", err)
	}
}
