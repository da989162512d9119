package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// PLACEHOLDER: replaced by the owner of this file.
func newAnalyzePermanovaCmd() *cobra.Command {
	return &cobra.Command{Use: "permanova", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
func newAnalyzePermdispCmd() *cobra.Command {
	return &cobra.Command{Use: "permdisp", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
func newAnalyzeAnosimCmd() *cobra.Command {
	return &cobra.Command{Use: "anosim", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
func newAnalyzeMantelCmd() *cobra.Command {
	return &cobra.Command{Use: "mantel", Hidden: true, RunE: func(*cobra.Command, []string) error { return errors.New("not implemented yet") }}
}
