package table

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/internal/safefile"
)

// MDSINE and MDSINE2 input folders, written sample by sample (the readers
// are ReadMDSINE and, for MDSINE2, its own `mdsine2 parse-input`).

// MDSINEPerturbation is one row of an MDSINE perturbation key
// (perturbations.txt): perturbID k (1-based, its place in the list) stands
// for Name, of type Type, active on (Start, End] for the subjects of Arms
// ("all" or comma-separated arm names).
type MDSINEPerturbation struct {
	Name, Type string
	Start, End float64
	Arms       string
}

// MDSINEWriter writes an MDSINE (Bucci et al. 2016) input folder:
// metadata.txt and biomass.txt (qPCR replicates mass1..) row by row, then
// counts.txt, taxonomy.tsv and perturbations.txt at Finish. Files are
// published only by Finish; Abort discards them.
type MDSINEWriter struct {
	dir        string
	replicates int
	meta, mass *lineWriter
	files      []string
}

// NewMDSINEWriter starts an MDSINE folder in dir with replicates qPCR
// columns (0: no biomass.txt).
func NewMDSINEWriter(dir string, replicates int) (*MDSINEWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &MDSINEWriter{dir: dir, replicates: replicates}
	var err error
	if w.meta, err = newLineWriter(filepath.Join(dir, "metadata.txt"), strings.Join(MDSINEMetadataColumns(), "\t")+"\n"); err != nil {
		return nil, err
	}
	if replicates > 0 {
		cols := make([]string, replicates)
		for r := range cols {
			cols[r] = fmt.Sprintf("mass%d", r+1)
		}
		if w.mass, err = newLineWriter(filepath.Join(dir, "biomass.txt"), strings.Join(cols, "\t")+"\n"); err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

// Sample adds one metadata row and, with biomass, its qPCR replicates
// (NaN is written NA).
func (w *MDSINEWriter) Sample(s MDSINESample, qpcr []float64) error {
	incl := "1"
	if !s.Included {
		incl = "0"
	}
	fmt.Fprintf(w.meta.w, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", s.ID, incl, s.Subject, fmtG(s.Time), s.Perturbation, s.Block, s.Intervention)
	if w.mass == nil {
		return nil
	}
	if len(qpcr) != w.replicates {
		return fmt.Errorf("mdsine: sample %s has %d qPCR replicates, want %d", s.ID, len(qpcr), w.replicates)
	}
	for r, q := range qpcr {
		if r > 0 {
			w.mass.w.WriteByte('\t')
		}
		w.mass.w.WriteString(fmtNA(q))
	}
	w.mass.w.WriteByte('\n')
	return nil
}

// Finish writes counts.txt from counts (taxa × samples, no taxonomy
// column), taxonomy.tsv from features and their lineages, and (when perts
// is not empty) perturbations.txt, and publishes every file.
func (w *MDSINEWriter) Finish(counts *StreamWriter, features []string, lineages [][]string, perts []MDSINEPerturbation) error {
	for _, lw := range []*lineWriter{w.meta, w.mass} {
		if err := lw.commit(); err != nil {
			return err
		}
	}
	w.files = []string{"metadata.txt"}
	if w.mass != nil {
		w.files = append(w.files, "biomass.txt")
	}
	out := []struct {
		name string
		fn   func(*bufio.Writer) error
	}{
		// MDSINE's counts.txt has sample columns only, and no comment line.
		{"counts.txt", func(bw *bufio.Writer) error { return counts.WriteTSV(&skipLine{w: bw}, false) }},
		{"taxonomy.tsv", func(bw *bufio.Writer) error { return writeFeatureTaxonomy(bw, features, lineages) }},
	}
	if len(perts) > 0 {
		out = append(out, struct {
			name string
			fn   func(*bufio.Writer) error
		}{"perturbations.txt", func(bw *bufio.Writer) error { return writePerturbationKey(bw, perts) }})
	}
	for _, o := range out {
		if err := safefile.WriteWith(filepath.Join(w.dir, o.name), o.fn); err != nil {
			return err
		}
		w.files = append(w.files, o.name)
	}
	return nil
}

// Files returns the names (relative to the folder) Finish published.
func (w *MDSINEWriter) Files() []string { return w.files }

// Abort discards every file not yet published.
func (w *MDSINEWriter) Abort() {
	w.meta.abort()
	w.mass.abort()
}

// MDSINE2Writer writes the input tables of MDSINE2's `parse-input`
// (Gibson et al. 2025): metadata.tsv (sampleID subject time), qpcr.tsv
// (sampleID measurement1..) and perturbations.tsv (name start end subject)
// row by row, then reads.tsv and taxonomy.tsv at Finish.
type MDSINE2Writer struct {
	dir              string
	meta, qpcr, pert *lineWriter
	files            []string
}

// NewMDSINE2Writer starts an MDSINE2 folder in dir with replicates qPCR
// columns; perturbations says whether perturbations.tsv is written.
func NewMDSINE2Writer(dir string, replicates int, perturbations bool) (*MDSINE2Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &MDSINE2Writer{dir: dir}
	var err error
	if w.meta, err = newLineWriter(filepath.Join(dir, "metadata.tsv"), "sampleID\tsubject\ttime\n"); err != nil {
		return nil, err
	}
	qh := "sampleID"
	for r := 0; r < replicates; r++ {
		qh += fmt.Sprintf("\tmeasurement%d", r+1)
	}
	if w.qpcr, err = newLineWriter(filepath.Join(dir, "qpcr.tsv"), qh+"\n"); err != nil {
		w.Abort()
		return nil, err
	}
	if perturbations {
		if w.pert, err = newLineWriter(filepath.Join(dir, "perturbations.tsv"), "name\tstart\tend\tsubject\n"); err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

// Sample adds a sample of subject at time t with its qPCR replicates.
func (w *MDSINE2Writer) Sample(id, subject string, t float64, qpcr []float64) {
	w.meta.w.WriteString(id + "\t" + subject + "\t" + fmtG(t) + "\n")
	w.qpcr.w.WriteString(id)
	for _, q := range qpcr {
		w.qpcr.w.WriteString("\t" + fmtNA(q))
	}
	w.qpcr.w.WriteByte('\n')
}

// Perturbation adds a perturbation window (start, end] of subject.
func (w *MDSINE2Writer) Perturbation(name string, start, end float64, subject string) {
	fmt.Fprintf(w.pert.w, "%s\t%s\t%s\t%s\n", name, fmtG(start), fmtG(end), subject)
}

// Finish writes reads.tsv from counts (a "name" column, then one column
// per sample) and taxonomy.tsv, and publishes every file.
func (w *MDSINE2Writer) Finish(counts *StreamWriter, features []string, lineages [][]string) error {
	w.files = []string{"metadata.tsv", "qpcr.tsv"}
	if w.pert != nil {
		w.files = append(w.files, "perturbations.tsv")
	}
	for _, lw := range []*lineWriter{w.meta, w.qpcr, w.pert} {
		if err := lw.commit(); err != nil {
			return err
		}
	}
	// MDSINE2 reads the taxon names from a column called "name".
	if err := safefile.WriteWith(filepath.Join(w.dir, "reads.tsv"), func(bw *bufio.Writer) error {
		return counts.WriteTSV(&skipLine{w: bw, header: "name"}, false)
	}); err != nil {
		return err
	}
	if err := safefile.WriteWith(filepath.Join(w.dir, "taxonomy.tsv"), func(bw *bufio.Writer) error {
		return writeMDSINE2Taxonomy(bw, features, lineages)
	}); err != nil {
		return err
	}
	w.files = append(w.files, "reads.tsv", "taxonomy.tsv")
	return nil
}

// Files returns the names (relative to the folder) Finish published.
func (w *MDSINE2Writer) Files() []string { return w.files }

// Abort discards every file not yet published.
func (w *MDSINE2Writer) Abort() {
	w.meta.abort()
	w.qpcr.abort()
	w.pert.abort()
}

// writeFeatureTaxonomy writes a QIIME 2 style taxonomy: Feature ID, and the
// lineage joined with "; ".
func writeFeatureTaxonomy(w io.Writer, features []string, lineages [][]string) error {
	if _, err := io.WriteString(w, "Feature ID\tTaxon\n"); err != nil {
		return err
	}
	for j, id := range features {
		var lin []string
		if j < len(lineages) {
			lin = lineages[j]
		}
		if _, err := io.WriteString(w, id+"\t"+strings.Join(lin, "; ")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// writeMDSINE2Taxonomy writes MDSINE2's taxonomy table: name, sequence
// (unknown for simulated taxa: NA) and the ranks without their k__ prefixes.
func writeMDSINE2Taxonomy(w io.Writer, features []string, lineages [][]string) error {
	if _, err := io.WriteString(w, "name\tsequence\tkingdom\tphylum\tclass\torder\tfamily\tgenus\tspecies\n"); err != nil {
		return err
	}
	for j, id := range features {
		row := []string{id, "NA"}
		for r := 0; r < 7; r++ {
			v := "NA"
			if j < len(lineages) && r < len(lineages[j]) {
				if _, name, ok := strings.Cut(lineages[j][r], "__"); ok && name != "" {
					v = name
				}
			}
			row = append(row, v)
		}
		if _, err := io.WriteString(w, strings.Join(row, "\t")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// writePerturbationKey writes MDSINE's perturbations.txt: what each
// perturbID of metadata.txt stands for.
func writePerturbationKey(w io.Writer, perts []MDSINEPerturbation) error {
	if _, err := io.WriteString(w, "perturbID\tname\ttype\tstart\tend\tarms\n"); err != nil {
		return err
	}
	for k, p := range perts {
		if _, err := fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", k+1, p.Name, p.Type, fmtG(p.Start), fmtG(p.End), p.Arms); err != nil {
			return err
		}
	}
	return nil
}

// skipLine drops the first line written through it (WriteTSV's
// "# Constructed from biom file" comment, absent from MDSINE's files) and,
// when header is set, replaces the first cell of the next line ("#OTU ID")
// with it.
type skipLine struct {
	w       io.Writer
	header  string
	done    bool // first line dropped
	renamed bool // first cell of the header line replaced
	partial []byte
}

func (s *skipLine) Write(p []byte) (int, error) {
	n := len(p)
	if !s.done {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			return n, nil
		}
		s.done = true
		p = p[i+1:]
	}
	if s.header != "" && !s.renamed {
		// Gather up to the first tab of the header line.
		s.partial = append(s.partial, p...)
		i := bytes.IndexAny(s.partial, "\t\n")
		if i < 0 {
			return n, nil
		}
		s.renamed = true
		rest := s.partial[i:]
		s.partial = nil
		if _, err := io.WriteString(s.w, s.header); err != nil {
			return 0, err
		}
		p = rest
	}
	if _, err := s.w.Write(p); err != nil {
		return 0, err
	}
	return n, nil
}

// lineWriter is an output file written line by line through a buffer and
// published atomically by commit. A nil *lineWriter does nothing.
type lineWriter struct {
	f *safefile.File
	w *bufio.Writer
}

func newLineWriter(path, header string) (*lineWriter, error) {
	f, err := safefile.Create(path)
	if err != nil {
		return nil, err
	}
	lw := &lineWriter{f: f, w: bufio.NewWriterSize(f, 1<<16)}
	lw.w.WriteString(header)
	return lw, nil
}

func (lw *lineWriter) commit() error {
	if lw == nil {
		return nil
	}
	if err := lw.w.Flush(); err != nil {
		return err
	}
	return lw.f.Commit()
}

func (lw *lineWriter) abort() {
	if lw != nil {
		lw.f.Abort()
	}
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// fmtNA formats x, NaN as NA.
func fmtNA(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return fmtG(x)
}
