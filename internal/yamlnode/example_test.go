package yamlnode_test

import (
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/holobiont/holobiont/internal/yamlnode"
)

func ExamplePos() {
	f, err := parser.ParseBytes([]byte("host:\n  cortisol: 0.4\n"), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := yaml.PathString("$.host.cortisol")
	n, _ := p.FilterFile(f)
	line, col, _ := yamlnode.Pos(n)
	e := &yamlnode.Error{File: "model.yaml", Line: line, Col: col, Msg: "cortisol must be a positive rate"}
	fmt.Println(e)
	// Output: model.yaml:2:13: cortisol must be a positive rate
}

func ExampleSyntaxError() {
	_, err := parser.ParseBytes([]byte("a: 1\n\tb: 2\n"), 0)
	e := yamlnode.SyntaxError("model.yaml", "YAML syntax: ", err)
	fmt.Println(e.File, e.Line, e.Col)
	// Output: model.yaml 2 1
}
