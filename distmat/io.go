package distmat

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/holobiont/holobiont/internal/bom"
)

// ReadFile reads a distance matrix in the scikit-bio / QIIME "lsmat" TSV
// format: a header row of a (usually empty) corner cell followed by the ids,
// then one row per id: the id and its n distances. Rows must come in the
// header's order; the matrix must be symmetric (to 1e-9 relative) with a
// zero diagonal and non-negative finite values. Errors name file:line:col.
func ReadFile(path string) (*Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
	}
	return read(f, path, size)
}

// Read reads a distance matrix from r; name (usually the file name) prefixes
// error messages.
//
// Rows are split off by one goroutine (which also checks their ids and field
// counts) and parsed in blocks by GOMAXPROCS workers, in place (no string
// per line or per value; parseFloat is bit-for-bit strconv.ParseFloat); a
// checker takes the parsed blocks in file order and checks each row's
// symmetry against the rows above it. The first error in file order is
// reported, exactly as a line-by-line reader would report it.
//
// Memory follows what the input holds: the matrix grows as rows arrive
// (at most twice the rows read), so a short file whose header names many
// ids cannot make the reader allocate for all of them.
func Read(r io.Reader, name string) (*Matrix, error) { return read(r, name, -1) }

// read reads a matrix; size is the input's length in bytes, or -1 when it
// is unknown. A known size too small for the header's ids is refused at
// once, and the whole matrix is allocated up front otherwise.
func read(r io.Reader, name string, size int64) (*Matrix, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var line []byte // reused when a line does not fit in br's buffer
	ids, lineNo, err := readHeader(br, &line, name)
	if err != nil {
		return nil, err
	}
	n := len(ids)
	rows := max(1, min(n, (1<<16)/n)) // rows allocated so far
	if size >= 0 {
		if need := minBytes(ids); size < need {
			return nil, fmt.Errorf("%s:1:1: the header names %d ids, so a complete matrix takes at least %s, but the file has %s",
				name, n, byteSize(need), byteSize(size))
		}
		rows = n
	}
	p := &parser{name: name, ids: ids, data: make([]float64, rows*n)}
	p.start()
	var lineErr *cellError // the first structural error (it ends reading)
	blk := p.block()
	row, blankAfter := 0, 0
	for {
		b, err := readLine(br, &line)
		if len(b) == 0 && err != nil {
			if err == io.EOF {
				break
			}
			p.stop(blk)
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		lineNo++
		b = bytes.TrimRight(b, "\r\n")
		if len(bytes.TrimSpace(b)) == 0 {
			blankAfter = lineNo
			continue
		}
		if lineErr = rowError(name, lineNo, b, blankAfter, row, ids); lineErr != nil {
			break
		}
		id, rest, _ := bytes.Cut(b, []byte{'\t'})
		if row == rows {
			rows = min(n, 2*rows)
			p.grow(rows)
		}
		blk.add(row, lineNo, len(id)+2, rest)
		if len(blk.text) >= blockBytes {
			p.work <- blk
			blk = p.block()
		}
		row++
	}
	p.stop(blk)
	first := p.first
	if first == nil {
		first = lineErr // rows before it are all fine
	}
	if first != nil {
		return nil, errors.New(first.msg)
	}
	if row != n {
		return nil, fmt.Errorf("%s:%d: %d rows for %d ids", name, lineNo, row, n)
	}
	return &Matrix{IDs: ids, Data: p.data}, nil
}

// readHeader reads the header, the first non-blank line: a corner cell and
// the ids, distinct, non-empty UTF-8 text. It returns the ids and the
// header's line number.
func readHeader(br *bufio.Reader, line *[]byte, name string) ([]string, int, error) {
	for lineNo := 1; ; lineNo++ {
		b, err := readLine(br, line)
		if len(b) == 0 && err != nil {
			if err == io.EOF {
				return nil, 0, fmt.Errorf("%s: empty file: no header row", name)
			}
			return nil, 0, fmt.Errorf("%s: %w", name, err)
		}
		b = bytes.TrimRight(b, "\r\n")
		if lineNo == 1 {
			b = bom.Trim(b)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		fields := strings.Split(string(b), "\t")
		if len(fields) < 2 {
			return nil, 0, fmt.Errorf("%s:%d:1: header needs a corner cell and at least one id, separated by tabs", name, lineNo)
		}
		ids := fields[1:]
		index := make(map[string]int, len(ids))
		col := len(fields[0]) + 2
		for k, id := range ids {
			if id == "" {
				return nil, 0, fmt.Errorf("%s:%d:%d: empty id in header (column %d)", name, lineNo, col, k+2)
			}
			if j, dup := index[id]; dup {
				return nil, 0, fmt.Errorf("%s:%d:%d: duplicate id %q (also column %d)", name, lineNo, col, id, j+2)
			}
			if !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
				return nil, 0, fmt.Errorf("%s:%d:%d: id %q (column %d) is not valid UTF-8 text", name, lineNo, col, id, k+2)
			}
			index[id] = k
			col += len(id) + 1
		}
		return ids, lineNo, nil
	}
}

// rowError is the structural error of data line b (line lineNo, the
// row-th row), or nil: data after a blank line, too many rows, the wrong
// number of values or a row id out of the header's order.
func rowError(name string, lineNo int, b []byte, blankAfter, row int, ids []string) *cellError {
	n := len(ids)
	if blankAfter > 0 {
		return &cellError{line: lineNo, msg: fmt.Sprintf("%s:%d:1: data after a blank line (line %d)", name, lineNo, blankAfter)}
	}
	if row >= n {
		return &cellError{line: lineNo, msg: fmt.Sprintf("%s:%d:1: more rows than the %d ids of the header", name, lineNo, n)}
	}
	id, _, _ := bytes.Cut(b, []byte{'\t'})
	if nf := bytes.Count(b, []byte{'\t'}) + 1; nf != n+1 {
		return &cellError{line: lineNo, msg: fmt.Sprintf("%s:%d:1: row %q has %d values, want %d (one per header id)", name, lineNo, id, nf-1, n)}
	}
	if string(id) != ids[row] {
		return &cellError{line: lineNo, msg: fmt.Sprintf("%s:%d:1: row id %q, want %q (rows must follow the header order)", name, lineNo, id, ids[row])}
	}
	return nil
}

// minBytes is the smallest size of a complete matrix with these ids: the
// ids twice (header and rows) and a tab and at least one digit per value.
func minBytes(ids []string) int64 {
	n := int64(len(ids))
	need := 2 * n * n
	for _, id := range ids {
		need += 2 * int64(len(id))
	}
	return need
}

// byteSize formats a byte count for a message.
func byteSize(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", b)
}

// readLine returns the next line (with its newline, if any) from br. The
// bytes are valid until the next call; buf holds lines longer than br's buffer.
func readLine(br *bufio.Reader, buf *[]byte) ([]byte, error) {
	b, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return b, err
	}
	*buf = append((*buf)[:0], b...)
	for err == bufio.ErrBufferFull {
		b, err = br.ReadSlice('\n')
		*buf = append(*buf, b...)
	}
	return *buf, err
}

