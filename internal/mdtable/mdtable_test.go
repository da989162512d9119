package mdtable

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	var b strings.Builder
	tb := New(&b, nil, "parameter", "fit", "note")
	tb.Row("sigma_S", "0.841", "")
	tb.Row("a|b", "1", "two\nlines")
	tb.Row("", "", "")
	if err := tb.Err(); err != nil {
		t.Fatal(err)
	}
	want := "| parameter | fit | note |\n|---|---|---|\n| sigma_S | 0.841 | |\n| a\\|b | 1 | two lines |\n| | | |\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestAlign(t *testing.T) {
	var b strings.Builder
	New(&b, []Align{Left, Right, Center}, "a", "b", "c", "d")
	if want := "| a | b | c | d |\n|:--|---:|:-:|---|\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	f.n++
	if f.n > 2 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestErrKept(t *testing.T) {
	w := &failWriter{}
	tb := New(w, nil, "a")
	tb.Row("1")
	tb.Row("2")
	if tb.Err() == nil || tb.Err().Error() != "disk full" || w.n != 3 {
		t.Errorf("err %v after %d writes; want the first error and no write after it", tb.Err(), w.n)
	}
}

func ExampleTable() {
	tb := New(os.Stdout, []Align{Default, Right}, "request", "p50 ms")
	tb.Row("GET /api/runs", "1.5")
	tb.Row("POST /api/runs", "12.0")
	// Output:
	// | request | p50 ms |
	// |---|---:|
	// | GET /api/runs | 1.5 |
	// | POST /api/runs | 12.0 |
}
