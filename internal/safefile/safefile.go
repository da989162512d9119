package safefile

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// File is an output file being written. Call Commit to publish it or
// Abort to discard it; Abort after Commit is a no-op, so
//
//	f, err := safefile.Create(path)
//	if err != nil { return err }
//	defer f.Abort()
//	... write ...
//	return f.Commit()
//
// is the usual pattern.
type File struct {
	*os.File
	dst  string
	done bool
	ctx  context.Context // nil: not cancellable
}

// Create starts writing the file that will appear at path on Commit.
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".partial-*")
	if err != nil {
		// Name the file asked for, not the temporary one.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("create %s: the folder %s does not exist: %w", path, dir, err)
		}
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{File: tmp, dst: path}, nil
}

// CreateContext is Create for a file that must not appear once ctx is
// cancelled (an interrupted command): Write fails with the cancellation
// cause, and Commit discards the file and returns it.
func CreateContext(ctx context.Context, path string) (*File, error) {
	f, err := Create(path)
	if err != nil {
		return nil, err
	}
	f.ctx = ctx
	return f, nil
}

// Write writes to the temporary file; it fails once the file's context
// (CreateContext) is cancelled.
func (f *File) Write(p []byte) (int, error) {
	if err := f.cancelled(); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

// WriteString is Write for a string.
func (f *File) WriteString(s string) (int, error) {
	if err := f.cancelled(); err != nil {
		return 0, err
	}
	return f.File.WriteString(s)
}

// ReadFrom copies r into the file (io.Copy uses it), checking the context
// between blocks.
func (f *File) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{f}, r)
}

func (f *File) cancelled() error {
	if f.ctx == nil || f.ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("write %s: %w", f.dst, context.Cause(f.ctx))
}

// Commit flushes, closes and renames the file to its destination. A file
// whose context was cancelled is discarded instead.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already closed", f.dst)
	}
	if err := f.cancelled(); err != nil {
		f.Abort()
		return err
	}
	f.done = true
	// CreateTemp makes the file 0600; published outputs get the usual 0644
	// (less the umask is not applied by Chmod, so this is the final mode).
	if err := f.File.Chmod(0o644); err != nil {
		f.File.Close()
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.dst, err)
	}
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.dst, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.dst, err)
	}
	if err := os.Rename(f.File.Name(), f.dst); err != nil {
		os.Remove(f.File.Name())
		return fmt.Errorf("write %s: %w", f.dst, err)
	}
	return nil
}

// Abort discards the file unless it was committed.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.File.Name())
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error { return writeFile(nil, path, data) }

// WriteFileContext writes data to path atomically unless ctx is cancelled
// first.
func WriteFileContext(ctx context.Context, path string, data []byte) error {
	return writeFile(ctx, path, data)
}

// WriteWith writes path atomically through fn and a 64 KiB buffer: the
// file appears only if fn and the final flush succeed. fn's error is
// returned wrapped with path.
func WriteWith(path string, fn func(w *bufio.Writer) error) error { return writeWith(nil, path, fn) }

// WriteWithContext is WriteWith for an interruptible command: once ctx is
// cancelled writes fail and the file is not published.
func WriteWithContext(ctx context.Context, path string, fn func(w *bufio.Writer) error) error {
	return writeWith(ctx, path, fn)
}

func writeWith(ctx context.Context, path string, fn func(w *bufio.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	f.ctx = ctx
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fn(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

func writeFile(ctx context.Context, path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	f.ctx = ctx
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// SHA256File returns the hex SHA-256 of the file at path (manifests record
// one per output file).
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
