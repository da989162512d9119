package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// PLACEHOLDER: replaced by the owner of this file.
func newAnalyzeConvertCmd() *cobra.Command {
	return &cobra.Command{Use: "convert", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
func newAnalyzeSummarizeCmd() *cobra.Command {
	return &cobra.Command{Use: "summarize", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
