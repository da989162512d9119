package cohort

import (
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/table"
)

// mdsineFamily writes mdsine/ (see FileMDSINEMetadata) through
// table.MDSINEWriter: the cohort decides the MDSINE subject of a series,
// the active perturbation of a sample and the arm code.
type mdsineFamily struct {
	lay     *Layout
	w       *table.MDSINEWriter
	perSite bool
}

func newMDSINEFamily(lay *Layout, out string, nq int) (*mdsineFamily, error) {
	w, err := table.NewMDSINEWriter(filepath.Join(out, DirMDSINE), nq)
	if err != nil {
		return nil, err
	}
	return &mdsineFamily{lay: lay, w: w, perSite: lay.mdsineSiteSeries()}, nil
}

func (f *mdsineFamily) subject(*subjectRow) error { return nil }

func (f *mdsineFamily) sample(r *subjectRow, x *sampleRow) error {
	s := r.s
	return f.w.Sample(table.MDSINESample{ID: x.id, Included: s.Err == "", Subject: mdsineSubject(s.Index, x.site, f.perSite),
		Time: x.t, Perturbation: f.lay.perturbID(s.Arm, x.t), Block: 1, Intervention: strconv.Itoa(s.Arm)}, x.smp.QPCR)
}

func (f *mdsineFamily) finish(counts *table.StreamWriter) ([]string, error) {
	var perts []table.MDSINEPerturbation
	for _, p := range f.lay.Perturbations {
		arms := "all"
		if p.Arms != nil {
			var names []string
			for _, a := range p.Arms {
				if a < len(f.lay.Arms) {
					names = append(names, f.lay.Arms[a])
				}
			}
			arms = strings.Join(names, ",")
		}
		perts = append(perts, table.MDSINEPerturbation{Name: p.Name, Type: p.Type, Start: p.Start, End: p.End, Arms: arms})
	}
	if err := f.w.Finish(counts, f.lay.Features, f.lay.Taxonomy, perts); err != nil {
		return nil, err
	}
	return prefixed(DirMDSINE, f.w.Files()), nil
}

func (f *mdsineFamily) abort() { f.w.Abort() }

// mdsine2Family writes mdsine2/ through table.MDSINE2Writer: per subject,
// the windows of the perturbations it receives, per MDSINE subject.
type mdsine2Family struct {
	lay       *Layout
	w         *table.MDSINE2Writer
	perSite   bool
	siteOrder []string // distinct sampled sites in sample-point order
}

func newMDSINE2Family(lay *Layout, out string, nq int) (*mdsine2Family, error) {
	w, err := table.NewMDSINE2Writer(filepath.Join(out, DirMDSINE2), nq, len(lay.Perturbations) > 0)
	if err != nil {
		return nil, err
	}
	f := &mdsine2Family{lay: lay, w: w, perSite: lay.mdsineSiteSeries()}
	for _, st := range lay.Sites {
		if !slices.Contains(f.siteOrder, st) {
			f.siteOrder = append(f.siteOrder, st)
		}
	}
	return f, nil
}

func (f *mdsine2Family) subject(r *subjectRow) error {
	s := r.s
	for k := range f.lay.Perturbations {
		p := &f.lay.Perturbations[k]
		if !p.appliesTo(s.Arm) {
			continue
		}
		for _, site := range f.siteOrder {
			f.w.Perturbation(p.Name, p.Start, p.End, mdsineSubject(s.Index, site, f.perSite))
			if !f.perSite {
				break
			}
		}
	}
	return nil
}

func (f *mdsine2Family) sample(r *subjectRow, x *sampleRow) error {
	f.w.Sample(x.id, mdsineSubject(r.s.Index, x.site, f.perSite), x.t, x.smp.QPCR)
	return nil
}

func (f *mdsine2Family) finish(counts *table.StreamWriter) ([]string, error) {
	if err := f.w.Finish(counts, f.lay.Features, f.lay.Taxonomy); err != nil {
		return nil, err
	}
	return prefixed(DirMDSINE2, f.w.Files()), nil
}

func (f *mdsine2Family) abort() { f.w.Abort() }

// prefixed returns dir/name for each name (slash-separated, as the
// manifest lists files).
func prefixed(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = path.Join(dir, n)
	}
	return out
}
