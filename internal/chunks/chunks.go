package chunks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/holobiont/holobiont/internal/safefile"
)

// Shard selects part I (0-based) of N of a run's chunks.
type Shard struct{ I, N int }

// ParseShard reads "i/N" (0 <= i < N); "" is the whole run (0/1).
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{0, 1}, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %q: want i/N, e.g. 0/4", s)
	}
	if n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("--shard %q: index %d out of range [0, %d)", s, i, n)
	}
	return Shard{i, n}, nil
}

// Range returns the chunks [k0, k1) of shard sh of a run of nChunks
// chunks.
func (sh Shard) Range(nChunks int) (k0, k1 int) {
	return sh.I * nChunks / sh.N, (sh.I + 1) * nChunks / sh.N
}

// Path returns the checkpoint file of chunk k in run directory dir.
func Path(dir string, k int) string {
	return filepath.Join(dir, "chunks", fmt.Sprintf("chunk-%06d.gob", k))
}

// File is the content of a checkpoint file: the results of chunk Chunk of
// the run identified by Key.
type File[T any] struct {
	Key   string
	Chunk int
	Items []T
}

// ErrCorrupt is the error (wrapped with the file name) of a checkpoint file
// whose checksum does not match its bytes or that does not decode.
var ErrCorrupt = errors.New("damaged checkpoint chunk (checksum mismatch)")

// Read reads a checkpoint file, checking its checksum.
func Read[T any](path string) (*File[T], error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n := len(b) - sha256.Size
	if n < 0 || sha256.Sum256(b[:n]) != [sha256.Size]byte(b[n:]) {
		return nil, fmt.Errorf("%s: %w", path, ErrCorrupt)
	}
	var f File[T]
	if err := gob.NewDecoder(bytes.NewReader(b[:n])).Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	return &f, nil
}

// write writes a checkpoint file atomically: the gob encoding of f, then
// its SHA-256.
func write[T any](path string, f *File[T]) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return safefile.WriteFile(path, buf.Bytes())
}

// Verify checks the checksum of every chunk at paths (as Locate returns
// them): a merge runs it before writing anything, so that a damaged chunk
// stops it with the chunk's name and nothing half-written. (It reads each
// file once and does not decode it; a chunk of another run is caught when
// it is read.)
func Verify(ctx context.Context, paths []string) error {
	for k, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("chunk %d: %w", k, err)
		}
		if n := len(b) - sha256.Size; n < 0 || sha256.Sum256(b[:n]) != [sha256.Size]byte(b[n:]) {
			return fmt.Errorf("chunk %d: %s: %w (rerun the shard that wrote it: a run recomputes damaged chunks)", k, p, ErrCorrupt)
		}
	}
	return nil
}

// Options control Run.
type Options struct {
	Workers int   // <= 0: GOMAXPROCS
	Shard   Shard // zero value: the whole run
	// Progress, if set, is called (serially) with the tasks done, resumed
	// ones included, and the shard's total.
	Progress func(done, total int)
	// Item names a task in errors ("subject 12: ..."); "" is "task".
	Item string
	// Warn, if set, is told about damaged chunks found on resume (they are
	// recomputed).
	Warn func(msg string)
}

// MaxTasks bounds the tasks of one run (subjects of a cohort, runs of a
// study). A run is checked against it before anything is allocated or
// written: 10^8 subjects at about 800 simulated subject-years per
// CPU-second already take some 35 CPU-hours per simulated year, and a
// spec asking for 10^12 used to spin in a loop only SIGKILL stopped.
const MaxTasks = 100_000_000

// NumChunks returns the number of chunks of n tasks in chunks of size.
func NumChunks(n, size int) int { return (n + size - 1) / size }

// Run computes tasks [0, n) in chunks of size tasks — those of the chunks of
// opt.Shard that dir/chunks does not already hold for key — on opt.Workers
// goroutines. Each goroutine owns one worker state made by newWorker (for
// example a clone of a compiled model) and calls do for its tasks. The
// first error cancels the run and is returned; a chunk is written only
// when all its tasks succeeded.
func Run[W, T any](ctx context.Context, dir, key string, n, size int, opt Options, newWorker func() W, do func(ctx context.Context, w W, i int) (T, error)) error {
	if size < 1 {
		return fmt.Errorf("chunks: chunk size %d < 1", size)
	}
	if opt.Shard.N == 0 {
		opt.Shard = Shard{0, 1}
	}
	if opt.Shard.I < 0 || opt.Shard.I >= opt.Shard.N {
		return fmt.Errorf("shard %d/%d out of range", opt.Shard.I, opt.Shard.N)
	}
	item := opt.Item
	if item == "" {
		item = "task"
	}
	if err := os.MkdirAll(filepath.Join(dir, "chunks"), 0o755); err != nil {
		return err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	k0, k1 := opt.Shard.Range(NumChunks(n, size))
	total := min(n, k1*size) - k0*size
	done := 0
	states := make([]W, workers)
	for w := range states {
		states[w] = newWorker()
	}
	for k := k0; k < k1; k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		lo, hi := k*size, min(n, (k+1)*size)
		f, err := Read[T](Path(dir, k))
		if err == nil && f.Key == key && len(f.Items) == hi-lo {
			done += hi - lo
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
			continue
		}
		if errors.Is(err, ErrCorrupt) && opt.Warn != nil {
			opt.Warn(fmt.Sprintf("%v: recomputing chunk %d (%ss %d-%d)", err, k, item, lo, hi-1))
		}
		items := make([]T, hi-lo)
		jobs := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		cctx, cancel := context.WithCancel(ctx)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(st W) {
				defer wg.Done()
				for i := range jobs {
					r, err := do(cctx, st, i)
					mu.Lock()
					if err != nil {
						if firstErr == nil {
							firstErr = fmt.Errorf("%s %d: %w", item, i, err)
						}
						cancel()
					} else {
						items[i-lo] = r
						done++
						if opt.Progress != nil {
							opt.Progress(done, total)
						}
					}
					mu.Unlock()
				}
			}(states[w])
		}
	feed:
		for i := lo; i < hi; i++ {
			select {
			case jobs <- i:
			case <-cctx.Done():
				break feed
			}
		}
		close(jobs)
		wg.Wait()
		cancel()
		if firstErr != nil {
			return firstErr
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := write(Path(dir, k), &File[T]{Key: key, Chunk: k, Items: items}); err != nil {
			return err
		}
	}
	return nil
}

// Locate returns the path of each of the nChunks chunks, taking each from
// the first of dirs (run or shard directories of one run) that holds it;
// it names the missing chunks.
func Locate(dirs []string, nChunks int) ([]string, error) {
	paths := make([]string, nChunks)
	var missing []string
	for k := 0; k < nChunks; k++ {
		for _, d := range dirs {
			if _, err := os.Stat(Path(d, k)); err == nil {
				paths[k] = Path(d, k)
				break
			}
		}
		if paths[k] == "" {
			missing = append(missing, fmt.Sprint(k))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("merge: chunks %s of %d are missing (a shard not run or not finished?)", strings.Join(missing, ", "), nChunks)
	}
	return paths, nil
}
