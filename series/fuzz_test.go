package series

import (
	"math"
	"os"
	"testing"
	"testing/fstest"
)

// checkDataset verifies the invariants every successful read must give.
func checkDataset(t *testing.T, d *Dataset) {
	t.Helper()
	if len(d.Taxa) == 0 || len(d.Subjects) == 0 || len(d.SHA256) != 64 {
		t.Fatalf("empty data set accepted: %d taxa, %d subjects", len(d.Taxa), len(d.Subjects))
	}
	for _, s := range d.Subjects {
		if len(s.Times) < 2 || len(s.Samples) != len(s.Times) || len(s.Abundance) != len(s.Times) || len(s.Inputs) != len(d.Inputs) {
			t.Fatalf("subject %s: inconsistent lengths", s.ID)
		}
		for k := range s.Times {
			if k > 0 && !(s.Times[k] > s.Times[k-1]) {
				t.Fatalf("subject %s: times not increasing: %v", s.ID, s.Times)
			}
			if len(s.Abundance[k]) != len(d.Taxa) {
				t.Fatalf("subject %s: row of %d, %d taxa", s.ID, len(s.Abundance[k]), len(d.Taxa))
			}
			for _, v := range s.Abundance[k] {
				if !(v >= 0) || math.IsInf(v, 0) {
					t.Fatalf("subject %s: abundance %g", s.ID, v)
				}
			}
		}
		for _, sig := range s.Inputs {
			for _, p := range sig {
				if !(p.End > p.Start) || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
					t.Fatalf("subject %s: bad piece %+v", s.ID, p)
				}
			}
		}
	}
}

func seed(f *testing.F, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzLong feeds arbitrary abundance.tsv and inputs.tsv to the long-format
// reader: it must return an error or a consistent data set, never panic.
func FuzzLong(f *testing.F) {
	f.Add(seed(f, "testdata/long/abundance.tsv"), seed(f, "testdata/long/inputs.tsv"))
	f.Add([]byte("subject\ttime\ttaxon\tabundance\na\t0\tx\t1\na\t1\tx\t2\n"), []byte(""))
	f.Fuzz(func(t *testing.T, ab, in []byte) {
		fsys := fstest.MapFS{"abundance.tsv": {Data: ab}}
		if len(in) > 0 {
			fsys["inputs.tsv"] = &fstest.MapFile{Data: in}
		}
		d, err := readLong(source{dir: "fuzz", fsys: fsys}, false)
		if err == nil {
			checkDataset(t, d)
		}
	})
}

// FuzzMDSINE2 feeds arbitrary MDSINE2 tables to the MDSINE2 reader.
func FuzzMDSINE2(f *testing.F) {
	f.Add(seed(f, "testdata/mdsine2/metadata.tsv"), seed(f, "testdata/mdsine2/counts.tsv"),
		seed(f, "testdata/mdsine2/qpcr.tsv"), seed(f, "testdata/mdsine2/perturbations.tsv"))
	f.Add([]byte("sampleID\tsubject\ttime\ns1\tA\t0\ns2\tA\t1\n"), []byte("name\ts1\ts2\nx\t1\t2\n"), []byte(""), []byte(""))
	f.Fuzz(func(t *testing.T, meta, counts, qpcr, pert []byte) {
		fsys := fstest.MapFS{"metadata.tsv": {Data: meta}, "counts.tsv": {Data: counts}}
		if len(qpcr) > 0 {
			fsys["qpcr.tsv"] = &fstest.MapFile{Data: qpcr}
		}
		if len(pert) > 0 {
			fsys["perturbations.tsv"] = &fstest.MapFile{Data: pert}
		}
		d, err := readMDSINE2(source{dir: "fuzz", fsys: fsys})
		if err == nil {
			checkDataset(t, d)
		}
	})
}
