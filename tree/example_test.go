package tree_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/holobiont/holobiont/tree"
)

func ExampleParse() {
	t, err := tree.Parse(strings.NewReader("((A:0.1,B:0.2)0.95:0.3,'C d':0.4)root;"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, n := range t.Nodes {
		fmt.Printf("%d %q parent=%d length=%g tip=%v\n", i, n.Name, n.Parent, n.Length, t.IsTip(i))
	}
	tree.Write(os.Stdout, t)
	// Output:
	// 0 "A" parent=2 length=0.1 tip=true
	// 1 "B" parent=2 length=0.2 tip=true
	// 2 "0.95" parent=4 length=0.3 tip=false
	// 3 "C d" parent=4 length=0.4 tip=true
	// 4 "root" parent=-1 length=0 tip=false
	// ((A:0.1,B:0.2)0.95:0.3,'C d':0.4)root;
}
