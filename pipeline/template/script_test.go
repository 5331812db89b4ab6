package template

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gkbench/gkbench/internal/corpus"
	"github.com/longbridgeapp/opencc"
)

// scriptSamples are texts in both scripts, mixed, with phrases, astral characters, invalid bytes and
// the corpus's Traditional mirror.
func scriptSamples(t *testing.T) []string {
	t.Helper()
	out := []string{
		"", "abc", "规章", "規章", "結果\n糾正", "本年收費金額(單位:萬元)", "一目瞭然的報告", "么麼小丑",
		"北京市東城區人民政府2021年政府信息公開工作年度報告", "申請人逾期未按收費通知要求繳納費用",
		"𠁞𠌥 mixed 乾隆 乾淨 頭髮 發展", "bad \xff\xfe bytes 規", "收到和处理政府信息公开申请情况",
	}
	b, err := os.ReadFile(filepath.Join(corpus.Dir(t), "dongcheng_2021_dept-traditional-mirror.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, string(b))
	out = append(out, strings.Split(string(b), "\n")...)
	return out
}

// TestToSimplifiedMatchesOpenCC: the fast path and the chunking change nothing — ToSimplified gives what
// OpenCC gives for every dictionary entry (alone and in context) and for real text, short and long.
func TestToSimplifiedMatchesOpenCC(t *testing.T) {
	c := converter()
	if c == nil {
		t.Fatal("converter not loaded")
	}
	cc, err := opencc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	if len(cc.DictChains) != 1 {
		t.Fatalf("t2s has %d dictionary groups; ToSimplified matches one (phrases, then characters)", len(cc.DictChains))
	}
	ref := func(s string) string {
		out, err := cc.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	check := func(s string) {
		t.Helper()
		if got, want := ToSimplified(s), ref(s); got != want {
			t.Fatalf("ToSimplified(%.60q) = %.60q, OpenCC gives %.60q", s, got, want)
		}
	}
	samples := scriptSamples(t)
	for _, s := range samples {
		check(s)
	}
	keys := 0
	for _, g := range cc.DictChains {
		for di, d := range g.Dicts {
			for _, id := range d.Trie.PrefixPredict(nil, 0) {
				k, err := d.Trie.Key(id)
				if err != nil {
					continue
				}
				if n := utf8.RuneCount(k); (di == 0) != (n > 1) {
					t.Fatalf("dictionary %s holds %q: ToSimplified expects phrases first, then single characters", g.Files[di], k)
				}
				for _, r := range string(k) {
					if !unicode.Is(unicode.Han, r) {
						t.Fatalf("dictionary key %q holds %q, not Han", k, r)
					}
				}
				check(string(k))
				check("政府" + string(k) + "公开")
				keys++
			}
		}
	}
	if keys < 4000 {
		t.Fatalf("only %d dictionary entries seen", keys)
	}
	check(strings.Repeat(samples[len(samples)-1]+strings.Join(samples, ""), 10))
}

// FuzzToSimplified holds ToSimplified to OpenCC's output on any text.
func FuzzToSimplified(f *testing.F) {
	cc, err := opencc.New("t2s")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"一目瞭然", "么麼", "乾隆乾淨", "規\xff章", "𠁞", "不瞭解報告", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "\x01") {
			// cedar-go, under OpenCC, takes byte 0x01 for a dictionary path: "\x01規" gives "规规" there.
			// ToSimplified keeps the byte ("\x01规"); the fuzz target compares everything else.
			t.Skip()
		}
		want, err := cc.Convert(s)
		if err != nil {
			t.Skip()
		}
		if got := ToSimplified(s); got != want {
			t.Fatalf("ToSimplified(%q) = %q, OpenCC gives %q", s, got, want)
		}
	})
}

// TestToSimplifiedMemory: a long Traditional text costs about its own size, not OpenCC's ~90×.
func TestToSimplifiedMemory(t *testing.T) {
	s := strings.Repeat("本年收費金額(單位:萬元)結果糾正", 20000) // ~1 MB
	ToSimplified("規")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out := ToSimplified(s)
	runtime.ReadMemStats(&after)
	if !strings.HasPrefix(out, "本年收费金额(单位:万元)结果纠正") {
		t.Fatalf("converted %.40q", out)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(3*len(s)) {
		t.Errorf("converting %d bytes allocated %d bytes", len(s), alloc)
	}
}

// TestToSimplifiedNoAlloc: Simplified text, the common case, costs a scan and nothing else.
func TestToSimplifiedNoAlloc(t *testing.T) {
	s := "北京市丰台区人民政府2023年政府信息公开工作年度报告:本机关不掌握相关政府信息"
	if ToSimplified(s) != s {
		t.Fatal("Simplified text changed")
	}
	if n := testing.AllocsPerRun(100, func() { ToSimplified(s) }); n != 0 {
		t.Errorf("%v allocations per call on Simplified text", n)
	}
}

// TestToSimplifiedConcurrent converts from many goroutines at once; run with -race it shows the
// converter needs no lock.
func TestToSimplifiedConcurrent(t *testing.T) {
	samples := scriptSamples(t)
	want := make([]string, len(samples))
	for i, s := range samples {
		want[i] = ToSimplified(s)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, s := range samples {
				if got := ToSimplified(s); got != want[i] {
					t.Errorf("concurrent conversion of %.40q gave %.40q", s, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
