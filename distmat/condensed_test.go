package distmat

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestCondensedFile: rows of random symmetric matrices written to a
// CondensedFile in shuffled order from four goroutines at once read back
// as the same TSV bytes that Write gives for the dense matrix, for sizes
// around the block size (0, 1, 2, 255, 256, 257, 600).
func TestCondensedFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 255, 256, 257, 600} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("s%d", i)
		}
		m := New(ids)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				m.Set(i, j, rng.Float64()*float64(1+rng.IntN(3)))
			}
		}
		var want bytes.Buffer
		if err := Write(&want, m); err != nil {
			t.Fatal(err)
		}
		c, err := NewCondensedFile(t.TempDir(), ids)
		if err != nil {
			t.Fatal(err)
		}
		order := rng.Perm(n)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for k := w; k < n; k += 4 {
					i := order[k]
					if err := c.WriteRow(i, m.Data[i*n+i+1:(i+1)*n]); err != nil {
						errs[w] = err
					}
				}
			}(w)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var got bytes.Buffer
		if err := c.WriteTSV(&got); err != nil {
			t.Fatal(err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("n=%d: WriteTSV differs from Write (%d vs %d bytes)", n, got.Len(), want.Len())
		}
	}
	if _, err := NewCondensedFile(t.TempDir(), []string{"a\tb"}); err == nil {
		t.Error("an id with a tab was accepted")
	}
	c, err := NewCondensedFile(t.TempDir(), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WriteRow(0, []float64{1, 2}); err == nil {
		t.Error("a row of the wrong length was accepted")
	}
}
