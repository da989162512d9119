package cohort

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/table"
)

// Output file names in a cohort directory.
const (
	FileSubjects        = "subjects.csv"
	FileSubjectsParquet = "subjects.parquet"
	FileSamples         = "samples.csv"
	FileSamplesParquet  = "samples.parquet"
	FileMeasurements    = "measurements.csv"
	FileMeasurementsPQ  = "measurements.parquet"
	FileMetadata        = "sample-metadata.tsv"
	FileBIOM            = "counts.biom"      // BIOM 2.1 HDF5
	FileBIOMJSON        = "counts.json.biom" // BIOM 1.0 JSON
	FileTruthAbundance  = "truth-abundance.csv"
	FileTruth           = "truth-trajectories.csv"
	FileManifest        = "manifest.json"
	// MDSINE (Bucci et al. 2016) input set, shaped as its published data
	// (e.g. the diet study's counts.txt, metadata.txt, biomass.txt) and
	// readable with table.ReadMDSINE(DIR/mdsine). MDSINE models one
	// community per time series, so a subject's series at one site is an
	// MDSINE subject: subjectID is the subject's number (S000007 → 7) when
	// the spec samples one site and NUMBER-SITE (7-face) when it samples
	// several. perturbID is k (1-based, the rows of perturbations.txt) when
	// the subject's perturbation k is active at the sample's time
	// (start < time <= end, MDSINE2's rule; the first one when several
	// overlap) and 0 otherwise; exptblock is 1; intv is the trial arm's
	// index in the spec (0 for a cohort); isIncluded 0 marks samples of
	// failed subjects.
	DirMDSINE               = "mdsine"
	FileMDSINECounts        = "mdsine/counts.txt"        // "#OTU ID" header, taxa × samples, no taxonomy column
	FileMDSINEMetadata      = "mdsine/metadata.txt"      // sampleID isIncluded subjectID measurementID perturbID exptblock intv
	FileMDSINETaxonomy      = "mdsine/taxonomy.tsv"      // Feature ID, Taxon (QIIME 2 style, "; "-joined)
	FileMDSINEBiomass       = "mdsine/biomass.txt"       // qPCR replicates mass1.., rows in metadata order
	FileMDSINEPerturbations = "mdsine/perturbations.txt" // perturbID name type start end arms (only with interventions)
	// MDSINE2 (Gibson et al. 2025) input set for `mdsine2 parse-input`
	// (tab-separated; columns as its parse_input documents and its Gibson
	// dataset uses): metadata sampleID subject time; reads with a "name"
	// column then one column per sample; qPCR sampleID measurement1..;
	// taxonomy name sequence kingdom .. species ("NA" where unknown);
	// perturbations name start end subject, one row per perturbation window
	// and MDSINE subject receiving it (only with interventions). Subjects are
	// named as in mdsine/metadata.txt.
	DirMDSINE2               = "mdsine2"
	FileMDSINE2Metadata      = "mdsine2/metadata.tsv"
	FileMDSINE2Reads         = "mdsine2/reads.tsv"
	FileMDSINE2QPCR          = "mdsine2/qpcr.tsv"
	FileMDSINE2Taxonomy      = "mdsine2/taxonomy.tsv"
	FileMDSINE2Perturbations = "mdsine2/perturbations.tsv"
)

// Manifest is written last, atomically, by a complete run or merge. With
// the spec, Provenance (version, model and scenario hashes, solver
// settings) and the seed, it identifies everything the outputs depend on.
type Manifest struct {
	SpecHash   string
	Name       string
	N          int
	Seed       uint64
	Provenance Provenance
	Failed     int               // subjects whose integration failed (their rows say so)
	Files      map[string]string // name -> sha256
}

// col is an output column; str marks string columns.
type col struct {
	name string
	str  bool
}

// tabSink writes rows to a CSV file and a Parquet file with the same columns.
type tabSink struct {
	cols   []col
	csvF   *safefile.File
	csvW   *csv.Writer
	pqF    *safefile.File
	pqW    *parquet.Writer
	pqIdx  []int
	row    parquet.Row
	buf    []string
	rowBuf []parquet.Row
}

