package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/gkbench/gkbench/internal/textwidth"
	"github.com/gkbench/gkbench/pipeline/analyze"
)

// maxCell caps a printed cell so one long text does not make the table unreadable.
const maxCell = 60

// truncate shortens s to at most w columns, ending in "…".
func truncate(s string, w int) string {
	if textwidth.Of(s) <= w {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := textwidth.Of(string(r))
		if n+rw > w-1 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}

// formatValue renders a driver value for the table; numbers report whether to right-align.
func formatValue(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "NULL", false
	case string:
		return strings.NewReplacer("\n", "⏎", "\t", " ", "\r", "").Replace(x), false
	case []byte:
		return fmt.Sprintf("%x", x), false
	case bool:
		return strconv.FormatBool(x), false
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(x), true
	case *big.Int:
		return x.String(), true
	case float32:
		return formatFloat(float64(x)), true
	case float64:
		return formatFloat(x), true
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02"), false
		}
		return x.Format("2006-01-02 15:04:05Z07:00"), false
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i], _ = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]", false
	case interface{ Float64() float64 }: // DECIMAL
		return fmt.Sprint(x), true
	default:
		return fmt.Sprint(x), false
	}
}

// formatFloat prints a float exactly when short, else with 10 significant digits.
func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if len(s) > 14 {
		s = strconv.FormatFloat(f, 'g', 10, 64)
	}
	return s
}

// printTable writes the result as an aligned table with a header rule (Chinese counted as two columns);
// numeric columns are right-aligned.
func printTable(w io.Writer, res *analyze.Result) error {
	rows := make([][]string, 0, len(res.Rows)+2)
	rows = append(rows, res.Columns, nil)
	numeric := make([]bool, len(res.Columns))
	text := make([]bool, len(res.Columns))
	widths := make([]int, len(res.Columns))
	for i, c := range res.Columns {
		widths[i] = textwidth.Of(c)
	}
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			s, num := formatValue(v)
			cells[i] = truncate(s, maxCell)
			numeric[i] = numeric[i] || num
			text[i] = text[i] || (!num && v != nil)
			widths[i] = max(widths[i], textwidth.Of(cells[i]))
		}
		rows = append(rows, cells)
	}
	rule := make([]string, len(widths))
	right := make([]bool, len(widths))
	for i, n := range widths {
		rule[i] = strings.Repeat("-", n)
		right[i] = numeric[i] && !text[i]
	}
	rows[1] = rule
	bw := bufio.NewWriter(w)
	textwidth.Table(bw, "", rows, right)
	return bw.Flush()
}
