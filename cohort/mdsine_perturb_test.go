package cohort

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/scenario"
	"github.com/holobiont/holobiont/table"
)

// trialSpecWindows: placebo, an oral antibiotic course (days 2-6) and the
// antibiotic plus a probiotic given twice (days 4-6 and 8-10), gut sampled
// every two days.
const trialSpecWindows = `name: mdsine windows
n: 12
seed: 3
duration: 12
burn_in: 5
chunk: 4
sampling:
  - {times: [0, 2, 4, 6, 8, 10, 12], sites: [gut]}
sequencing:
  depth: {dist: fixed, mean: 2000}
interventions:
  abx: {type: antibiotic, route: oral, dose: 1, start: 2, duration: 4}
  pro: {type: probiotic, taxon: gut.probiotic, dose: 0.05, start: 4, duration: 2, every: 4, count: 2}
arms:
  - {name: placebo}
  - {name: antibiotic, interventions: [abx]}
  - {name: both, interventions: [abx, pro]}
`

// TestMDSINEPerturbations: intervention windows reach MDSINE's perturbID
// (start < t <= end, MDSINE2's isactive rule; the first perturbation when
// two overlap) and MDSINE2's perturbations table, per subject and arm; the
// MDSINE set still loads with table.ReadMDSINE and the MDSINE2 set is
// consistent with it.
func TestMDSINEPerturbations(t *testing.T) {
	tp := compileTrialText(t, trialSpecWindows)
	dir := t.TempDir()
	if err := tp.RunTrial(context.Background(), dir, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	// The perturbation key: the antibiotic is one perturbation given to two
	// arms; the repeated probiotic is one perturbation per window.
	key, err := os.ReadFile(filepath.Join(dir, FileMDSINEPerturbations))
	if err != nil {
		t.Fatal(err)
	}
	wantKey := "perturbID\tname\ttype\tstart\tend\tarms\n" +
		"1\tabx\tantibiotic\t2\t6\tantibiotic,both\n" +
		"2\tpro #1\tprobiotic\t4\t6\tboth\n" +
		"3\tpro #2\tprobiotic\t8\t10\tboth\n"
	if string(key) != wantKey {
		t.Errorf("perturbations.txt:\n%s\nwant\n%s", key, wantKey)
	}
	// perturbID by arm and sample time (hand-derived from the windows).
	wantID := map[int]map[float64]int{
		0: {},
		1: {4: 1, 6: 1},
		2: {4: 1, 6: 1, 10: 3},
	}
	md, err := table.ReadMDSINE(filepath.Join(dir, DirMDSINE))
	if err != nil {
		t.Fatal(err)
	}
	subs, err := ReadSubjects(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Samples) != 12*7 {
		t.Fatalf("%d MDSINE samples, want 84", len(md.Samples))
	}
	armCount := map[int]int{}
	var wantRows strings.Builder
	wantRows.WriteString("name\tstart\tend\tsubject\n")
	for _, s := range subs {
		armCount[s.Arm]++
		sub := strconv.Itoa(s.Index + 1)
		switch s.Arm {
		case 1:
			wantRows.WriteString("abx\t2\t6\t" + sub + "\n")
		case 2:
			wantRows.WriteString("abx\t2\t6\t" + sub + "\npro #1\t4\t6\t" + sub + "\npro #2\t8\t10\t" + sub + "\n")
		}
	}
	if len(armCount) != 3 {
		t.Fatalf("arms allocated: %v", armCount)
	}
	seen := map[int]bool{}
	for i, ms := range md.Samples {
		s := subs[i/7]
		if ms.Subject != strconv.Itoa(s.Index+1) || ms.Intervention != strconv.Itoa(s.Arm) {
			t.Errorf("%s: subject %q intv %q, want %d and arm %d", ms.ID, ms.Subject, ms.Intervention, s.Index+1, s.Arm)
		}
		if want := wantID[s.Arm][ms.Time]; ms.Perturbation != want {
			t.Errorf("%s (arm %d, day %v): perturbID %d, want %d", ms.ID, s.Arm, ms.Time, ms.Perturbation, want)
		}
		seen[ms.Perturbation] = true
	}
	if !seen[0] || !seen[1] || !seen[3] || seen[2] {
		t.Errorf("perturbIDs seen: %v (want 0, 1, 3; 2 overlaps 1 and yields to it)", seen)
	}
	// MDSINE2: perturbations per subject, metadata, reads, qPCR, taxonomy.
	got, err := os.ReadFile(filepath.Join(dir, FileMDSINE2Perturbations))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wantRows.String() {
		t.Errorf("mdsine2/perturbations.tsv:\n%s\nwant\n%s", got, wantRows.String())
	}
	meta, err := table.ReadMetadata(filepath.Join(dir, FileMDSINE2Metadata))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(meta.Columns, []string{"subject", "time"}) || len(meta.IDs) != len(md.Samples) {
		t.Fatalf("mdsine2/metadata.tsv: columns %v, %d rows", meta.Columns, len(meta.IDs))
	}
	for i, ms := range md.Samples {
		if meta.IDs[i] != ms.ID || meta.Values[i][0] != ms.Subject || meta.Values[i][1] != strconv.FormatFloat(ms.Time, 'g', -1, 64) {
			t.Errorf("mdsine2 metadata row %d: %s %v, want %s %s %v", i, meta.IDs[i], meta.Values[i], ms.ID, ms.Subject, ms.Time)
		}
	}
	counts, _ := os.ReadFile(filepath.Join(dir, FileMDSINECounts))
	reads, _ := os.ReadFile(filepath.Join(dir, FileMDSINE2Reads))
	if !bytes.HasPrefix(counts, []byte("#OTU ID\t")) || !bytes.Equal(append([]byte("name"), counts[len("#OTU ID"):]...), reads) {
		t.Errorf("mdsine2/reads.tsv is not counts.txt with a name header: %.60q", reads)
	}
	qp, _ := os.ReadFile(filepath.Join(dir, FileMDSINE2QPCR))
	ql := strings.Split(strings.TrimSuffix(string(qp), "\n"), "\n")
	if ql[0] != "sampleID\tmeasurement1\tmeasurement2\tmeasurement3" || len(ql) != len(md.Samples)+1 {
		t.Fatalf("mdsine2/qpcr.tsv: header %q, %d lines", ql[0], len(ql))
	}
	for i, ms := range md.Samples {
		cells := strings.Split(ql[i+1], "\t")
		for r, c := range cells[1:] {
			if v, err := strconv.ParseFloat(c, 64); cells[0] != ms.ID || err != nil || v != md.Biomass[i][r] {
				t.Errorf("qpcr row %d: %v, want %s %v", i, cells, ms.ID, md.Biomass[i])
				break
			}
		}
	}
	tax, _ := os.ReadFile(filepath.Join(dir, FileMDSINE2Taxonomy))
	tl := strings.Split(strings.TrimSuffix(string(tax), "\n"), "\n")
	if tl[0] != "name\tsequence\tkingdom\tphylum\tclass\torder\tfamily\tgenus\tspecies" || len(tl) != md.Table.NumFeatures()+1 {
		t.Errorf("mdsine2/taxonomy.tsv: %q, %d lines for %d taxa", tl[0], len(tl), md.Table.NumFeatures())
	}
	for i, l := range tl[1:] {
		if c := strings.Split(l, "\t"); len(c) != 9 || c[0] != md.Table.FeatureIDs[i] || c[2] != "Bacteria" {
			t.Errorf("taxonomy row %q", l)
		}
	}
	// The manifest lists the new files.
	mb, _ := os.ReadFile(filepath.Join(dir, FileManifest))
	for _, f := range []string{FileMDSINEPerturbations, FileMDSINE2Perturbations, FileMDSINE2Metadata, FileMDSINE2Reads, FileMDSINE2QPCR, FileMDSINE2Taxonomy} {
		if !bytes.Contains(mb, []byte(`"`+f+`"`)) {
			t.Errorf("manifest does not list %s", f)
		}
	}
}

// TestPerturbationWindows: naming and merging rules of intervention windows.
func TestPerturbationWindows(t *testing.T) {
	var ps perturbSet
	ps.add(&scenario.Stress{Base: scenario.Base{Name: "exam\tweek", Timing: scenario.Timing{Start: 1, Duration: 1, Every: 4, Count: 2}}}, -1)
	ps.add(&scenario.Bolus{Base: scenario.Base{Name: "inoculum"}, Time: 3}, -1)
	ps.add(&scenario.Probiotic{Base: scenario.Base{Name: "pro", Timing: scenario.Timing{Start: 0, Duration: 7}}}, 1)
	ps.add(&scenario.Probiotic{Base: scenario.Base{Name: "pro", Timing: scenario.Timing{Start: 0, Duration: 7}}}, 2)
	ps.add(&scenario.Probiotic{Base: scenario.Base{Name: "pro", Timing: scenario.Timing{Start: 0, Duration: 14}}}, 3)
	want := []Perturbation{
		{Name: "exam week #1", Type: "stress", Start: 1, End: 2},
		{Name: "exam week #2", Type: "stress", Start: 5, End: 6},
		{Name: "pro", Type: "probiotic", Start: 0, End: 7, Arms: []int{1, 2}},
		{Name: "pro (2)", Type: "probiotic", Start: 0, End: 14, Arms: []int{3}},
	}
	if !reflect.DeepEqual(ps.list, want) {
		t.Errorf("got %+v\nwant %+v", ps.list, want)
	}
	l := &Layout{Perturbations: ps.list}
	for _, tc := range []struct {
		arm  int
		t    float64
		want int
	}{{0, 1, 0}, {0, 1.5, 1}, {0, 2, 1}, {0, 2.01, 0}, {0, 6, 2}, {1, 6, 2}, {3, 6, 2}, {1, 4, 3}, {3, 4, 4}, {3, 10, 4}, {1, 10, 0}, {1, 0, 0}, {2, 1.5, 1}} {
		if got := l.perturbID(tc.arm, tc.t); got != tc.want {
			t.Errorf("perturbID(arm %d, t %v) = %d, want %d", tc.arm, tc.t, got, tc.want)
		}
	}
}
