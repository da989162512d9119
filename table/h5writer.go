package table

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sort"
)

// h5writer writes the subset of HDF5 that BIOM 2.1 needs, in the layout the
// HDF5 1.8+ C library reads: superblock version 0, version 1 object headers,
// "old-style" groups (symbol table: v1 B-tree + local heap + symbol table
// node), contiguous datasets or chunked ones compressed with DEFLATE and
// indexed by a version 1 B-tree, version 1 attribute messages, and
// variable-length strings in global heap collections. Objects are written
// children first so every address is known when a parent is written; the
// superblock goes to offset 0 last.
//
// (github.com/scigolib/hdf5 v0.13.18, used for reading, cannot write root
// group attributes, which BIOM requires, and writes a gzip filter message the
// C library cannot parse, so the writer is here.)
type h5writer struct {
	f   *os.File
	bw  *bufio.Writer
	off uint64
	err error
}

const h5undef = ^uint64(0)

func newH5Writer(f *os.File) *h5writer {
	w := &h5writer{f: f, bw: bufio.NewWriterSize(f, 1<<20), off: 96}
	_, w.err = f.Seek(96, 0)
	return w
}

// put appends b (padded to 8 bytes) and returns its address.
func (w *h5writer) put(b []byte) uint64 {
	addr := w.off
	if w.err != nil {
		return addr
	}
	_, w.err = w.bw.Write(b)
	w.off += uint64(len(b))
	if pad := (8 - w.off%8) % 8; pad != 0 && w.err == nil {
		_, w.err = w.bw.Write(make([]byte, pad))
		w.off += pad
	}
	return addr
}

// le is a little-endian byte builder.
type le []byte