// newTabSink creates the sink's files in dir; Parquet's column page buffers
// go to files in spill (in memory when spill is ""), so a row group's pages
// do not have to fit in memory.
func newTabSink(dir, spill, csvName, pqName string, cols []col) (*tabSink, error) {
	t := &tabSink{cols: cols}
	var err error
	if t.csvF, err = safefile.Create(filepath.Join(dir, csvName)); err != nil {
		return nil, err
	}
	t.csvW = csv.NewWriter(t.csvF)
	hdr := make([]string, len(cols))
	for i, c := range cols {
		hdr[i] = c.name
	}
	t.csvW.Write(hdr)
	if pqName != "" {
		g := parquet.Group{}
		for _, c := range cols {
			if c.str {
				g[c.name] = parquet.String()
			} else {
				g[c.name] = parquet.Leaf(parquet.DoubleType)
			}
		}
		schema := parquet.NewSchema("rows", g)
		pos := map[string]int{}
		for i, f := range schema.Fields() {
			pos[f.Name()] = i
		}
		for _, c := range cols {
			t.pqIdx = append(t.pqIdx, pos[c.name])
		}
		if t.pqF, err = safefile.Create(filepath.Join(dir, pqName)); err != nil {
			t.csvF.Abort()
			return nil, err
		}
		opts := []parquet.WriterOption{schema, parquet.CreatedBy("holobiont", "cohort", "")}
		if spill != "" {
			opts = append(opts, parquet.ColumnPageBuffers(parquet.NewFileBufferPool(spill, "parquet-page-*")))
		}
		t.pqW = parquet.NewWriter(t.pqF, opts...)
	}
	return t, nil
}

// write appends one row: each value is a string or a float64.
func (t *tabSink) write(vals []any) error {
	t.buf = t.buf[:0]
	if t.pqW != nil {
		t.row = make(parquet.Row, len(vals))
	}
	for i, v := range vals {
		switch x := v.(type) {
		case string:
			t.buf = append(t.buf, x)
			if t.pqW != nil {
				t.row[t.pqIdx[i]] = parquet.ByteArrayValue([]byte(x)).Level(0, 0, t.pqIdx[i])
			}
		case float64:
			t.buf = append(t.buf, fmtNum(x))
			if t.pqW != nil {
				t.row[t.pqIdx[i]] = parquet.DoubleValue(x).Level(0, 0, t.pqIdx[i])
			}
		default:
			return fmt.Errorf("internal: column %s: %T", t.cols[i].name, v)
		}
	}
	if t.pqW != nil {
		t.rowBuf = append(t.rowBuf, t.row)
		if len(t.rowBuf) >= 1024 {
			if _, err := t.pqW.WriteRows(t.rowBuf); err != nil {
				return err
			}
			t.rowBuf = t.rowBuf[:0]
		}
	}
	return t.csvW.Write(t.buf)
}

func (t *tabSink) commit() error {
	t.csvW.Flush()
	if err := t.csvW.Error(); err != nil {
		return err
	}
	if t.pqW != nil {
		if len(t.rowBuf) > 0 {
			if _, err := t.pqW.WriteRows(t.rowBuf); err != nil {
				return err
			}
		}
		if err := t.pqW.Close(); err != nil {
			return err
		}
	}
	return nil
}

func (t *tabSink) abort() {
	t.csvF.Abort()
	if t.pqF != nil {
		t.pqF.Abort()
	}
}

func fmtNum(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return formatFloat(x)
}

// subjectID formats subject i.
func subjectID(i int) string { return fmt.Sprintf("S%06d", i+1) }

func sampleID(i int, site string, t float64) string {
	return fmt.Sprintf("%s.%s.d%s", subjectID(i), site, formatFloat(t))
}

