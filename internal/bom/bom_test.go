package bom

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestTrimAndSkip(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{Mark + "id: x\n", "id: x\n"},
		{"id: x\n", "id: x\n"},
		{Mark, ""},
		{"\xef\xbb", "\xef\xbb"},
		{Mark + Mark + "a", Mark + "a"}, // only one mark is a mark
	} {
		if got := string(Trim([]byte(c.in))); got != c.want {
			t.Errorf("Trim(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := TrimString(c.in); got != c.want {
			t.Errorf("TrimString(%q) = %q, want %q", c.in, got, c.want)
		}
		r := bufio.NewReader(strings.NewReader(c.in))
		Skip(r)
		if got, _ := io.ReadAll(r); string(got) != c.want {
			t.Errorf("Skip(%q) left %q, want %q", c.in, got, c.want)
		}
	}
}
