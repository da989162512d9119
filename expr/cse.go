package expr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// cseState numbers sub-trees by value: two sub-trees get the same number
// when they apply the same operator to operands with the same numbers,
// where an identifier's number includes how many assignments have written
// its slot so far (so a value is never reused across a change of its
// inputs).
type cseState struct {
	ids     map[string]int // value key -> number
	count   []int          // uses of each number (not counting uses inside a reused parent)
	reg     []int32        // CSE register of each number, or -1
	node    map[*Node]int  // numbers of the current assignment's nodes
	version map[int]int    // writes so far per env slot
}

// buildCSE compiles b's assignments into a new Builder with common
// sub-expressions computed once.
func (b *Builder) buildCSE() (*Builder, error) {
	trees := make([]*Node, len(b.assigns))
	for i, a := range b.assigns {
		m, err := Inline(a.n, b.funcs)
		if err != nil {
			return nil, err
		}
		trees[i] = m
	}
	st := &cseState{ids: map[string]int{}, version: map[int]int{}}
	// Counting pass. A value seen before (in any earlier assignment) is
	// reused whole, so its sub-trees are not counted again.
	seen := map[int]bool{}
	for i, m := range trees {
		st.node = map[*Node]int{}
		if _, err := st.number(m, b); err != nil {
			return nil, err
		}
		st.countUses(m, seen)
		st.version[b.assigns[i].dst]++
	}
	nb := &Builder{slot: b.slot, timeSlot: b.timeSlot, constIx: map[uint64]int32{}, maxSlot: -1, noCSE: true, noFuse: b.noFuse}
	st.reg = make([]int32, len(st.count))
	for i := range st.reg {
		st.reg[i] = -1
	}
	st.version = map[int]int{}
	nb.cse = st
	for i, m := range trees {
		st.node = map[*Node]int{}
		if _, err := st.number(m, b); err != nil {
			return nil, err
		}
		if err := nb.Assign(b.assigns[i].dst, m); err != nil {
			return nil, err
		}
		st.version[b.assigns[i].dst]++
	}
	nb.cse = nil
	return nb, nil
}

// number assigns value numbers to n and its sub-trees (memoised per node of
// the current assignment).
func (st *cseState) number(n *Node, b *Builder) (int, error) {
	if id, ok := st.node[n]; ok {
		return id, nil
	}
	var key strings.Builder
	switch n.Op {
	case OpNum:
		key.WriteString("n")
		key.WriteString(strconv.FormatUint(math.Float64bits(n.Value), 16))
	case OpVar, OpTime:
		s := b.timeSlot
		if n.Op == OpVar {
			var ok bool
			if s, ok = b.slot(n.Name); !ok {
				return 0, fmt.Errorf("unknown identifier %q", n.Name)
			}
		}
		fmt.Fprintf(&key, "v%d@%d", s, st.version[s])
	default:
		fmt.Fprintf(&key, "%d:%s(", n.Op, n.Name)
		for _, a := range n.Args {
			id, err := st.number(a, b)
			if err != nil {
				return 0, err
			}
			key.WriteString(strconv.Itoa(id))
			key.WriteByte(',')
		}
	}
	k := key.String()
	id, ok := st.ids[k]
	if !ok {
		id = len(st.count)
		st.ids[k] = id
		st.count = append(st.count, 0)
	}
	st.node[n] = id
	return id, nil
}

// countUses counts the uses of each value number, not descending into a
// sub-tree whose value was seen before (it will be reused whole).
func (st *cseState) countUses(n *Node, seen map[int]bool) {
	id := st.node[n]
	st.count[id]++
	if seen[id] || len(n.Args) == 0 {
		return
	}
	seen[id] = true
	for _, a := range n.Args {
		st.countUses(a, seen)
	}
}

// compileShared compiles a non-leaf node, reusing or keeping its value when
// it is used more than once.
func (b *Builder) compileShared(n *Node) (int32, error) {
	st := b.cse
	id, ok := st.node[n]
	if !ok || st.count[id] < 2 {
		return b.compileNode(n, nil)
	}
	if r := st.reg[id]; r >= 0 {
		return r, nil
	}
	o, err := b.compileNode(n, nil)
	if err != nil {
		return 0, err
	}
	if isConst(o) {
		st.reg[id] = o // folded: nothing to keep
		return o, nil
	}
	r := tagCSE | b.ncse
	b.ncse++
	if k := len(b.code); isTemp(o) && o&tagBorrow == 0 && k > 0 && b.code[k-1].dst == o {
		b.code[k-1].dst = r
	} else {
		b.emit(instr{op: opMov, dst: r, a: o})
	}
	b.release(o)
	st.reg[id] = r
	return r, nil
}