// Assemble reads the layout and chunks of the run directories dirs (one
// unsharded run, or all shards of one spec) and writes the cohort outputs
// into out, manifest last. It refuses directories of different specs and
// reports missing chunks.
func Assemble(ctx context.Context, dirs []string, out string) error {
	lay, lb, paths, err := shardChunks(dirs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	os.Remove(filepath.Join(out, FileManifest))
	if abs1, _ := filepath.Abs(out); true {
		same := false
		for _, d := range dirs {
			if abs2, _ := filepath.Abs(d); abs2 == abs1 {
				same = true
			}
		}
		if !same {
			if err := safefile.WriteFile(filepath.Join(out, "layout.json"), lb); err != nil {
				return err
			}
		}
	}
	return writeOutputs(ctx, lay, paths, out)
}

// shardChunks checks that the run directories dirs hold one spec and
// returns its layout (parsed and as stored) and the path of every chunk.
func shardChunks(dirs []string) (*Layout, []byte, []string, error) {
	if len(dirs) == 0 {
		return nil, nil, nil, fmt.Errorf("merge: no directories")
	}
	lay, lb, err := readLayout(dirs[0])
	if err != nil {
		return nil, nil, nil, err
	}
	for _, d := range dirs[1:] {
		l2, b2, err := readLayout(d)
		if err != nil {
			return nil, nil, nil, err
		}
		if l2.SpecHash != lay.SpecHash {
			return nil, nil, nil, fmt.Errorf("merge: %s and %s come from different specs (spec hash %.12s vs %.12s)", dirs[0], d, lay.SpecHash, l2.SpecHash)
		}
		if string(b2) != string(lb) {
			return nil, nil, nil, fmt.Errorf("merge: %s and %s ran the same spec with different holobiont versions (%q vs %q) or settings; rerun one of them", dirs[0], d, lay.Provenance.Version, l2.Provenance.Version)
		}
	}
	for _, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, "shard.json")); err == nil {
			var sm ShardManifest
			if err := json.Unmarshal(b, &sm); err != nil || sm.SpecHash != lay.SpecHash {
				return nil, nil, nil, fmt.Errorf("merge: %s/shard.json: shard of a different spec", d)
			}
		}
	}
	paths, err := chunks.Locate(dirs, lay.NumChunks())
	if err != nil {
		return nil, nil, nil, err
	}
	return lay, lb, paths, nil
}

