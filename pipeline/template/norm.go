package template

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Longer reports whether s has more than n characters. Labels and prose are told apart by length on every
// cell, so it counts bytes that start a character and stops at n+1, without decoding. (On bytes that are
// not UTF-8 it may count differently from utf8.RuneCountInString; extracted text is always UTF-8.)
func Longer(s string, n int) bool {
	if len(s) <= n {
		return false
	}
	if len(s) > utf8.UTFMax*n {
		return true
	}
	c := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			if c++; c > n {
				return true
			}
		}
	}
	return false
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

// Labels repeat across cells and documents; caching their forms keeps script conversion and the regular
// expressions off the hot path. The cache stops growing at normCacheBytes of keys and forms, so a long
// import of distinct texts cannot grow it without bound.
var (
	normCache     sync.Map
	normCacheSize atomic.Int64
)

const (
	normCacheBytes = 32 << 20
	// maxLabelBytes: no label of the template is a tenth as long. A longer text is prose or a hostile
	// cell; it normalizes to "" and matches nothing, without being copied or converted.
	maxLabelBytes = 1 << 10
)

func normalized(s string) normForms {
	if len(s) > maxLabelBytes {
		return normForms{}
	}
	if v, ok := normCache.Load(s); ok {
		return v.(normForms)
	}
	n := computeNorm(s)
	f := normForms{norm: n, loose: n}
	if l := parenthesized.ReplaceAllString(n, ""); l != "" {
		f.loose = l
	}
	if normCacheSize.Add(int64(len(s)+len(f.norm)+len(f.loose)+64)) <= normCacheBytes {
		// A clone: s may be a slice of a whole document, which the cache must not keep alive.
		normCache.Store(strings.Clone(s), f)
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
