package crawl

// Reading the little JavaScript that portals' list scripts are configured with: object literals
// ({columnid:1229, webname:'…'}) and string literals. No script is run; anything that is not a literal is
// kept as its source text or skipped.

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsObject reads the object literal whose '{' is at s[i] into its members: strings unquoted; numbers,
// names (identifiers, true, an expression), nested objects and arrays as their source text (read a nested
// object with jsObject); functions skipped. It returns the members in order and the index just past the
// closing brace, or -1 when the literal does not close.
func jsObject(s string, i int) (members []jsMember, end int) {
	if i >= len(s) || s[i] != '{' {
		return nil, -1
	}
	i++
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			return members, -1
		}
		if s[i] == '}' {
			return members, i + 1
		}
		if s[i] == ',' {
			i++
			continue
		}
		// The key: a string or a name.
		var key string
		if s[i] == '\'' || s[i] == '"' {
			var ok bool
			key, i, ok = jsString(s, i)
			if !ok {
				return members, -1
			}
		} else {
			j := i
			for j < len(s) && (isIdent(s[j]) || s[j] >= utf8.RuneSelf) {
				j++
			}
			if j == i {
				return members, -1
			}
			key, i = s[i:j], j
		}
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != ':' {
			// Shorthand ({a, b}) or something else: skip to the next member.
			i = skipValue(s, i)
			continue
		}
		i = skipSpace(s, i+1)
		if i >= len(s) {
			return members, -1
		}
		switch c := s[i]; {
		case c == '\'' || c == '"' || c == '`':
			v, j, ok := jsString(s, i)
			if !ok {
				return members, -1
			}
			members = append(members, jsMember{key, v, true})
			i = j
		case c == '{' || c == '[':
			// Kept as source text: the caller may read it with jsObject.
			j := skipValue(s, i)
			if j < 0 {
				return members, -1
			}
			members = append(members, jsMember{key, strings.TrimSpace(s[i:j]), false})
			i = j
		case strings.HasPrefix(s[i:], "function"):
			i = skipValue(s, i)
		default:
			j := skipValue(s, i)
			if j < 0 {
				return members, -1
			}
			members = append(members, jsMember{key, strings.TrimSpace(s[i:j]), false})
			i = j
		}
		if i < 0 {
			return members, -1
		}
	}
}

// jsMember is one member of an object literal.
type jsMember struct {
	Key, Value string
	Quoted     bool // the value was a string literal
}

// Literal says whether the value is a literal worth sending (a string, a number, true or false), not a
// name or an expression whose value only the running script knows.
func (m jsMember) Literal() bool {
	if m.Quoted || m.Value == "true" || m.Value == "false" {
		return true
	}
	_, err := strconv.ParseFloat(m.Value, 64)
	return err == nil
}

// member finds a member by name, ignoring case.
func member(members []jsMember, names ...string) (jsMember, bool) {
	for _, n := range names {
		for _, m := range members {
			if strings.EqualFold(m.Key, n) {
				return m, true
			}
		}
	}
	return jsMember{}, false
}

// jsString reads the string literal starting at s[i] (', " or `) and returns its value and the index after
// it.
func jsString(s string, i int) (string, int, bool) {
	q := s[i]
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == q:
			return b.String(), j + 1, true
		case c == '\\' && j+1 < len(s):
			j++
			switch e := s[j]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u', 'x':
				n := 4
				if e == 'x' {
					n = 2
				}
				if j+n < len(s) {
					if r, err := strconv.ParseUint(s[j+1:j+1+n], 16, 32); err == nil {
						b.WriteRune(rune(r))
						j += n
						continue
					}
				}
				b.WriteByte(e)
			case '\n':
			default:
				b.WriteByte(e)
			}
		case c == '\n' && q != '`':
			return "", j, false
		default:
			b.WriteByte(c)
		}
	}
	return "", len(s), false
}

// skipValue returns the index of the ',' or '}' that ends the value starting at s[i] (brackets and strings
// inside it skipped), or -1 when it does not end.
func skipValue(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch c := s[i]; c {
		case '\'', '"', '`':
			_, j, ok := jsString(s, i)
			if !ok {
				return -1
			}
			i = j
			continue
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			if depth == 0 {
				return i
			}
			depth--
		case ',':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "//"):
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				return len(s)
			}
		case strings.HasPrefix(s[i:], "/*"):
			if j := strings.Index(s[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				return len(s)
			}
		default:
			return i
		}
	}
	return i
}

func isIdent(c byte) bool {
	return c == '_' || c == '$' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// jsInt reads a member that is a number (or a string holding one).
func jsInt(members []jsMember, names ...string) (int, bool) {
	m, ok := member(members, names...)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(m.Value))
	return n, err == nil
}

// jsVar finds `var name = {…}` (or let, const) in s and returns the text from its '{' on ("" when absent).
func jsVar(s, name string) string {
	re, err := regexp.Compile(`(?:var|let|const)\s+` + regexp.QuoteMeta(name) + `\s*=\s*\{`)
	if err != nil {
		return ""
	}
	if loc := re.FindStringIndex(s); loc != nil {
		return s[loc[1]-1:]
	}
	return ""
}
