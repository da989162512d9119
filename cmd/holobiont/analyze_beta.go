package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// PLACEHOLDER: replaced by the owner of this file.
func newAnalyzeBetaCmd() *cobra.Command {
	return &cobra.Command{Use: "beta", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
func newAnalyzePCoACmd() *cobra.Command {
	return &cobra.Command{Use: "pcoa", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