func (b le) u8(v uint8) le   { return append(b, v) }
func (b le) u16(v uint16) le { return binary.LittleEndian.AppendUint16(b, v) }
func (b le) u32(v uint32) le { return binary.LittleEndian.AppendUint32(b, v) }
func (b le) u64(v uint64) le { return binary.LittleEndian.AppendUint64(b, v) }
func (b le) pad8() le {
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// Datatype messages (version 1).
func h5Int(size int, signed bool) le {
	bits := uint8(0)
	if signed {
		bits = 0x08
	}
	return le{0x10, bits, 0, 0}.u32(uint32(size)).u16(0).u16(uint16(8 * size))
}

func h5Float64() le {
	return le{0x11, 0x20, 63, 0}.u32(8).u16(0).u16(64).u8(52).u8(11).u8(0).u8(52).u32(1023)
}

func h5VlenString() le {
	// class 9, type 1 (string), null-terminated, UTF-8; base type unsigned char.
	return append(le{0x19, 0x01, 0x01, 0}.u32(16), h5Int(1, false)...)
}

func h5FixedString(n int) le {
	return le{0x13, 0x00, 0, 0}.u32(uint32(n))
}

// h5Space is a version 1 dataspace; no dims = scalar.
func h5Space(dims ...uint64) le {
	b := le{1, uint8(len(dims)), 0, 0, 0, 0, 0, 0}
	for _, d := range dims {
		b = b.u64(d)
	}
	return b
}

type h5msg struct {
	typ   uint16
	flags uint8
	data  le
}

// header writes a version 1 object header and returns its address.
func (w *h5writer) header(msgs []h5msg) uint64 {
	var body le
	for _, m := range msgs {
		d := m.data.pad8()
		body = body.u16(m.typ).u16(uint16(len(d))).u8(m.flags).u8(0).u8(0).u8(0)
		body = append(body, d...)
	}
	// The C library wants room for at least one more message in a header
	// chunk; a NULL message keeps the chunk from being exactly full.
	body = body.u16(0).u16(8).u8(0).u8(0).u8(0).u8(0).u64(0)
	n := len(msgs) + 1
	b := le{1, 0}.u16(uint16(n)).u32(1).u32(uint32(len(body))).u32(0)
	return w.put(append(b, body...))
}

func h5Attr(name string, dt, space, data le) h5msg {
	nb := append([]byte(name), 0)
	b := le{1, 0}.u16(uint16(len(nb))).u16(uint16(len(dt))).u16(uint16(len(space)))
	b = append(b, le(nb).pad8()...)
	b = append(b, dt.pad8()...)
	b = append(b, space.pad8()...)
	b = append(b, data...)
	return h5msg{typ: 0x000C, data: b}
}

func h5StringAttr(name, v string) h5msg {
	n := len(v) + 1
	return h5Attr(name, h5FixedString(n), h5Space(), append([]byte(v), 0))
}

func h5Int64Attr(name string, v ...int64) h5msg {
	var data le
	for _, x := range v {
		data = data.u64(uint64(x))
	}
	if len(v) == 1 {
		return h5Attr(name, h5Int(8, true), h5Space(), data)
	}
	return h5Attr(name, h5Int(8, true), h5Space(uint64(len(v))), data)
}

// dataset writes raw bytes (produced by fill in pieces) and the object header.
func (w *h5writer) dataset(dt le, dims []uint64, size uint64, fill func(*bufio.Writer) error) uint64 {
	addr := w.off
	if w.err == nil {
		w.err = fill(w.bw)
	}
	w.off += size
	if pad := (8 - w.off%8) % 8; pad != 0 && w.err == nil {
		_, w.err = w.bw.Write(make([]byte, pad))
		w.off += pad
	}
	msgs := []h5msg{
		{typ: 0x0001, data: h5Space(dims...)},
		{typ: 0x0003, flags: 1, data: dt},
		{typ: 0x0005, flags: 1, data: le{2, 2, 2, 0}}, // fill value v2: late allocation, never write, undefined
		{typ: 0x0008, data: le{3, 1}.u64(addr).u64(size)},
	}
	return w.header(msgs)
}

// chunked writes a 1-D dataset of n elements of elemSize bytes as chunks
// compressed with DEFLATE (zlib, the HDF5 "deflate" filter) at level,
// indexed by a one-node version 1 B-tree (at most 2·h5ChunkK chunks, so
// the chunk length grows with n). encode appends elements [lo, hi) to dst.
func (w *h5writer) chunked(dt le, n int, elemSize int, level int, encode func(dst []byte, lo, hi int) []byte) uint64 {
	const maxChunks = 2 * h5ChunkK
	chunk := max(1, (n+maxChunks-1)/maxChunks)
	chunk = max(chunk, min(n, 4096)) // avoid tiny chunks
	if chunk == 0 {
		chunk = 1
	}
	nChunks := (n + chunk - 1) / chunk
	type rec struct {
		addr uint64
		size uint32
		off  uint64
	}
	recs := make([]rec, 0, nChunks)
	raw := make([]byte, 0, chunk*elemSize)
	var zbuf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&zbuf, level)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		raw = encode(raw[:0], lo, hi)
		raw = append(raw, make([]byte, (chunk-(hi-lo))*elemSize)...) // edge chunks are stored full size
		zbuf.Reset()
		zw.Reset(&zbuf)
		zw.Write(raw)
		zw.Close()
		addr := w.put(zbuf.Bytes())
		recs = append(recs, rec{addr, uint32(zbuf.Len()), uint64(lo)})
	}
	// B-tree node (type 1: raw data chunks), leaf.
	keySize := 4 + 4 + 8*2
	bt := le("TREE").u8(1).u8(0).u16(uint16(len(recs))).u64(h5undef).u64(h5undef)
	for _, r := range recs {
		bt = bt.u32(r.size).u32(0).u64(r.off).u64(0).u64(r.addr)
	}
	bt = bt.u32(0).u32(0).u64(uint64(nChunks * chunk)).u64(0)
	bt = append(bt, make([]byte, 24+(2*h5ChunkK+1)*keySize+2*h5ChunkK*8-len(bt))...)
	btAddr := w.put(bt)
	pipeline := le{1, 1, 0, 0, 0, 0, 0, 0}.u16(1).u16(0).u16(0).u16(1).u32(uint32(level)).u32(0)
	msgs := []h5msg{
		{typ: 0x0001, data: h5Space(uint64(n))},
		{typ: 0x0003, flags: 1, data: dt},
		{typ: 0x0005, flags: 1, data: le{2, 3, 2, 0}}, // fill value v2: incremental allocation, never write, undefined
		{typ: 0x000B, data: pipeline},
		{typ: 0x0008, data: le{3, 2, 2}.u64(btAddr).u32(uint32(chunk)).u32(uint32(elemSize))},
	}
	return w.header(msgs)
}

