package table

import (
	"reflect"
	"strings"
	"testing"
)

// TestBIOMJSONWhitespaceInData: whitespace (spaces, newlines) between the
// numbers of "data" and "shape" is valid JSON, and Python's json.dump writes
// it ("[0, 0, 5]"); biom-format reads such files, and so must we. The same
// table without whitespace is the reference.
func TestBIOMJSONWhitespaceInData(t *testing.T) {
	const head = `{"id": null, "format": "Biological Observation Matrix 1.0.0", "type": "OTU table", "matrix_type": "%s", "matrix_element_type": "int", `
	const tail = `"rows": [{"id": "o1", "metadata": null}, {"id": "o2", "metadata": null}], "columns": [{"id": "s1", "metadata": null}, {"id": "s2", "metadata": null}]}`
	for _, c := range []struct{ kind, tight, spaced string }{
		{"sparse", `"shape":[2,2],"data":[[0,0,5],[1,1,3.0]],`, "\"shape\": [ 2,\n 2 ],\n \"data\": [ [0, 0, 5], [ 1,1,\n\t3.0 ] ],\n "},
		{"dense", `"shape":[2,2],"data":[[5,0],[0,3]],`, "\"shape\": [2, 2], \"data\": [[ 5, 0 ],\n [0,\r\n 3]], "},
	} {
		h := strings.Replace(head, "%s", c.kind, 1)
		want, err := ReadBIOMJSON(strings.NewReader(h+c.tight+tail), "tight.biom")
		if err != nil {
			t.Fatalf("%s, no whitespace: %v", c.kind, err)
		}
		got, err := ReadBIOMJSON(strings.NewReader(h+c.spaced+tail), "spaced.biom")
		if err != nil {
			t.Fatalf("%s with whitespace: %v", c.kind, err)
		}
		if !reflect.DeepEqual(got, want) || got.NNZ() != 2 {
			t.Errorf("%s: whitespace changed the table:\n got %+v\nwant %+v", c.kind, got, want)
		}
	}
}