// blockBytes is the amount of row text handed to a worker at a time.
const blockBytes = 1 << 18

// cellError is an error at a line (and column) of the input, with its
// complete message.
type cellError struct {
	line, col int
	msg       string
}

// rowJob is one data row inside a block: its values' text is
// block.text[off:end], starting at 1-based column col0 of line.
type rowJob struct {
	row, line, col0 int
	off, end        int
}

// block is a run of consecutive data rows; seq orders the blocks.
type block struct {
	seq  int
	text []byte
	rows []rowJob
	errs []*cellError // first value error of each row, or nil
}

func (b *block) add(row, line, col0 int, values []byte) {
	off := len(b.text)
	b.text = append(b.text, values...)
	b.rows = append(b.rows, rowJob{row: row, line: line, col0: col0, off: off, end: len(b.text)})
	b.errs = append(b.errs, nil)
}

// parser parses data rows concurrently into data. Workers parse blocks in
// any order; one checker then takes the blocks in file order, checks each
// row's symmetry against the rows above it (complete by then) while the
// row's text is still at hand, and keeps the first error.
type parser struct {
	name  string
	ids   []string
	data  []float64 // the rows read so far (grown by grow)
	seq   int
	nblk  int
	work  chan *block
	done  chan *block
	free  chan *block
	wg    sync.WaitGroup
	check sync.WaitGroup
	first *cellError // written by the checker; read after stop
	// valid[row] is the number of leading values of the row stored in data
	// (n unless the row has a value error).
	valid []int
}

func (p *parser) start() {
	workers := runtime.GOMAXPROCS(0)
	nblk := 3*workers + 1
	p.nblk = nblk
	p.valid = make([]int, len(p.ids))
	p.work = make(chan *block, nblk)
	p.done = make(chan *block, nblk)
	p.free = make(chan *block, nblk)
	for range nblk {
		p.free <- &block{}
	}
	for range workers {
		p.wg.Go(func() {
			for blk := range p.work {
				for r, j := range blk.rows {
					blk.errs[r] = p.parseRow(j, blk.text[j.off:j.end])
				}
				p.done <- blk
			}
		})
	}
	p.check.Go(func() {
		pending := map[int]*block{}
		next := 0
		for blk := range p.done {
			pending[blk.seq] = blk
			for b := pending[next]; b != nil; b = pending[next] {
				delete(pending, next)
				next++
				if p.first == nil {
					p.first = p.checkBlock(b)
				}
				p.free <- b
			}
		}
	})
}

