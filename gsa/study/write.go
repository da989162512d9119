package study

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
)

// Output files of a study directory.
const (
	FileSamples     = "samples.tsv"      // run, status, one column per parameter
	FileOutputs     = "outputs.tsv"      // run, status, one column per output (trajectory outputs as NAME@TIME)
	FileIndices     = "indices.tsv"      // scalar outputs × parameters
	FileIndicesTime = "indices-time.tsv" // trajectory outputs × times × parameters
	FileIndicesS2   = "indices-s2.tsv"   // second-order Sobol indices
	FileIndicesJSON = "indices.json"     // everything above
	FileVPop        = "vpop.tsv"         // plausible patients: selected, weight, parameters, outputs
	FileVPopJSON    = "vpop.json"        // selection summary and goodness of fit
	FileReport      = "report.html"      // figures
	FileManifest    = "manifest.json"    // written last
)

// Manifest is written last, atomically, by a complete study run or merge.
type Manifest struct {
	Key        string
	Kind       string
	Name       string
	Seed       uint64
	Runs       int
	Failed     int
	Provenance Provenance
	Files      map[string]string // name → SHA-256
}

// Finish reads the chunks of the run or shard directories dirs (one study),
// analyses them and writes the outputs into out, manifest.json last. The
// outputs of a merge are byte-identical to those of an unsharded run.
func Finish(ctx context.Context, dirs []string, out string) (err error) {
	lay, lb, res, err := gather(ctx, dirs)
	if err != nil {
		return err
	}
	pl, err := planFromLayout(lay)
	if err != nil {
		return err
	}
	if err := chunks.CheckDir(out, LayoutFile, lb, chunks.Shard{I: 0, N: 1}); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	// From here a failure removes what this merge created (a new folder,
	// its layout file); a manifest already in out is replaced only at the
	// end.
	undo, newLayout := chunks.UndoNew(out, LayoutFile)
	defer func() {
		if err != nil {
			undo()
		}
	}()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if newLayout {
		if err := safefile.WriteFile(filepath.Join(out, LayoutFile), lb); err != nil {
			return err
		}
	}
	var files []string
	switch lay.Kind {
	case "vpop":
		v, err := selectVPop(pl, res)
		if err != nil {
			return err
		}
		files, err = writeVPop(out, lay, v)
		if err != nil {
			return err
		}
	default:
		a, err := analyseGSA(ctx, pl, res)
		if err != nil {
			return err
		}
		files, err = writeGSA(out, lay, a)
		if err != nil {
			return err
		}
	}
	failed := 0
	for _, r := range res {
		if r.Err != "" {
			failed++
		}
	}
	m := Manifest{Key: lay.Key, Kind: lay.Kind, Name: lay.Name, Seed: pl.Spec.Seed, Runs: lay.Runs, Failed: failed, Provenance: lay.Provenance, Files: map[string]string{}}
	for _, f := range files {
		h, err := safefile.SHA256File(filepath.Join(out, f))
		if err != nil {
			return err
		}
		m.Files[f] = h
	}
	mb, _ := json.MarshalIndent(&m, "", " ")
	return safefile.WriteFile(filepath.Join(out, FileManifest), append(mb, '\n'))
}

func writeGSA(out string, lay *Layout, a *Analysis) ([]string, error) {
	pl := a.Plan
	files := []string{FileSamples, FileOutputs, FileIndices}
	if err := writeTSV(filepath.Join(out, FileSamples), func(w *bufio.Writer) { writeSamples(w, pl, a.Results) }); err != nil {
		return nil, err
	}
	if err := writeTSV(filepath.Join(out, FileOutputs), func(w *bufio.Writer) { writeOutputs(w, pl, a.Results) }); err != nil {
		return nil, err
	}
	if err := writeTSV(filepath.Join(out, FileIndices), func(w *bufio.Writer) { writeIndices(w, a, false) }); err != nil {
		return nil, err
	}
	if hasTraj(pl) {
		files = append(files, FileIndicesTime)
		if err := writeTSV(filepath.Join(out, FileIndicesTime), func(w *bufio.Writer) { writeIndices(w, a, true) }); err != nil {
			return nil, err
		}
	}
	if pl.Spec.Method == "sobol" && pl.Spec.Sobol.SecondOrder {
		files = append(files, FileIndicesS2)
		if err := writeTSV(filepath.Join(out, FileIndicesS2), func(w *bufio.Writer) { writeS2(w, a) }); err != nil {
			return nil, err
		}
	}
	jb, err := json.MarshalIndent(indicesJSON(lay, a), "", " ")
	if err != nil {
		return nil, err
	}
	files = append(files, FileIndicesJSON, FileReport)
	if err := safefile.WriteFile(filepath.Join(out, FileIndicesJSON), append(jb, '\n')); err != nil {
		return nil, err
	}
	if err := gsaReport(lay, a).WriteFile(filepath.Join(out, FileReport)); err != nil {
		return nil, err
	}
	return files, nil
}

func hasTraj(pl *Plan) bool {
	for _, c := range pl.Columns {
		if c.Traj {
			return true
		}
	}
	return false
}

// writeTSV writes a file atomically through fn.
func writeTSV(path string, fn func(w *bufio.Writer)) error {
	return safefile.WriteWith(path, func(w *bufio.Writer) error {
		fn(w)
		return nil // a write error stays in w and comes out of its flush
	})
}

