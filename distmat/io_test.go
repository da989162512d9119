package distmat

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestReadWriteRoundTrip(t *testing.T) {
	m := New([]string{"a", "b", "c"})
	m.Set(0, 1, 0.1)
	m.Set(0, 2, 1.0/3)
	m.Set(1, 2, 2e-300)
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	want := "\ta\tb\tc\na\t0\t0.1\t0.3333333333333333\nb\t0.1\t0\t2e-300\nc\t0.3333333333333333\t2e-300\t0\n"
	if buf.String() != want {
		t.Fatalf("Write:\n%q\nwant\n%q", buf.String(), want)
	}
	got, err := Read(&buf, "x.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for k := range m.Data {
		if got.Data[k] != m.Data[k] {
			t.Fatalf("round trip: %v != %v", got.Data, m.Data)
		}
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "x.tsv: empty file"},
		{"\ta\tb\na\t0\t1\nb\t2\t0\n", "x.tsv:3:3: matrix is not symmetric"},
		{"\ta\tb\na\t0\t1\n", "x.tsv:2: 1 rows for 2 ids"},
		{"\ta\tb\na\t0\t1\nc\t1\t0\n", `x.tsv:3:1: row id "c", want "b"`},
		{"\ta\tb\na\t0\tx\nb\t1\t0\n", `x.tsv:2:5: distance (a, b): "x" is not a number`},
		{"\ta\tb\na\t0\t1\t3\nb\t1\t0\n", "x.tsv:2:1: row \"a\" has 3 values, want 2"},
		{"\ta\ta\n", `x.tsv:1:4: duplicate id "a"`},
		{"\ta\tb\na\t1\t1\nb\t1\t0\n", "x.tsv:2:3: diagonal entry (a, a) = 1 must be 0"},
		{"\ta\tb\na\t0\t-1\nb\t-1\t0\n", "x.tsv:2:5: distance (a, b) = -1 must be finite and non-negative"},
		{"\ta\tb\na\t0\tNaN\nb\tNaN\t0\n", "must be finite"},
	}
	for _, c := range cases {
		_, err := Read(strings.NewReader(c.in), "x.tsv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Read(%q): error %v, want %q", c.in, err, c.want)
		}
	}
}

func TestReadCRLFAndTrailingBlank(t *testing.T) {
	m, err := Read(strings.NewReader("\ta\tb\r\na\t0\t0.5\r\nb\t0.5\t0\r\n\r\n"), "x.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if m.At(0, 1) != 0.5 || m.IDs[1] != "b" {
		t.Fatalf("got %+v", m)
	}
}

func FuzzRead(f *testing.F) {
	f.Add("\ta\tb\na\t0\t0.5\nb\t0.5\t0\n")
	f.Add("\tx\nx\t0\n")
	f.Add("\ta\tb\na\t0\t1e400\nb\t1\t0\n")
	f.Add("id\ta\tb\r\na\t0\t.5\r\nb\t.5\t0\r\n")
	f.Add("\ta\tb\na\t0\t0.5\nb\t0.25\t0\n\nc\n")
	f.Fuzz(func(t *testing.T, s string) {
		if d := sameResult(s, "f.tsv"); d != "" {
			t.Fatalf("concurrent and line-by-line readers differ: %s", d)
		}
		m, err := Read(strings.NewReader(s), "f.tsv")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			if strings.ContainsAny(strings.Join(m.IDs, ""), "\r\n") {
				return
			}
			t.Fatalf("Write after Read: %v", err)
		}
		m2, err := Read(&buf, "g.tsv")
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if fmt.Sprint(m2.IDs) != fmt.Sprint(m.IDs) {
			t.Fatalf("ids changed")
		}
		for k := range m.Data {
			if m.Data[k] != m2.Data[k] {
				t.Fatalf("value %d changed", k)
			}
		}
	})
}

func ExampleWrite() {
	m := New([]string{"gut", "skin"})
	m.Set(0, 1, 0.75)
	var buf bytes.Buffer
	Write(&buf, m)
	fmt.Print(buf.String())
	// Output:
	// 	gut	skin
	// gut	0	0.75
	// skin	0.75	0
}

func ExampleRead() {
	m, err := Read(strings.NewReader("\tgut\tskin\ngut\t0\t0.75\nskin\t0.75\t0\n"), "dm.tsv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.IDs, m.At(1, 0))
	_, err = Read(strings.NewReader("\tgut\tskin\ngut\t0\t0.75\nskin\t0.5\t0\n"), "dm.tsv")
	fmt.Println(err)
	// Output:
	// [gut skin] 0.75
	// dm.tsv:3:6: matrix is not symmetric: (skin, gut) = 0.5 but (gut, skin) = 0.75
}

// Reorder permutes rows and columns by id, and names ids that differ.
func TestReorder(t *testing.T) {
	m := New([]string{"a", "b", "c"})
	m.Set(0, 1, 1)
	m.Set(0, 2, 2)
	m.Set(1, 2, 3)
	r, err := Reorder(m, []string{"c", "a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if r.At(0, 1) != 2 || r.At(0, 2) != 3 || r.At(1, 2) != 1 || r.At(2, 1) != 1 {
		t.Errorf("reordered %v", r.Data)
	}
	_, err = Reorder(m, []string{"a", "b", "d"})
	me, ok := err.(*MismatchError)
	if !ok || len(me.OnlyWanted) != 1 || me.OnlyWanted[0] != "d" || len(me.OnlyHave) != 1 || me.OnlyHave[0] != "c" {
		t.Errorf("mismatch: %v", err)
	}
}