func writeOutputs(ctx context.Context, lay *Layout, paths []string, out string) (err error) {
	// Column sets.
	subCols := []col{{"subject", true}, {"index", false}}
	if len(lay.Arms) > 0 {
		subCols = append(subCols, col{"arm", true})
	}
	for _, c := range lay.Covs {
		subCols = append(subCols, col{c, true})
	}
	for _, p := range lay.Params {
		subCols = append(subCols, col{"param." + p, false})
	}
	for _, e := range lay.Endpoints {
		subCols = append(subCols, col{e, false})
	}
	subCols = append(subCols, col{"status", true})
	// The arm and covariates are echoed into every per-sample and
	// per-measurement table too, after the subject.
	var echo []col
	if len(lay.Arms) > 0 {
		echo = append(echo, col{"arm", true})
	}
	for _, c := range lay.Covs {
		echo = append(echo, col{c, true})
	}
	withEcho := func(head []col, rest ...col) []col {
		return append(append(append([]col{}, head...), echo...), rest...)
	}
	nq := 0
	smpCols := withEcho([]col{{"sample-id", true}, {"subject", true}}, col{"body-site", true}, col{"time", false}, col{"depth", false}, col{"reads", false}, col{"load_true", false})
	var sinks []*tabSink
	defer func() {
		if err != nil {
			for _, s := range sinks {
				s.abort()
			}
		}
	}()
	// Spill files (Parquet page buffers, the count table's samples) live in
	// a hidden directory under out, removed on return.
	// A run killed during assembly leaves its spill behind; drop it.
	if old, _ := filepath.Glob(filepath.Join(out, ".assemble-spill-*")); len(old) > 0 {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	spill, err := os.MkdirTemp(out, ".assemble-spill-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spill)
	subs, err := newTabSink(out, spill, FileSubjects, FileSubjectsParquet, subCols)
	if err != nil {
		return err
	}
	sinks = append(sinks, subs)
	// qPCR replicate columns: from the first chunk's first sample.
	first, err := readChunk(paths[0])
	if err != nil {
		return err
	}
	if len(first.Subjects) > 0 && len(first.Subjects[0].Samples) > 0 {
		nq = len(first.Subjects[0].Samples[0].QPCR)
	}
	for r := 0; r < nq; r++ {
		smpCols = append(smpCols, col{fmt.Sprintf("qpcr_%d", r+1), false})
	}
	smps, err := newTabSink(out, spill, FileSamples, FileSamplesParquet, smpCols)
	if err != nil {
		return err
	}
	sinks = append(sinks, smps)
	meas, err := newTabSink(out, spill, FileMeasurements, FileMeasurementsPQ, withEcho([]col{{"subject", true}}, col{"measurement", true}, col{"instrument", true}, col{"time", false}, col{"value", false}, col{"latent", false}))
	if err != nil {
		return err
	}
	sinks = append(sinks, meas)
	truthAb, err := newTabSink(out, spill, FileTruthAbundance, "", withEcho([]col{{"sample-id", true}, {"subject", true}}, col{"taxon", true}, col{"relative", false}, col{"reads", false}))
	if err != nil {
		return err
	}
	sinks = append(sinks, truthAb)
	var truth *tabSink
	if len(lay.Truth) > 0 {
		if truth, err = newTabSink(out, spill, FileTruth, "", withEcho([]col{{"subject", true}}, col{"time", false}, col{"variable", true}, col{"value", false})); err != nil {
			return err
		}
		sinks = append(sinks, truth)
	}
	// The count table is streamed too: samples are spilled to temporary files
	// under out (removed on return), so memory does not grow with n.
	sw, err := table.NewStreamWriter(spill, lay.Features, lay.Taxonomy)
	if err != nil {
		return err
	}
	defer sw.Close()
	var swIdx []int32
	var swVal []float64
	seenID := map[string]bool{}
	mdCols := []string{"subject", "body-site", "time"}
	mdTypes := []string{"categorical", "categorical", "numeric"}
	if len(lay.Arms) > 0 {
		mdCols = append(mdCols, "arm")
		mdTypes = append(mdTypes, "categorical")
	}
	for i, c := range lay.Covs {
		mdCols = append(mdCols, c)
		if i < len(lay.CovNumeric) && lay.CovNumeric[i] {
			mdTypes = append(mdTypes, "numeric")
		} else {
			mdTypes = append(mdTypes, "categorical")
		}
	}
	for _, m := range lay.Measures {
		mdCols = append(mdCols, m)
		mdTypes = append(mdTypes, "numeric")
	}
	mdCols = append(mdCols, "depth", "qpcr_mean", "status")
	mdTypes = append(mdTypes, "numeric", "numeric", "categorical")
	mdF, err := safefile.Create(filepath.Join(out, FileMetadata))
	if err != nil {
		return err
	}
	defer mdF.Abort()
	mdW := bufio.NewWriterSize(mdF, 1<<16)
	mdW.WriteString("sample-id\t" + strings.Join(mdCols, "\t") + "\n")
	if lay.TypesRow {
		mdW.WriteString("#q2:types\t" + strings.Join(mdTypes, "\t") + "\n")
	}
	// MDSINE metadata and biomass are streamed in sample order too.
	if err := os.MkdirAll(filepath.Join(out, DirMDSINE), 0o755); err != nil {
		return err
	}
	msF, err := safefile.Create(filepath.Join(out, FileMDSINEMetadata))
	if err != nil {
		return err
	}
	defer msF.Abort()
	msW := bufio.NewWriterSize(msF, 1<<16)
	msW.WriteString(strings.Join(table.MDSINEMetadataColumns(), "\t") + "\n")
	var bmF *safefile.File
	var bmW *bufio.Writer
	if nq > 0 {
		if bmF, err = safefile.Create(filepath.Join(out, FileMDSINEBiomass)); err != nil {
			return err
		}
		defer bmF.Abort()
		bmW = bufio.NewWriterSize(bmF, 1<<16)
		for r := 0; r < nq; r++ {
			if r > 0 {
				bmW.WriteByte('\t')
			}
			fmt.Fprintf(bmW, "mass%d", r+1)
		}
		bmW.WriteByte('\n')
	}
	// MDSINE2 metadata, qPCR and perturbations, streamed in sample order.
	if err := os.MkdirAll(filepath.Join(out, DirMDSINE2), 0o755); err != nil {
		return err
	}
	perSite := lay.mdsineSiteSeries()
	m2Meta, err := createLines(filepath.Join(out, FileMDSINE2Metadata), "sampleID\tsubject\ttime\n")
	if err != nil {
		return err
	}
	defer m2Meta.abort()
	qh := "sampleID"
	for r := 0; r < nq; r++ {
		qh += fmt.Sprintf("\tmeasurement%d", r+1)
	}
	m2QPCR, err := createLines(filepath.Join(out, FileMDSINE2QPCR), qh+"\n")
	if err != nil {
		return err
	}
	defer m2QPCR.abort()
	var m2Pert *lineFile
	if len(lay.Perturbations) > 0 {
		if m2Pert, err = createLines(filepath.Join(out, FileMDSINE2Perturbations), "name\tstart\tend\tsubject\n"); err != nil {
			return err
		}
		defer m2Pert.abort()
	}
	var siteOrder []string // distinct sampled sites in sample-point order
	for _, st := range lay.Sites {
		if !slices.Contains(siteOrder, st) {
			siteOrder = append(siteOrder, st)
		}
	}
	failed := 0
	var vals, echoVals, rb []any
	type kv struct {
		f int32
		v float64
	}
	var ents []kv
	for k, path := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		cf := first
		if k > 0 {
			if cf, err = readChunk(path); err != nil {
				return err
			}
		}
		if cf.SpecHash != lay.SpecHash {
			return fmt.Errorf("%s: chunk of a different spec", path)
		}
		for _, s := range cf.Subjects {
			sid := subjectID(s.Index)
			status := "ok"
			if s.Err != "" {
				status = "failed: " + s.Err
				failed++
			}
			vals = append(vals[:0], sid, float64(s.Index))
			arm := ""
			echoVals = echoVals[:0]
			if len(lay.Arms) > 0 {
				arm = lay.Arms[s.Arm]
				echoVals = append(echoVals, arm)
			}
			for _, c := range s.Covs {
				echoVals = append(echoVals, c)
			}
			vals = append(vals, echoVals...)
			for _, v := range s.Params {
				vals = append(vals, v)
			}
			for _, v := range s.Endpoints {
				vals = append(vals, v)
			}
			vals = append(vals, status)
			if err := subs.write(vals); err != nil {
				return err
			}
			for mi, m := range lay.Measures {
				for ti, t := range lay.MeasureTimes[mi] {
					rb = append(append(append(rb[:0], sid), echoVals...), m, lay.Instruments[mi], t, s.Measures[mi][ti], s.MeasTrue[mi][ti])
					if err := meas.write(rb); err != nil {
						return err
					}
				}
			}
			clear(seenID) // ids of different subjects differ in their subject prefix
			for j, smp := range s.Samples {
				site, t := lay.Sites[j], lay.Times[j]
				id := sampleID(s.Index, site, t)
				if seenID[id] {
					return fmt.Errorf("%s: duplicate sample id %q", path, id)
				}
				seenID[id] = true
				reads := 0
				for _, c := range smp.Counts {
					reads += int(c)
				}
				vals = append(append(vals[:0], id, sid), echoVals...)
				vals = append(vals, site, t, float64(smp.Depth), float64(reads), smp.Load)
				var qm float64
				for _, q := range smp.QPCR {
					vals = append(vals, q)
					qm += q / float64(len(smp.QPCR))
				}
				if err := smps.write(vals); err != nil {
					return err
				}
				ents = ents[:0]
				for mi, c := range smp.Counts {
					rb = append(append(append(rb[:0], id, sid), echoVals...), lay.SiteMembers[j][mi], smp.Rel[mi], float64(c))
					if err := truthAb.write(rb); err != nil {
						return err
					}
					if c > 0 {
						ents = append(ents, kv{int32(lay.SiteFeature[j][mi]), float64(c)})
					}
				}
				sort.Slice(ents, func(a, b int) bool { return ents[a].f < ents[b].f })
				swIdx, swVal = swIdx[:0], swVal[:0]
				for _, e := range ents {
					swIdx = append(swIdx, e.f)
					swVal = append(swVal, e.v)
				}
				if err := sw.Add(id, swIdx, swVal); err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				row := []string{sid, site, formatFloat(t)}
				if len(lay.Arms) > 0 {
					row = append(row, arm)
				}
				row = append(row, s.Covs...)
				for mi := range lay.Measures {
					row = append(row, fmtNum(nearest(lay.MeasureTimes[mi], s.Measures[mi], t)))
				}
				st := "ok"
				if s.Err != "" {
					st = "failed"
				}
				row = append(row, formatFloat(float64(smp.Depth)), fmtNum(qm), st)
				for _, v := range row {
					if strings.ContainsAny(v, "\t\n") {
						return fmt.Errorf("metadata value %q contains a tab or newline", v)
					}
				}
				mdW.WriteString(id + "\t" + strings.Join(row, "\t") + "\n")
				// MDSINE (see FileMDSINEMetadata).
				incl := "1"
				if s.Err != "" {
					incl = "0"
				}
				msub := mdsineSubject(s.Index, site, perSite)
				fmt.Fprintf(msW, "%s\t%s\t%s\t%s\t%d\t1\t%d\n", id, incl, msub, formatFloat(t), lay.perturbID(s.Arm, t), s.Arm)
				m2Meta.w.WriteString(id + "\t" + msub + "\t" + formatFloat(t) + "\n")
				m2QPCR.w.WriteString(id)
				for _, q := range smp.QPCR {
					m2QPCR.w.WriteString("\t" + fmtNum(q))
				}
				m2QPCR.w.WriteByte('\n')
				if bmW != nil {
					if len(smp.QPCR) != nq {
						return fmt.Errorf("%s: sample %s has %d qPCR replicates, want %d", path, id, len(smp.QPCR), nq)
					}
					for r, q := range smp.QPCR {
						if r > 0 {
							bmW.WriteByte('\t')
						}
						bmW.WriteString(fmtNum(q))
					}
					bmW.WriteByte('\n')
				}
			}
			if m2Pert != nil {
				for k := range lay.Perturbations {
					p := &lay.Perturbations[k]
					if !p.appliesTo(s.Arm) {
						continue
					}
					for _, site := range siteOrder {
						fmt.Fprintf(m2Pert.w, "%s\t%s\t%s\t%s\n", p.Name, formatFloat(p.Start), formatFloat(p.End), mdsineSubject(s.Index, site, perSite))
						if !perSite {
							break
						}
					}
				}
			}
			if truth != nil {
				for ti, t := range lay.TruthTimes {
					for qi, q := range lay.Truth {
						rb = append(append(append(rb[:0], sid), echoVals...), t, q, s.Truth[ti][qi])
						if err := truth.write(rb); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if err := mdW.Flush(); err != nil {
		return err
	}
	if err := mdF.Commit(); err != nil {
		return err
	}
	if err := msW.Flush(); err != nil {
		return err
	}
	if err := msF.Commit(); err != nil {
		return err
	}
	if bmW != nil {
		if err := bmW.Flush(); err != nil {
			return err
		}
		if err := bmF.Commit(); err != nil {
			return err
		}
	}
	for _, lf := range []*lineFile{m2Meta, m2QPCR, m2Pert} {
		if err := lf.commit(); err != nil {
			return err
		}
	}
	for _, s := range sinks {
		if err := s.commit(); err != nil {
			return err
		}
	}
	files := map[string]string{}
	commitAll := func() error {
		for _, s := range sinks {
			if err := s.csvF.Commit(); err != nil {
				return err
			}
			if s.pqF != nil {
				if err := s.pqF.Commit(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := commitAll(); err != nil {
		return err
	}
	sinks = nil
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := writeWith(filepath.Join(out, FileBIOMJSON), func(w io.Writer) error {
		return sw.WriteBIOMJSON(w, table.JSONOptions{ID: lay.Name, GeneratedBy: "holobiont cohort", Now: epoch})
	}); err != nil {
		return err
	}
	if err := sw.WriteHDF5(filepath.Join(out, FileBIOM), table.HDF5Options{ID: lay.Name, GeneratedBy: "holobiont cohort", Now: epoch}); err != nil {
		return err
	}
	if err := writeWith(filepath.Join(out, FileMDSINECounts), func(w io.Writer) error {
		// MDSINE's counts.txt has sample columns only (no taxonomy).
		return sw.WriteTSV(&skipLine{w: w}, false)
	}); err != nil {
		return err
	}
	if err := writeWith(filepath.Join(out, FileMDSINETaxonomy), func(w io.Writer) error {
		if _, err := io.WriteString(w, "Feature ID\tTaxon\n"); err != nil {
			return err
		}
		for j, id := range lay.Features {
			var lin []string
			if j < len(lay.Taxonomy) {
				lin = lay.Taxonomy[j]
			}
			if _, err := io.WriteString(w, id+"\t"+strings.Join(lin, "; ")+"\n"); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeWith(filepath.Join(out, FileMDSINE2Reads), func(w io.Writer) error {
		// MDSINE2 reads the taxon names from a column called "name".
		return sw.WriteTSV(&skipLine{w: w, header: "name"}, false)
	}); err != nil {
		return err
	}
	if err := writeWith(filepath.Join(out, FileMDSINE2Taxonomy), func(w io.Writer) error {
		return writeMDSINE2Taxonomy(w, lay)
	}); err != nil {
		return err
	}
	names := []string{FileSubjects, FileSubjectsParquet, FileSamples, FileSamplesParquet, FileMeasurements, FileMeasurementsPQ, FileMetadata, FileBIOM, FileBIOMJSON, FileTruthAbundance, FileMDSINECounts, FileMDSINEMetadata, FileMDSINETaxonomy,
		FileMDSINE2Metadata, FileMDSINE2Reads, FileMDSINE2QPCR, FileMDSINE2Taxonomy}
	if bmF != nil {
		names = append(names, FileMDSINEBiomass)
	}
	if len(lay.Perturbations) > 0 {
		if err := writeWith(filepath.Join(out, FileMDSINEPerturbations), func(w io.Writer) error {
			return writePerturbationKey(w, lay)
		}); err != nil {
			return err
		}
		names = append(names, FileMDSINEPerturbations, FileMDSINE2Perturbations)
	}
	if truth != nil {
		names = append(names, FileTruth)
	}
	for _, n := range names {
		h, err := hashFile(filepath.Join(out, n))
		if err != nil {
			return err
		}
		files[n] = h
	}
	mb, _ := json.MarshalIndent(&Manifest{SpecHash: lay.SpecHash, Name: lay.Name, N: lay.N, Seed: lay.Seed, Provenance: lay.Provenance, Failed: failed, Files: files}, "", " ")
	return safefile.WriteFile(filepath.Join(out, FileManifest), append(mb, '\n'))
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

// lineFile is an output file written line by line through a buffer and
// published atomically by commit.
type lineFile struct {
	f *safefile.File
	w *bufio.Writer
}

func createLines(path, header string) (*lineFile, error) {
	f, err := safefile.Create(path)
	if err != nil {
		return nil, err
	}
	lf := &lineFile{f: f, w: bufio.NewWriterSize(f, 1<<16)}
	lf.w.WriteString(header)
	return lf, nil
}

// commit flushes and publishes the file (nil: nothing to do).
func (lf *lineFile) commit() error {
	if lf == nil {
		return nil
	}
	if err := lf.w.Flush(); err != nil {
		return err
	}
	return lf.f.Commit()
}

// abort removes an uncommitted file (nil or committed: nothing to do).
func (lf *lineFile) abort() {
	if lf != nil {
		lf.f.Abort()
	}
}

// writeMDSINE2Taxonomy writes MDSINE2's taxonomy table: name, sequence
// (unknown for simulated taxa: NA) and the ranks without their k__ prefixes.
func writeMDSINE2Taxonomy(w io.Writer, lay *Layout) error {
	if _, err := io.WriteString(w, "name\tsequence\tkingdom\tphylum\tclass\torder\tfamily\tgenus\tspecies\n"); err != nil {
		return err
	}
	for j, id := range lay.Features {
		row := []string{id, "NA"}
		for r := 0; r < 7; r++ {
			v := "NA"
			if j < len(lay.Taxonomy) && r < len(lay.Taxonomy[j]) {
				if _, name, ok := strings.Cut(lay.Taxonomy[j][r], "__"); ok && name != "" {
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

// writePerturbationKey writes mdsine/perturbations.txt: what each perturbID
// of mdsine/metadata.txt stands for.
func writePerturbationKey(w io.Writer, lay *Layout) error {
	if _, err := io.WriteString(w, "perturbID\tname\ttype\tstart\tend\tarms\n"); err != nil {
		return err
	}
	for k, p := range lay.Perturbations {
		arms := "all"
		if p.Arms != nil {
			var names []string
			for _, a := range p.Arms {
				if a < len(lay.Arms) {
					names = append(names, lay.Arms[a])
				}
			}
			arms = strings.Join(names, ",")
		}
		if _, err := fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", k+1, p.Name, p.Type, formatFloat(p.Start), formatFloat(p.End), arms); err != nil {
			return err
		}
	}
	return nil
}

// nearest returns the value measured at the time closest to t (earlier on ties).
func nearest(times, vals []float64, t float64) float64 {
	best, bd := math.NaN(), math.Inf(1)
	for i, x := range times {
		if d := math.Abs(x - t); d < bd {
			best, bd = vals[i], d
		}
	}
	return best
}

func writeWith(path string, fn func(io.Writer) error) error {
	f, err := safefile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fn(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Commit()
}

func hashFile(path string) (string, error) { return safefile.SHA256File(path) }
