package table_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/holobiont/holobiont/table"
)

func ExampleReadTSV() {
	in := `# Constructed from biom file
#OTU ID	S1	S2	taxonomy
OTU1	10	0	k__Bacteria; p__Actinobacteria; c__Actinobacteria; o__Actinomycetales; f__Propionibacteriaceae; g__Propionibacterium; s__acnes
OTU2	5	7	k__Bacteria; p__Firmicutes; c__Bacilli; o__Bacillales; f__Staphylococcaceae; g__Staphylococcus; s__
OTU3	0	3	k__Bacteria; p__Actinobacteria; c__Actinobacteria; o__Actinomycetales; f__Propionibacteriaceae; g__Cutibacterium; s__
`
	t, err := table.ReadTSV(strings.NewReader(in), "example.tsv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.NumSamples(), "samples,", t.NumFeatures(), "features,", t.NNZ(), "non-zeros")
	fmt.Println(t.Dense())

	g, _ := table.Collapse(t, table.Genus, table.CollapseOptions{
		Synonyms: table.NewSynonyms(table.DefaultSynonyms()),
		ShortIDs: true,
	})
	fmt.Println(g.FeatureIDs, g.Dense())

	r, dropped, _ := table.Rarefy(context.Background(), t, 12, rand.New(rand.NewPCG(1, 1)))
	fmt.Println(r.SampleIDs, "dropped", dropped)
	// Output:
	// 2 samples, 3 features, 4 non-zeros
	// [[10 5 0] [0 7 3]]
	// [Cutibacterium Staphylococcus] [[10 5] [3 7]]
	// [S1] dropped [S2]
}

func ExampleWriteBIOMJSON() {
	t := &table.Table{
		SampleIDs: []string{"S1", "S2"}, FeatureIDs: []string{"F1", "F2"},
		Indptr: []int{0, 1, 3}, Indices: []int32{0, 0, 1}, Data: []float64{3, 1, 2},
	}
	var b strings.Builder
	table.WriteBIOMJSON(&b, t, table.JSONOptions{Now: time0})
	back, _ := table.ReadBIOMJSON(strings.NewReader(b.String()), "example.biom")
	fmt.Println(back.Dense())
	table.WriteTSV(os.Stdout, back)
	// Output:
	// [[3 0] [1 2]]
	// # Constructed from biom file
	// #OTU ID	S1	S2
	// F1	3.0	1.0
	// F2	0.0	2.0
}

var time0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
