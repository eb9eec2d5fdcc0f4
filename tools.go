//go:build tools

// Package main's tools.go pins modules the code base is about to import, so
// go.mod and go.sum stay stable while packages land one by one.
package main

import (
	_ "charm.land/bubbles/v2/help"
	_ "charm.land/bubbles/v2/key"
	_ "charm.land/bubbles/v2/progress"
	_ "charm.land/bubbles/v2/textinput"
	_ "charm.land/bubbles/v2/viewport"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "charm.land/lipgloss/v2/table"
	_ "github.com/NimbleMarkets/ntcharts/v2/linechart/timeserieslinechart"
	_ "github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/golden"
	_ "github.com/charmbracelet/x/exp/teatest/v2"
	_ "github.com/spf13/cobra"
)
