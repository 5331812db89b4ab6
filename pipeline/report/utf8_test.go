package report

import (
	"fmt"
	"reflect"
	"testing"
	"unicode/utf8"
)

// eachString calls fn on every string (named string types included) reachable in v, through structs,
// slices and pointers.
func eachString(v reflect.Value, path string, fn func(path string, s reflect.Value)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			eachString(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			eachString(v.Index(i), path+"[]", fn)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			eachString(v.Elem(), path, fn)
		}
	}
}

// TestValidUTF8 fills every text of a report, its facts and checks with bytes that are not UTF-8 (found by
// reflection, so a field added later is covered too) and checks none survives.
func TestValidUTF8(t *testing.T) {
	r := &Report{Warnings: []string{"w"}, Facts: []Fact{{}}, Checks: []Check{{}}}
	fields := 0
	eachString(reflect.ValueOf(r), "Report", func(path string, s reflect.Value) {
		s.SetString("北京\xff\xfe" + path)
		fields++
	})
	n := r.ValidUTF8()
	if n != fields {
		t.Errorf("ValidUTF8 fixed %d texts, want %d", n, fields)
	}
	eachString(reflect.ValueOf(r), "Report", func(path string, s reflect.Value) {
		if !utf8.ValidString(s.String()) {
			t.Errorf("%s still not UTF-8: %q", path, s.String())
		}
	})
	if want := fmt.Sprintf("%d 处文本不是有效的 UTF-8,已替换为 U+FFFD", fields); len(r.Warnings) != 2 || r.Warnings[1] != want {
		t.Errorf("warnings %q, want the one given and %q", r.Warnings, want)
	}
	if r.ValidUTF8() != 0 {
		t.Error("a clean report changed")
	}
}
