package model

import (
	"fmt"
	"strings"
)

// InFile returns err as an error about the file name: prefixed with it,
// unless its message already starts with the name (a located error,
// "file:line:col: ..."), so that no message names its file twice.
func InFile(name string, err error) error {
	if err == nil || name == "" || strings.HasPrefix(err.Error(), name+":") {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
