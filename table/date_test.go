package table

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCreatedDate: the readers keep the date a BIOM file records, and the
// writers write it back verbatim, or no date at all when the table has
// none, so converting the same input gives the same bytes on any day.
func TestCreatedDate(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"rich_sparse_otu_table.biom", "2011-12-19T19:00:00"},
		{"rich_sparse_otu_table_hdf5.biom", "2014-07-29T16:16:36.617320"},
		{"rich_otu_table.tsv", ""},
	} {
		tb, err := Read(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if tb.Created != c.want {
			t.Errorf("%s: Created %q, want %q", c.file, tb.Created, c.want)
		}
		dir := t.TempDir()
		var j1 bytes.Buffer
		if err := WriteBIOMJSON(&j1, tb, JSONOptions{Date: tb.Created}); err != nil {
			t.Fatal(err)
		}
		h := filepath.Join(dir, "t.biom")
		if err := WriteHDF5(h, tb, HDF5Options{Date: tb.Created}); err != nil {
			t.Fatal(err)
		}
		for _, round := range []string{h, ""} {
			var back *Table
			if round == "" {
				back, err = ReadBIOMJSON(bytes.NewReader(j1.Bytes()), "j.biom")
			} else {
				back, err = ReadHDF5(round)
			}
			if err != nil {
				t.Fatal(err)
			}
			if back.Created != c.want {
				t.Errorf("%s: written and read back (%s): Created %q, want %q", c.file, round, back.Created, c.want)
			}
		}
		h1, _ := os.ReadFile(h)
		time.Sleep(2 * time.Millisecond)
		var j2 bytes.Buffer
		WriteBIOMJSON(&j2, tb, JSONOptions{Date: tb.Created})
		if err := WriteHDF5(h, tb, HDF5Options{Date: tb.Created}); err != nil {
			t.Fatal(err)
		}
		h2, _ := os.ReadFile(h)
		if !bytes.Equal(j1.Bytes(), j2.Bytes()) || !bytes.Equal(h1, h2) {
			t.Errorf("%s: two writes of the same table differ", c.file)
		}
	}
}
