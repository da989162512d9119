package testutil

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// KeyedValues reads a tab-separated table whose first column is a key and
// whose second is a number (further columns are ignored): lines starting
// with '#' are comments, and the first other line is the header.
func KeyedValues(t testing.TB, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	header := true
	for line := 1; sc.Scan(); line++ {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(c[1], 64)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out[c[0]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}