// grow makes room for rows rows. It waits until every block but the one
// being filled is back in the free list, so no worker or checker is using
// data while it is replaced.
func (p *parser) grow(rows int) {
	held := make([]*block, 0, p.nblk-1)
	for len(held) < p.nblk-1 {
		held = append(held, <-p.free)
	}
	d := make([]float64, rows*len(p.ids))
	copy(d, p.data)
	p.data = d
	for _, b := range held {
		p.free <- b
	}
}

// block returns an empty block to fill.
func (p *parser) block() *block {
	b := <-p.free
	b.seq = p.seq
	p.seq++
	b.text, b.rows, b.errs = b.text[:0], b.rows[:0], b.errs[:0]
	return b
}

// stop hands over the last block and waits for the workers and the checker.
func (p *parser) stop(last *block) {
	p.work <- last // possibly empty: the checker needs every sequence number
	close(p.work)
	p.wg.Wait()
	close(p.done)
	p.check.Wait()
}

// parseRow parses one row's values (tab-separated, as many as ids; the
// count was checked by the reader) into data and returns the first error.
func (p *parser) parseRow(j rowJob, text []byte) *cellError {
	n := len(p.ids)
	row := j.row
	dst := p.data[row*n : row*n+n]
	col := j.col0
	tab := pow10Table()
	for k := 0; k < n; k++ {
		s := text
		if t := bytes.IndexByte(text, '\t'); t >= 0 {
			s, text = text[:t], text[t+1:]
		}
		v, err := parseFloatTab(bytes.TrimSpace(s), tab)
		var msg string
		switch {
		case err != nil:
			msg = fmt.Sprintf("%s:%d:%d: distance (%s, %s): %q is not a number", p.name, j.line, col, p.ids[row], p.ids[k], s)
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			msg = fmt.Sprintf("%s:%d:%d: distance (%s, %s) = %v must be finite and non-negative", p.name, j.line, col, p.ids[row], p.ids[k], v)
		case k == row && v != 0:
			msg = fmt.Sprintf("%s:%d:%d: diagonal entry (%s, %s) = %v must be 0", p.name, j.line, col, p.ids[row], p.ids[k], v)
		}
		if msg != "" {
			p.valid[row] = k
			return &cellError{line: j.line, col: col, msg: msg}
		}
		dst[k] = v
		col += len(s) + 1
	}
	p.valid[row] = n
	return nil
}

// checkBlock returns the first error of the block's rows: an asymmetry
// against an earlier row before the row's first value error, else that
// value error.
func (p *parser) checkBlock(b *block) *cellError {
	n := len(p.ids)
	for r, j := range b.rows {
		i := j.row
		row := p.data[i*n : i*n+min(i, p.valid[i])]
		for k, v := range row {
			u := p.data[k*n+i]
			if math.Abs(u-v) > 1e-9*math.Max(math.Abs(u), math.Abs(v)) {
				col := j.col0
				text := b.text[j.off:j.end]
				for range k {
					t := bytes.IndexByte(text, '\t')
					col += t + 1
					text = text[t+1:]
				}
				return &cellError{line: j.line, col: col, msg: fmt.Sprintf("%s:%d:%d: matrix is not symmetric: (%s, %s) = %v but (%s, %s) = %v",
					p.name, j.line, col, p.ids[i], p.ids[k], v, p.ids[k], p.ids[i], u)}
			}
		}
		if b.errs[r] != nil {
			return b.errs[r]
		}
	}
	return nil
}

// Write writes m in the scikit-bio lsmat TSV format (empty corner cell),
// with the shortest decimal form that reads back to the same float64.
func Write(w io.Writer, m *Matrix) error {
	n := m.N()
	if len(m.Data) != n*n {
		return fmt.Errorf("distmat: %d values for %d ids", len(m.Data), n)
	}
	if err := checkIDs(m.IDs); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	writeHeader(bw, m.IDs)
	buf := make([]byte, 0, 32)
	for i := 0; i < n; i++ {
		writeRow(bw, m.IDs[i], m.Data[i*n:(i+1)*n], &buf)
	}
	return bw.Flush()
}
