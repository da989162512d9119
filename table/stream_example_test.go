package table_test

import (
	"fmt"
	"os"

	"github.com/holobiont/holobiont/table"
)

// A StreamWriter takes samples one at a time, with the features fixed up
// front, and writes the same bytes as the whole-table writers.
func ExampleStreamWriter() {
	sw, err := table.NewStreamWriter("", []string{"OTU1", "OTU2", "OTU3"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sw.Close()
	sw.Add("S1", []int32{0, 2}, []float64{5, 1})
	sw.Add("S2", []int32{1}, []float64{7})
	if err := sw.WriteTSV(os.Stdout, false); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # Constructed from biom file
	// #OTU ID	S1	S2
	// OTU1	5.0	0.0
	// OTU2	0.0	7.0
	// OTU3	1.0	0.0
}
