package table

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// benchTable makes a random ns × nf table with per features per sample.
func benchTable(ns, nf, per int) *Table {
	rng := rand.New(rand.NewPCG(1, 1))
	t := &Table{Indptr: make([]int, ns+1), SampleIDs: make([]string, ns), FeatureIDs: make([]string, nf)}
	for i := range t.SampleIDs {
		t.SampleIDs[i] = fmt.Sprintf("S%d", i)
	}
	for j := range t.FeatureIDs {
		t.FeatureIDs[j] = fmt.Sprintf("F%d", j)
	}
	for i := 0; i < ns; i++ {
		step := nf / per
		for k := 0; k < per; k++ {
			t.Indices = append(t.Indices, int32(k*step+rng.IntN(step)))
			t.Data = append(t.Data, float64(1+rng.IntN(100)))
		}
		t.Indptr[i+1] = len(t.Data)
	}
	return t
}

func BenchmarkReadBIOMJSON(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteBIOMJSON(&buf, benchTable(1000, 5000, 50), JSONOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadBIOMJSON(bytes.NewReader(buf.Bytes()), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadTSV(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteTSV(&buf, benchTable(1000, 5000, 50)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadTSV(bytes.NewReader(buf.Bytes()), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadHDF5(b *testing.B) {
	path := filepath.Join(b.TempDir(), "b.biom")
	if err := WriteHDF5(path, benchTable(1000, 5000, 50), HDF5Options{}); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadHDF5(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteHDF5(b *testing.B) {
	t := benchTable(1000, 5000, 50)
	path := filepath.Join(b.TempDir(), "b.biom")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHDF5(path, t, HDF5Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
