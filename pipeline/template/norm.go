package template

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

var (
	t2sOnce sync.Once
	t2s     *opencc.OpenCC
	t2sMu   sync.Mutex // the converter keeps no documented guarantee of concurrent use
)

// ToSimplified converts Traditional-script text to Simplified; it returns s unchanged when the converter
// cannot be loaded or s is plain ASCII.
func ToSimplified(s string) string {
	if isASCII(s) {
		return s
	}
	t2sOnce.Do(func() {
		c, err := opencc.New("t2s")
		if err == nil {
			t2s = c
		}
	})
	if t2s == nil {
		return s
	}
	t2sMu.Lock()
	out, err := t2s.Convert(s)
	t2sMu.Unlock()
	if err != nil {
		return s
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// numbering matches the outline prefixes reports put before labels: 一、 (一) 1. 1、 (1) ① and the like.
var numbering = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|[0-9]+[.、)]|\([0-9]+\)|[①-⑳])`)

var parenthesized = regexp.MustCompile(`\([^()]*\)?`)

// dropRunes are characters whose presence or form varies between copies of the same label.
var dropRunes = map[rune]bool{
	'“': true, '”': true, '"': true, '\'': true, '‘': true, '’': true, '「': true, '」': true,
	'、': true, '?': true, '*': true, '·': true,
}

// Norm reduces a label to the form used for matching: compatibility forms folded (full-width to ASCII),
// Simplified script, numbering prefixes, spaces, quotes and list commas removed, the optional phrase
// 政府信息公开 removed, and a trailing colon dropped.
func Norm(s string) string { return normalized(s).norm }

type normForms struct{ norm, loose string }

// Labels repeat across cells and documents; caching their forms keeps script conversion, the costliest
// step, off the hot path. The cache stops growing at normCacheMax entries (prose never reaches here much).
var (
	normCache    sync.Map
	normCacheLen atomic.Int64
)

const normCacheMax = 200_000

func normalized(s string) normForms {
	if v, ok := normCache.Load(s); ok {
		return v.(normForms)
	}
	n := computeNorm(s)
	f := normForms{norm: n, loose: n}
	if l := parenthesized.ReplaceAllString(n, ""); l != "" {
		f.loose = l
	}
	if normCacheLen.Add(1) <= normCacheMax {
		normCache.Store(s, f)
	}
	return f
}

func computeNorm(s string) string {
	s = norm.NFKC.String(s)
	s = ToSimplified(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	// Numbering goes before the list comma is dropped: 一、 is a prefix, 法律、行政法规 is wording.
	s = strings.TrimLeft(s, "?*")
	for {
		loc := numbering.FindStringIndex(s)
		if loc == nil || loc[1] == len(s) {
			break
		}
		s = s[loc[1]:]
	}
	s = strings.Map(func(r rune) rune {
		if dropRunes[r] {
			return -1
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "政府信息公开", "")
	s = strings.TrimRight(s, ":;,.")
	return s
}

// Loose is Norm with parenthesized remarks removed (部分公开(区分处理的,…) → 部分公开).
func Loose(s string) string { return normalized(s).loose }
