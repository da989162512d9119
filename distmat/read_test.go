package distmat

import (
	"bytes"
	"strings"
	"testing"
)

// TestReadMatchesReference compares the concurrent reader with the
// line-by-line reference on a matrix spanning many blocks, intact and with
// errors planted at various places (the first error in file order must be
// the one reported, with the same line:col and message).
func TestReadMatchesReference(t *testing.T) {
	text := string(benchMatrix(t, 300)) // ≈ 1.7 MB: several blocks per worker
	lines := strings.Split(text, "\n")
	// set replaces field f (0 = id) of line l (0 = header).
	set := func(ls []string, l, f int, v string) []string {
		out := append([]string(nil), ls...)
		fs := strings.Split(out[l], "\t")
		fs[f] = v
		out[l] = strings.Join(fs, "\t")
		return out
	}
	join := func(ls []string) string { return strings.Join(ls, "\n") }
	cases := map[string]string{
		"intact":               text,
		"no final newline":     strings.TrimSuffix(text, "\n"),
		"CRLF":                 strings.ReplaceAll(text, "\n", "\r\n"),
		"asymmetric late":      join(set(lines, 290, 17, "0.5")),
		"asymmetric early":     join(set(lines, 3, 1, "0.5")),
		"not a number late":    join(set(lines, 250, 100, "x")),
		"two errors":           join(set(set(lines, 250, 100, "x"), 200, 3, "-1")),
		"sym before value err": join(set(set(lines, 250, 100, "x"), 250, 7, "0.25")),
		"value before sym":     join(set(set(lines, 250, 10, "x"), 250, 70, "0.25")),
		"diagonal":             join(set(lines, 150, 150, "1")),
		"row id":               join(set(lines, 220, 0, "nope")),
		"value then row id":    join(set(set(lines, 220, 0, "nope"), 100, 5, "NaN")),
		"row id then value":    join(set(set(lines, 100, 0, "nope"), 220, 5, "NaN")),
		"short row":            join(append(append([]string(nil), lines[:120]...), append([]string{"x\t1"}, lines[121:]...)...)),
		"missing rows":         join(lines[:200]),
		"extra row":            join(append(append([]string(nil), lines[:301]...), lines[5:]...)),
		"blank inside":         join(append(append(append([]string(nil), lines[:50]...), ""), lines[50:]...)),
		"spaces around":        join(set(set(lines, 40, 12, " "+strings.Split(lines[12], "\t")[40]+" "), 12, 40, strings.Split(lines[12], "\t")[40]+" ")),
		"overflow":             join(set(lines, 30, 2, "1e400")),
	}
	for name, in := range cases {
		if d := sameResult(in, "m.tsv"); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// TestReadLongLine reads rows longer than the reader's buffer.
func TestReadLongLine(t *testing.T) {
	n := 3
	long := "s" + strings.Repeat("x", 3<<20)
	var b bytes.Buffer
	m := New([]string{"a", long, "c"})
	m.Set(0, 1, 0.5)
	m.Set(1, 2, 0.25)
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&b, "long.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if got.N() != n || got.IDs[1] != long || got.At(2, 1) != 0.25 || got.At(1, 0) != 0.5 {
		t.Fatalf("long line misread")
	}
}
