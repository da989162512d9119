package cohort

import (
	"os"
	"reflect"
	"testing"

	"github.com/holobiont/holobiont/internal/bom"
)

// TestSpecByteOrderMark: a spec starting with a UTF-8 byte-order mark
// parses as the same spec without it (the mark became part of the first
// key).
func TestSpecByteOrderMark(t *testing.T) {
	data, err := os.ReadFile("testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseSpec("s.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseSpec("s.yaml", append([]byte(bom.Mark), data...))
	if err != nil {
		t.Fatal(err)
	}
	got.astf, want.astf = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with a byte-order mark the spec differs")
	}
}
