package petab

import (
	"bufio"
	"io"
	"strconv"

	"github.com/holobiont/holobiont/estimate"
)

// simColumns is the column order of simulation tables (those present in
// the measurement table are written).
var simColumns = []string{"observableId", "preequilibrationConditionId", "simulationConditionId", "experimentId", "time", "simulation", "observableParameters", "noiseParameters", "datasetId", "replicateId"}

// WriteSimulations writes a PEtab simulation table: the measurement table's
// identifying columns with the measurement replaced by the simulated value
// (values in measurement order).
func WriteSimulations(w io.Writer, s *estimate.Spec, sim []float64) error {
	present := map[string]bool{"simulation": true}
	for _, m := range s.Measurements {
		for c := range m.Columns {
			present[c] = true
		}
	}
	var cols []string
	for _, c := range simColumns {
		if present[c] {
			cols = append(cols, c)
		}
	}
	bw := bufio.NewWriter(w)
	for i, c := range cols {
		if i > 0 {
			bw.WriteByte('\t')
		}
		bw.WriteString(c)
	}
	bw.WriteByte('\n')
	for mi, m := range s.Measurements {
		for i, c := range cols {
			if i > 0 {
				bw.WriteByte('\t')
			}
			if c == "simulation" {
				bw.WriteString(strconv.FormatFloat(sim[mi], 'g', -1, 64))
				continue
			}
			bw.WriteString(m.Columns[c])
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
