package template

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// Script conversion, Traditional → Simplified, with OpenCC's t2s dictionaries (TSPhrases, then
// TSCharacters) and OpenCC's rule: at each position the longest phrase that starts there, else the
// character's conversion, else the character itself. The dictionaries come from the opencc package; the
// matching is done here, on maps built once, because OpenCC's own Convert makes a rune slice and one string
// per character (~90 bytes per input byte; a 31 MB line took 2.9 GB) and has no documented guarantee of
// concurrent use. TestToSimplifiedMatchesOpenCC and FuzzToSimplified hold the two to the same output.
//
// Nearly every report is already in Simplified script, so the hot path is a scan for "witness" runes:
// for every dictionary entry that changes its text, one rune the entry cannot match without. A string
// holding none of them comes out unchanged, so it is returned as is, without allocating.

type t2sConverter struct {
	phrases   map[string]string // every phrase, unchanged ones too: they keep their characters as printed
	phraseAt  map[rune]bool     // first runes of phrases
	maxPhrase int               // in runes, at most OpenCC's window of 10
	chars     map[rune]string
	bmp       [0x10000 / 64]uint64 // witness runes below U+10000, as a bitset
	astral    map[rune]bool        // witness runes above
}

var (
	t2sOnce sync.Once
	t2s     *t2sConverter // nil when the dictionaries cannot be loaded
)

func converter() *t2sConverter {
	t2sOnce.Do(func() {
		cc, err := opencc.New("t2s")
		if err != nil {
			return
		}
		t2s = newConverter(cc)
	})
	return t2s
}

// openccWindow is how many runes OpenCC's Convert looks ahead for a phrase.
const openccWindow = 10

// newConverter reads the entries of the converter's dictionaries and derives the witness runes.
func newConverter(cc *opencc.OpenCC) *t2sConverter {
	c := &t2sConverter{phrases: map[string]string{}, phraseAt: map[rune]bool{}, chars: map[rune]string{}, astral: map[rune]bool{}}
	type entry struct{ key, val []rune }
	var changing []entry
	for _, g := range cc.DictChains {
		for _, d := range g.Dicts {
			for _, id := range d.Trie.PrefixPredict(nil, 0) {
				k, err := d.Trie.Key(id)
				if err != nil {
					continue
				}
				v, err := d.Trie.Value(id)
				if err != nil || v < 0 || v >= len(d.Values) || len(d.Values[v]) == 0 {
					continue
				}
				key, val := string(k), d.Values[v][0]
				kr := []rune(key)
				switch {
				case len(kr) == 0 || len(kr) > openccWindow:
					continue
				case len(kr) > 1: // t2s keeps phrases in TSPhrases, characters in TSCharacters
					if _, ok := c.phrases[key]; ok {
						continue
					}
					c.phrases[key] = val
					c.phraseAt[kr[0]] = true
					c.maxPhrase = max(c.maxPhrase, len(kr))
				default:
					if _, ok := c.chars[kr[0]]; ok {
						continue
					}
					c.chars[kr[0]] = val
				}
				if val != key {
					changing = append(changing, entry{kr, []rune(val)})
				}
			}
		}
	}
	for _, e := range changing {
		// Any rune of the key will do; prefer one that is Traditional on its own, so that Simplified text
		// rarely holds a witness.
		w := e.key[0]
		for i, r := range e.key {
			if v, ok := c.chars[r]; ok && v != string(r) {
				w = r
				break
			}
			if i < len(e.val) && e.val[i] != r {
				w = r
			}
		}
		c.add(w)
	}
	return c
}

func (c *t2sConverter) add(r rune) {
	if r < 0x10000 {
		c.bmp[r/64] |= 1 << (r % 64)
		return
	}
	c.astral[r] = true
}

// needs reports whether OpenCC could change s: it holds a witness rune, or bytes that are not UTF-8
// (which OpenCC turns into U+FFFD).
func (c *t2sConverter) needs(s string) bool {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return true
		}
		if r < 0x10000 {
			if c.bmp[r/64]&(1<<(r%64)) != 0 {
				return true
			}
		} else if c.astral[r] {
			return true
		}
		i += size
	}
	return false
}

func (c *t2sConverter) convert(s string) string {
	if !c.needs(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var ends [openccWindow + 1]int // byte offsets of the next runes
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if c.phraseAt[r] {
			n := 0
			for j := i; n < c.maxPhrase && j < len(s); {
				_, sz := utf8.DecodeRuneInString(s[j:])
				j += sz
				n++
				ends[n] = j
			}
			found := false
			for k := n; k >= 2; k-- {
				if v, ok := c.phrases[s[i:ends[k]]]; ok {
					b.WriteString(v)
					i, found = ends[k], true
					break
				}
			}
			if found {
				continue
			}
		}
		switch v, ok := c.chars[r]; {
		case ok:
			b.WriteString(v)
		case r == utf8.RuneError && size == 1:
			b.WriteString("\uFFFD") // as OpenCC, which reads the text as runes
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// ToSimplified converts Traditional-script text to Simplified; it returns s unchanged when the converter
// cannot be loaded or s holds nothing to convert. Safe for concurrent use.
func ToSimplified(s string) string {
	c := converter()
	if c == nil {
		return s
	}
	return c.convert(s)
}
