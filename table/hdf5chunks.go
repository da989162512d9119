package table

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Chunk B-trees.
//
// For a chunked dataset github.com/scigolib/hdf5 v0.13.18 walks a version-1
// B-tree from the layout's address and, for every chunk a leaf lists,
// allocates the chunk's stored size (the key's nbytes, up to 1 GiB) before it
// reads the chunk. It follows a non-leaf node's children without checking
// their level, so a damaged child address pointing back up the tree recurses
// until the goroutine stack overflows (a fatal error recover cannot catch),
// and a child shared by many parents is read once per parent. The guard
// below finds every node the library could parse as a chunk-tree node (any
// "TREE" signature: the library checks neither the node type nor the level)
// and refuses a file where a chunk declares more bytes than the file holds or
// a child does not lie strictly below its parent; it charges the most bytes
// the chunks of any one tree make the library allocate.

// btreeNode is a version-1 B-tree node as the library parses it for a
// chunked dataset of a given key size.
type btreeNode struct {
	level    uint8
	nbytes   []uint32 // stored size of each child's chunk (leaf) or of the key (non-leaf)
	children []uint64
}

// attach gives the guard the open file's reader and offset size, which the
// chunk-tree checks need.
func (g *h5Guard) attach(r io.ReaderAt, offsetSize int) {
	g.r, g.offsetSize = r, offsetSize
}

// chunkTrees returns the most bytes that reading the chunks of any one chunk
// tree allocates for a dataset whose layout has ndims chunk dimensions (the
// dataset's rank plus one), checking every tree as described above.
func (g *h5Guard) chunkTrees(ndims int) (uint64, error) {
	if g.r == nil || (g.offsetSize != 4 && g.offsetSize != 8) {
		return 0, nil
	}
	if c, ok := g.chunkCost[ndims]; ok {
		return c, nil
	}
	nodes, err := g.btreeNodes(ndims)
	if err != nil {
		return 0, err
	}
	cost := make(map[uint64]uint64, len(nodes))
	var worst uint64
	for addr := range nodes {
		c, err := treeCost(nodes, cost, addr)
		if err != nil {
			return 0, err
		}
		worst = max(worst, c)
	}
	if g.chunkCost == nil {
		g.chunkCost = map[int]uint64{}
	}
	g.chunkCost[ndims] = worst
	return worst, nil
}

// treeCost returns the bytes the library allocates for the chunks of the
// tree rooted at addr (memoised in cost).
func treeCost(nodes map[uint64]*btreeNode, cost map[uint64]uint64, addr uint64) (uint64, error) {
	if c, ok := cost[addr]; ok {
		return c, nil
	}
	n := nodes[addr]
	var sum uint64
	for i, child := range n.children {
		if n.level == 0 {
			sum = add(sum, uint64(n.nbytes[i]))
			continue
		}
		cn, ok := nodes[child]
		if !ok {
			continue // the library fails to parse it before allocating chunks
		}
		if cn.level >= n.level {
			return 0, fmt.Errorf("chunk B-tree node at %#x (level %d) has a child at %#x of level %d, not below it", addr, n.level, child, cn.level)
		}
		c, err := treeCost(nodes, cost, child)
		if err != nil {
			return 0, err
		}
		sum = add(sum, c)
	}
	cost[addr] = sum
	return sum, nil
}

// btreeNodes parses every "TREE" node of the file whose entries lie in the
// file, with keys of ndims coordinates, and checks each leaf chunk's size.
func (g *h5Guard) btreeNodes(ndims int) (map[uint64]*btreeNode, error) {
	osz := g.offsetSize
	hdr := 8 + 2*osz
	keySize := 8 + 8*ndims
	nodes := map[uint64]*btreeNode{}
	var body []byte
	err := g.scan(g.r, sigScan{"TREE", hdr, func(addr uint64, b []byte) error {
		entries := int(binary.LittleEndian.Uint16(b[6:]))
		if entries == 0 {
			return nil
		}
		size := entries*(keySize+osz) + keySize
		if add(add(addr, uint64(hdr)), uint64(size)) > g.fileSize {
			return nil // the library's read of the entries fails
		}
		if cap(body) < size {
			body = make([]byte, size)
		}
		body = body[:size]
		if _, err := g.r.ReadAt(body, int64(addr)+int64(hdr)); err != nil {
			return nil
		}
		n := &btreeNode{level: b[5], nbytes: make([]uint32, entries), children: make([]uint64, entries)}
		for i := range entries {
			e := body[i*(keySize+osz):]
			n.nbytes[i] = binary.LittleEndian.Uint32(e)
			n.children[i] = readOffset(e[keySize:], osz)
			if n.level == 0 && uint64(n.nbytes[i]) > g.fileSize {
				return fmt.Errorf("chunk B-tree at %#x: chunk %d declares %d stored bytes, more than the %d-byte file", addr, i, n.nbytes[i], g.fileSize)
			}
		}
		nodes[addr] = n
		return nil
	}})
	return nodes, err
}

// readOffset reads a little-endian file offset of 4 or 8 bytes.
func readOffset(b []byte, size int) uint64 {
	if size == 4 {
		return uint64(binary.LittleEndian.Uint32(b))
	}
	return binary.LittleEndian.Uint64(b)
}