func (w *h5writer) float64s(v []float64, dims ...uint64) uint64 {
	if dims == nil {
		dims = []uint64{uint64(len(v))}
	}
	return w.dataset(h5Float64(), dims, uint64(8*len(v)), func(bw *bufio.Writer) error {
		var b [8]byte
		for _, x := range v {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
			if _, err := bw.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (w *h5writer) int32s(n int, at func(i int) int32) uint64 {
	return w.dataset(h5Int(4, true), []uint64{uint64(n)}, uint64(4*n), func(bw *bufio.Writer) error {
		var b [4]byte
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint32(b[:], uint32(at(i)))
			if _, err := bw.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}

// int32sLevel writes n int32s at(0), …, at(n−1): chunked and compressed at
// level, or contiguous when level < 0 or n == 0.
func (w *h5writer) int32sLevel(level, n int, at func(i int) int32) uint64 {
	if level < 0 || n == 0 {
		return w.int32s(n, at)
	}
	return w.chunked(h5Int(4, true), n, 4, level, func(dst []byte, lo, hi int) []byte {
		for k := lo; k < hi; k++ {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(at(k)))
		}
		return dst
	})
}

// perHeapCollection is the number of strings in a global heap collection:
// small collections, as the C library makes them (readers look objects up
// by scanning a collection).
const perHeapCollection = 256

// heapCollection returns a global heap collection (GCOL) holding the
// strings s as objects 1, 2, ..., padded with a free-space object to at
// least 4096 bytes.
func heapCollection(s []string) le {
	size := uint64(16)
	for _, x := range s {
		size += 16 + uint64((len(x)+7)/8*8)
	}
	free := uint64(0)
	if size < 4096 {
		free = 4096 - size
	}
	if free > 0 && free < 16 {
		free += 16
	}
	total := size + free
	b := make(le, 0, total)
	b = append(b, "GCOL"...)
	b = append(b, 1, 0, 0, 0)
	b = b.u64(total)
	for k, x := range s {
		b = b.u16(uint16(k + 1)).u16(1).u32(0).u64(uint64(len(x)))
		b = append(b, x...)
		b = b.pad8()
	}
	if free > 0 {
		b = b.u16(0).u16(0).u32(0).u64(free)
		b = append(b, make([]byte, free-16)...)
	}
	return b
}

// strings writes variable-length strings: global heap collections first,
// then the dataset of heap ids.
func (w *h5writer) strings(s []string, dims ...uint64) uint64 {
	if dims == nil {
		dims = []uint64{uint64(len(s))}
	}
	type ref struct {
		coll uint64
		idx  uint16
	}
	refs := make([]ref, len(s))
	for start := 0; start < len(s); start += perHeapCollection {
		end := min(start+perHeapCollection, len(s))
		addr := w.put(heapCollection(s[start:end]))
		for k := start; k < end; k++ {
			refs[k] = ref{addr, uint16(k - start + 1)}
		}
	}
	return w.dataset(h5VlenString(), dims, uint64(16*len(s)), func(bw *bufio.Writer) error {
		var b [16]byte
		for i, r := range refs {
			binary.LittleEndian.PutUint32(b[0:], uint32(len(s[i])))
			binary.LittleEndian.PutUint64(b[4:], r.coll)
			binary.LittleEndian.PutUint32(b[12:], uint32(r.idx))
			if _, err := bw.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}

type h5child struct {
	name        string
	header      uint64
	group       bool
	btree, heap uint64
}

type h5group struct {
	header, btree, heap uint64
}

const (
	h5LeafK  = 4  // symbol table node holds 2K entries
	h5NodeK  = 16 // group B-tree internal node K
	h5ChunkK = 32 // chunk B-tree K (superblock version 0 default)
)

// group writes an old-style group holding children (at most 2*h5LeafK) and
// attributes.
func (w *h5writer) group(children []h5child, attrs []h5msg) (h5group, error) {
	if len(children) > 2*h5LeafK {
		return h5group{}, fmt.Errorf("internal: group with %d children", len(children))
	}
	sort.Slice(children, func(i, j int) bool { return children[i].name < children[j].name })
	// Local heap: "" at offset 0, then the names.
	data := make(le, 8)
	offs := make([]uint64, len(children))
	for i, c := range children {
		offs[i] = uint64(len(data))
		data = append(data, c.name...)
		data = append(data, 0)
		data = data.pad8()
	}
	// No free block: the free-list head is H5HL_FREE_NULL (1).
	heapHdr := le("HEAP").u8(0).u8(0).u8(0).u8(0).u64(uint64(len(data))).u64(1)
	heapAddr := w.off
	dataAddr := heapAddr + 32
	heapHdr = heapHdr.u64(dataAddr)
	w.put(append(heapHdr, data...))
	// Symbol table node.
	snod := le("SNOD").u8(1).u8(0).u16(uint16(len(children)))
	for i, c := range children {
		snod = snod.u64(offs[i]).u64(c.header)
		if c.group {
			snod = snod.u32(1).u32(0).u64(c.btree).u64(c.heap)
		} else {
			snod = snod.u32(0).u32(0).u64(0).u64(0)
		}
	}
	snod = append(snod, make([]byte, 8+2*h5LeafK*40-len(snod))...)
	snodAddr := w.put(snod)
	// B-tree (type 0, leaf) with one child.
	last := uint64(0)
	if len(children) > 0 {
		last = offs[len(offs)-1]
	}
	bt := le("TREE").u8(0).u8(0).u16(1).u64(h5undef).u64(h5undef)
	bt = bt.u64(0).u64(snodAddr).u64(last)
	bt = append(bt, make([]byte, 24+(2*h5NodeK+1)*8+2*h5NodeK*8-len(bt))...)
	btAddr := w.put(bt)
	msgs := []h5msg{{typ: 0x0011, data: le{}.u64(btAddr).u64(heapAddr)}}
	msgs = append(msgs, attrs...)
	hdr := w.header(msgs)
	return h5group{header: hdr, btree: btAddr, heap: heapAddr}, w.err
}

// finish writes the superblock pointing at the root group and flushes.
func (w *h5writer) finish(root h5group) error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	sb := le("\x89HDF\r\n\x1a\n")
	sb = append(sb, 0, 0, 0, 0, 0, 8, 8, 0)
	sb = sb.u16(h5LeafK).u16(h5NodeK).u32(0)
	sb = sb.u64(0).u64(h5undef).u64(w.off).u64(h5undef)
	sb = sb.u64(0).u64(root.header).u32(1).u32(0).u64(root.btree).u64(root.heap)
	if _, err := w.f.WriteAt(sb, 0); err != nil {
		return err
	}
	return nil
}
