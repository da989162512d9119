package chunks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func square(_ context.Context, _ struct{}, i int) (int, error) { return i * i, nil }

func none() struct{} { return struct{}{} }

// TestRunShardsResume: 1 worker, 2 workers and two shards give the same
// chunk bytes; present chunks are reused; Locate names missing ones.
func TestRunShardsResume(t *testing.T) {
	ctx := context.Background()
	one, two, s0, s1 := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	if err := Run(ctx, one, "k", 10, 3, Options{Workers: 1}, none, square); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, two, "k", 10, 3, Options{Workers: 2}, none, square); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, s0, "k", 10, 3, Options{Shard: Shard{I: 0, N: 2}}, none, square); err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, s1, "k", 10, 3, Options{Shard: Shard{I: 1, N: 2}}, none, square); err != nil {
		t.Fatal(err)
	}
	paths, err := Locate([]string{s0, s1}, NumChunks(10, 3))
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range paths {
		a, _ := os.ReadFile(Path(one, k))
		b, _ := os.ReadFile(Path(two, k))
		c, _ := os.ReadFile(p)
		if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
			t.Fatalf("chunk %d differs between 1 worker, 2 workers and shards", k)
		}
	}
	f, err := Read[int](Path(one, 3))
	if err != nil || f.Key != "k" || len(f.Items) != 1 || f.Items[0] != 81 {
		t.Fatalf("last chunk = %+v, %v", f, err)
	}
	// Resume: chunks present are not recomputed.
	calls := 0
	count := func(_ context.Context, _ struct{}, i int) (int, error) { calls++; return i * i, nil }
	os.Remove(Path(one, 1))
	if err := Run(ctx, one, "k", 10, 3, Options{Workers: 1}, none, count); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("resume recomputed %d tasks, want 3", calls)
	}
	// Another key recomputes everything.
	calls = 0
	if err := Run(ctx, one, "other", 10, 3, Options{Workers: 1}, none, count); err != nil {
		t.Fatal(err)
	}
	if calls != 10 {
		t.Errorf("a new key recomputed %d tasks, want 10", calls)
	}
	if _, err := Locate([]string{s0}, 4); err == nil {
		t.Error("Locate with shard 1 missing succeeded")
	}
}

func TestRunError(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	err := Run(context.Background(), dir, "k", 10, 4, Options{Workers: 2, Item: "run"}, none, func(_ context.Context, _ struct{}, i int) (int, error) {
		if i == 5 {
			return 0, boom
		}
		return i, nil
	})
	if !errors.Is(err, boom) || err.Error() != "run 5: boom" {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(Path(dir, 1)); err == nil {
		t.Error("a failed chunk was written")
	}
	if _, err := os.Stat(filepath.Join(dir, "chunks", "chunk-000000.gob")); err != nil {
		t.Error("the chunk before the failure was not kept")
	}
}

func TestParseShard(t *testing.T) {
	for _, s := range []string{"1", "a/2", "2/2", "-1/3", "0/0"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) succeeded", s)
		}
	}
	if sh, err := ParseShard(" 2 / 3"); err != nil || sh != (Shard{I: 2, N: 3}) {
		t.Errorf("ParseShard = %v, %v", sh, err)
	}
}

// TestDamagedChunk: a flipped byte or a cut in a chunk is caught by its
// checksum: Read and Verify refuse it naming the file, and a resumed Run
// recomputes it (saying so through Warn) to the same bytes. (Without the
// checksum a flipped byte was used on resume in 4 of 5 tries.)
func TestDamagedChunk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := Run(ctx, dir, "k", 10, 3, Options{Workers: 1}, none, square); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(Path(dir, 1))
	for name, damage := range map[string]func([]byte) []byte{
		"flipped byte": func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 0x10; return b },
		"flipped sum":  func(b []byte) []byte { b = bytes.Clone(b); b[len(b)-1] ^= 1; return b },
		"cut":          func(b []byte) []byte { return b[:len(b)-40] },
		"empty":        func([]byte) []byte { return nil },
	} {
		os.WriteFile(Path(dir, 1), damage(good), 0o644)
		if _, err := Read[int](Path(dir, 1)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Read error %v, want ErrCorrupt", name, err)
		}
		paths, _ := Locate([]string{dir}, 4)
		if err := Verify(ctx, paths); err == nil || !strings.Contains(err.Error(), "chunk 1: "+Path(dir, 1)) {
			t.Errorf("%s: Verify error %v", name, err)
		}
		var warned []string
		calls := 0
		count := func(_ context.Context, _ struct{}, i int) (int, error) { calls++; return i * i, nil }
		if err := Run(ctx, dir, "k", 10, 3, Options{Workers: 1, Warn: func(m string) { warned = append(warned, m) }}, none, count); err != nil {
			t.Fatal(err)
		}
		if calls != 3 || len(warned) != 1 || !strings.Contains(warned[0], "recomputing chunk 1") {
			t.Errorf("%s: recomputed %d tasks, warnings %q", name, calls, warned)
		}
		if b, _ := os.ReadFile(Path(dir, 1)); !bytes.Equal(b, good) {
			t.Errorf("%s: the recomputed chunk differs", name)
		}
	}
}

// TestHugeRunStops: a run of 2^40 tasks (a cohort with n: 1e12 spun in a
// loop only SIGKILL stopped) starts at once and stops when its context is
// cancelled.
func TestHugeRunStops(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	err := Run(ctx, t.TempDir(), "k", 1<<40, 1000, Options{Workers: 1}, none, square)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the deadline", err)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("took %v to stop", d)
	}
}