// fnum formats a number for a table: shortest round-trip form, NA for NaN.
func fnum(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func status(r RunResult) string {
	if r.Err == "" {
		return "ok"
	}
	return "failed: " + strings.ReplaceAll(strings.ReplaceAll(r.Err, "\t", " "), "\n", " ")
}

func writeSamples(w *bufio.Writer, pl *Plan, res []RunResult) {
	w.WriteString("run\tstatus")
	for _, p := range pl.Params {
		w.WriteString("\t" + p)
	}
	w.WriteString("\n")
	for r := 0; r < pl.Runs; r++ {
		fmt.Fprintf(w, "%d\t%s", r, status(res[r]))
		for _, v := range pl.Row(r) {
			w.WriteString("\t" + fnum(v))
		}
		w.WriteString("\n")
	}
}

func writeOutputs(w *bufio.Writer, pl *Plan, res []RunResult) {
	w.WriteString("run")
	for _, c := range pl.Columns {
		w.WriteString("\t" + pl.ColumnName(c))
	}
	w.WriteString("\n")
	for r, rr := range res {
		w.WriteString(strconv.Itoa(r))
		for _, v := range rr.V {
			w.WriteString("\t" + fnum(v))
		}
		w.WriteString("\n")
	}
}

func writeIndices(w *bufio.Writer, a *Analysis, traj bool) {
	pl := a.Plan
	morris := pl.Spec.Method == "morris"
	head := "output\tparameter\t"
	if traj {
		head = "output\ttime\tparameter\t"
	}
	if morris {
		head += "mu\tmu_star\tsigma\tmu_star_conf\tn\n"
	} else {
		head += "S1\tS1_conf\tST\tST_conf\tn\n"
	}
	w.WriteString(head)
	for _, ix := range a.Indices {
		if ix.Column.Traj != traj {
			continue
		}
		name := pl.Spec.Outputs[ix.Column.Output].Name
		for k, p := range pl.Params {
			w.WriteString(name + "\t")
			if traj {
				w.WriteString(fnum(ix.Column.Time) + "\t")
			}
			w.WriteString(p)
			if morris {
				m := ix.Morris
				fmt.Fprintf(w, "\t%s\t%s\t%s\t%s\t%d\n", fnum(m.Mu[k]), fnum(m.MuStar[k]), fnum(m.Sigma[k]), fnum(m.MuStarConf[k]), m.N[k])
			} else {
				s := ix.Sobol
				fmt.Fprintf(w, "\t%s\t%s\t%s\t%s\t%d\n", fnum(s.S1[k]), fnum(s.S1Conf[k]), fnum(s.ST[k]), fnum(s.STConf[k]), s.N)
			}
		}
	}
}

func writeS2(w *bufio.Writer, a *Analysis) {
	pl := a.Plan
	w.WriteString("output\ttime\tparameter_a\tparameter_b\tS2\tS2_conf\n")
	for _, ix := range a.Indices {
		t := ""
		if ix.Column.Traj {
			t = fnum(ix.Column.Time)
		}
		name := pl.Spec.Outputs[ix.Column.Output].Name
		for i := range pl.Params {
			for k := i + 1; k < len(pl.Params); k++ {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", name, t, pl.Params[i], pl.Params[k], fnum(ix.Sobol.S2[i][k]), fnum(ix.Sobol.S2Conf[i][k]))
			}
		}
	}
}

// num is a float64 that encodes NaN and ±Inf as JSON null.
type num = jsonnum.Float

func nums(x []float64) []num { return jsonnum.Floats(x) }

type jsonIndices struct {
	Output string `json:"output"`
	Time   *num   `json:"time,omitempty"`
	N      any    `json:"n"`
	// Sobol
	S1     []num   `json:"S1,omitempty"`
	S1Conf []num   `json:"S1_conf,omitempty"`
	ST     []num   `json:"ST,omitempty"`
	STConf []num   `json:"ST_conf,omitempty"`
	S2     [][]num `json:"S2,omitempty"`
	S2Conf [][]num `json:"S2_conf,omitempty"`
	// Morris
	Mu         []num `json:"mu,omitempty"`
	MuStar     []num `json:"mu_star,omitempty"`
	Sigma      []num `json:"sigma,omitempty"`
	MuStarConf []num `json:"mu_star_conf,omitempty"`
}

func indicesJSON(lay *Layout, a *Analysis) any {
	pl := a.Plan
	var ixs []jsonIndices
	for _, ix := range a.Indices {
		j := jsonIndices{Output: pl.Spec.Outputs[ix.Column.Output].Name}
		if ix.Column.Traj {
			t := num(ix.Column.Time)
			j.Time = &t
		}
		if s := ix.Sobol; s != nil {
			j.N, j.S1, j.S1Conf, j.ST, j.STConf = s.N, nums(s.S1), nums(s.S1Conf), nums(s.ST), nums(s.STConf)
			for i := range s.S2 {
				j.S2 = append(j.S2, nums(s.S2[i]))
				j.S2Conf = append(j.S2Conf, nums(s.S2Conf[i]))
			}
		}
		if m := ix.Morris; m != nil {
			j.N, j.Mu, j.MuStar, j.Sigma, j.MuStarConf = m.N, nums(m.Mu), nums(m.MuStar), nums(m.Sigma), nums(m.MuStarConf)
		}
		ixs = append(ixs, j)
	}
	settings := any(pl.Spec.Sobol)
	if pl.Spec.Method == "morris" {
		settings = pl.Spec.Morris
	}
	return struct {
		Name       string        `json:"name"`
		Method     string        `json:"method"`
		Settings   any           `json:"settings"`
		Seed       uint64        `json:"seed"`
		Runs       int           `json:"runs"`
		Failed     int           `json:"failed"`
		Parameters []string      `json:"parameters"`
		Indices    []jsonIndices `json:"indices"`
		Provenance Provenance    `json:"provenance"`
	}{pl.Spec.Name, pl.Spec.Method, settings, pl.Spec.Seed, pl.Runs, a.Failed, pl.Params, ixs, lay.Provenance}
}
