package cohort

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

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
func Assemble(ctx context.Context, dirs []string, out string) (err error) {
	lay, lb, paths, err := shardChunks(ctx, dirs)
	if err != nil {
		return err
	}
	if err := chunks.CheckDir(out, "layout.json", lb, Shard{I: 0, N: 1}); err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	// Everything above only read; from here a failure removes what this
	// merge created (a new folder, its layout.json), and the manifest of
	// a run already in out is replaced only at the very end.
	undo, newLayout := chunks.UndoNew(out, "layout.json")
	defer func() {
		if err != nil {
			undo()
		}
	}()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if newLayout {
		if err := safefile.WriteFile(filepath.Join(out, "layout.json"), lb); err != nil {
			return err
		}
	}
	return writeOutputs(ctx, lay, paths, out)
}

// shardChunks checks that the run directories dirs hold one spec and
// every chunk of it, undamaged, and returns its layout (parsed and as
// stored) and the path of every chunk.
func shardChunks(ctx context.Context, dirs []string) (*Layout, []byte, []string, error) {
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
	if err := chunks.Verify(ctx, paths); err != nil {
		return nil, nil, nil, fmt.Errorf("merge: %w", err)
	}
	return lay, lb, paths, nil
}

// outputFamily writes one family of a cohort's output files (the tables,
// the count table, the sample metadata, MDSINE, MDSINE2) from the subjects
// in index order. Each family's files are published by finish, or
// discarded by abort.
type outputFamily interface {
	// subject is called once per subject, before its samples.
	subject(r *subjectRow) error
	// sample is called for each of the subject's samples, in order.
	sample(r *subjectRow, x *sampleRow) error
	// finish publishes the family's files (counts: the cohort's count
	// table) and returns their names relative to the output directory.
	finish(counts *table.StreamWriter) ([]string, error)
	abort()
}

// subjectRow is what every family reads of one subject.
type subjectRow struct {
	s      *Subject
	id     string // S000001
	arm    string // "" for a cohort
	status string // "ok" or "failed: ..."
	echo   []any  // arm (trials) and covariates, echoed into per-row tables
}

// sampleRow is what every family reads of one sample.
type sampleRow struct {
	j     int // sample point (index into Layout.Sites, Times, ...)
	id    string
	site  string
	t     float64
	smp   *Sample
	reads int     // total reads
	qmean float64 // mean of the qPCR replicates
}

// writeOutputs writes the cohort outputs of the chunks at paths into out:
// every family of files, then manifest.json last.
func writeOutputs(ctx context.Context, lay *Layout, paths []string, out string) (err error) {
	// Spill files (Parquet page buffers, the count table's samples) live in
	// a hidden directory under out, removed on return. A run killed during
	// assembly leaves its spill behind; drop it.
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
	first, err := readChunk(paths[0])
	if err != nil {
		return err
	}
	nq := 0 // qPCR replicates: from the first chunk's first sample
	if len(first.Subjects) > 0 && len(first.Subjects[0].Samples) > 0 {
		nq = len(first.Subjects[0].Samples[0].QPCR)
	}
	counts, err := newCountsFamily(lay, spill)
	if err != nil {
		return err
	}
	counts.out = out
	defer counts.sw.Close()
	fams := []outputFamily{counts}
	defer func() {
		if err != nil {
			for _, f := range fams {
				f.abort()
			}
		}
	}()
	for _, mk := range []func() (outputFamily, error){
		func() (outputFamily, error) { return newTablesFamily(lay, out, spill, nq) },
		func() (outputFamily, error) { return newMetadataFamily(lay, out) },
		func() (outputFamily, error) { return newMDSINEFamily(lay, out, nq) },
		func() (outputFamily, error) { return newMDSINE2Family(lay, out, nq) },
	} {
		f, err := mk()
		if err != nil {
			return err
		}
		fams = append(fams, f)
	}
	failed, err := feedSubjects(ctx, lay, paths, first, fams)
	if err != nil {
		return err
	}
	files := map[string]string{}
	for _, f := range fams {
		names, err := f.finish(counts.sw)
		if err != nil {
			return err
		}
		for _, n := range names {
			if files[n], err = hashFile(filepath.Join(out, n)); err != nil {
				return err
			}
		}
	}
	mb, _ := json.MarshalIndent(&Manifest{SpecHash: lay.SpecHash, Name: lay.Name, N: lay.N, Seed: lay.Seed, Provenance: lay.Provenance, Failed: failed, Files: files}, "", " ")
	return safefile.WriteFile(filepath.Join(out, FileManifest), append(mb, '\n'))
}

// feedSubjects reads the chunks at paths (the first already read) and hands
// every subject and sample to every family, in order. It returns the
// number of failed subjects.
func feedSubjects(ctx context.Context, lay *Layout, paths []string, first *chunkFile, fams []outputFamily) (int, error) {
	failed := 0
	seenID := map[string]bool{}
	var r subjectRow
	var x sampleRow
	for k, path := range paths {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		cf := first
		if k > 0 {
			var err error
			if cf, err = readChunk(path); err != nil {
				return 0, err
			}
		}
		if cf.SpecHash != lay.SpecHash {
			return 0, fmt.Errorf("%s: chunk of a different spec", path)
		}
		for _, s := range cf.Subjects {
			r = subjectRow{s: s, id: subjectID(s.Index), status: "ok", echo: r.echo[:0]}
			if s.Err != "" {
				r.status = "failed: " + s.Err
				failed++
			}
			if len(lay.Arms) > 0 {
				r.arm = lay.Arms[s.Arm]
				r.echo = append(r.echo, r.arm)
			}
			for _, c := range s.Covs {
				r.echo = append(r.echo, c)
			}
			for _, f := range fams {
				if err := f.subject(&r); err != nil {
					return 0, err
				}
			}
			clear(seenID) // ids of different subjects differ in their subject prefix
			for j := range s.Samples {
				smp := &s.Samples[j]
				x = sampleRow{j: j, site: lay.Sites[j], t: lay.Times[j], smp: smp}
				x.id = sampleID(s.Index, x.site, x.t)
				if seenID[x.id] {
					return 0, fmt.Errorf("%s: duplicate sample id %q", path, x.id)
				}
				seenID[x.id] = true
				for _, c := range smp.Counts {
					x.reads += int(c)
				}
				for _, q := range smp.QPCR {
					x.qmean += q / float64(len(smp.QPCR))
				}
				for _, f := range fams {
					if err := f.sample(&r, &x); err != nil {
						return 0, fmt.Errorf("%s: %w", path, err)
					}
				}
			}
		}
	}
	return failed, nil
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

func hashFile(path string) (string, error) { return safefile.SHA256File(path) }
