package cards

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSplitMessage(t *testing.T) {
	lines := func(n int, s string) string { return strings.TrimSuffix(strings.Repeat(s+"\n", n), "\n") }
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"short text is one piece", "hello", 100, []string{"hello"}},
		{"empty text is one piece", "", 100, []string{""}},
		{"exactly the limit is one piece", strings.Repeat("a", 20), 20, []string{strings.Repeat("a", 20)}},
		{"cuts at line ends", "aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc", 21,
			[]string{"aaaaaaaaaa\nbbbbbbbbbb", "cccccccccc"}},
		{"counts runes, not bytes", "ééééé\nééééé\nééééé", 11, []string{"ééééé\nééééé", "ééééé"}},
		{"cuts before a code block rather than inside it", "intro\n```go\nx := 1\ny := 2\n```\nafter", 26,
			[]string{"intro", "```go\nx := 1\ny := 2\n```", "after"}},
		{"keeps a block with its intro when both fit", "intro\n```go\nx := 1\ny := 2\n```\nafter", 30,
			[]string{"intro\n```go\nx := 1\ny := 2\n```", "after"}},
		{"closes and reopens a block longer than a piece", "```go\n" + lines(6, "x := 1") + "\n```", 30,
			[]string{"```go\nx := 1\nx := 1\nx := 1\n```", "```go\nx := 1\nx := 1\nx := 1\n```"}},
		{"a line longer than a piece is cut mid-line", strings.Repeat("a", 50), 20,
			[]string{strings.Repeat("a", 20), strings.Repeat("a", 20), strings.Repeat("a", 10)}},
		{"tilde fences count too", "intro text\n~~~\ncode code\n~~~", 20, []string{"intro text", "~~~\ncode code\n~~~"}},
		{"a longer closing fence closes", "````\n```\n````\nafter after after", 20, []string{"````\n```\n````", "after after after"}},
		{"whitespace-only pieces are dropped", "aaaaaaaaaaaaaaaaaa\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nbbbbbbbbbbbbbbbbbb", 20,
			[]string{"aaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbb"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SplitMessage(tc.text, tc.limit)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("SplitMessage(%q, %d)\n got %q\nwant %q", tc.text, tc.limit, got, tc.want)
			}
			checkPieces(t, tc.text, tc.limit, got)
		})
	}
}

func TestSplitMessageAtMattermostLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("Result:\n```\n")
	for b.Len() < 100_000 {
		b.WriteString("line of output with some text in it\n")
	}
	b.WriteString("```\nAll done.")
	pieces := SplitMessage(b.String(), MaxMessageRunes)
	if len(pieces) < 7 {
		t.Fatalf("%d pieces", len(pieces))
	}
	checkPieces(t, b.String(), MaxMessageRunes, pieces)
}

func TestSplitMessageEarlierPiecesStayWhileTextGrows(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 3000; i++ {
		b.WriteString("word ")
		if i%13 == 0 {
			b.WriteString("\n")
		}
		if i%97 == 0 {
			b.WriteString("```\ncode\n")
		}
		if i%97 == 40 {
			b.WriteString("```\n")
		}
	}
	full := b.String()
	var prev []string
	for n := 0; n <= len(full); n += 7 {
		cur := SplitMessage(full[:n], 200)
		for i := 0; i+1 < len(prev) && i+1 < len(cur); i++ {
			if prev[i] != cur[i] {
				t.Fatalf("at %d chars piece %d changed from %q to %q", n, i, prev[i], cur[i])
			}
		}
		prev = cur
	}
}

// checkPieces asserts what every split must keep: pieces fit, every piece
// has balanced fences, and no text is lost.
func checkPieces(t *testing.T, text string, limit int, pieces []string) {
	t.Helper()
	limit = max(limit, minSplitLimit)
	for i, p := range pieces {
		if n := utf8.RuneCountInString(p); n > limit {
			t.Errorf("piece %d has %d runes > %d", i, n, limit)
		}
		if !utf8.ValidString(p) && utf8.ValidString(text) {
			t.Errorf("piece %d is not valid UTF-8", i)
		}
		var open string
		for _, l := range strings.Split(p, "\n") {
			if open == "" {
				if m, ok := fenceOpens(l); ok {
					open = m
				}
			} else if fenceCloses(l, open) {
				open = ""
			}
		}
		if open != "" && strings.Contains(text, "\n") && len(pieces) > 1 && i < len(pieces)-1 {
			t.Errorf("piece %d leaves a code block open: %q", i, p)
		}
	}
	if !strings.ContainsAny(text, "`~") {
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if squash(strings.Join(pieces, "")) != squash(text) {
			t.Errorf("pieces lost text:\n text %q\npieces %q", text, pieces)
		}
	}
}

func FuzzSplitMessage(f *testing.F) {
	f.Add("hello\nworld", 16)
	f.Add("```go\nfunc main() {}\n```\nafter", 20)
	f.Add(strings.Repeat("é", 100), 17)
	f.Add("a\n```\n"+strings.Repeat("x\n", 40)+"```\n~~~\n", 24)
	f.Add("````\n```\n````", 16)
	f.Add("   ```\n\t```", 16)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 0 || limit > 4096 || len(text) > 20_000 {
			return
		}
		done := make(chan []string, 1)
		go func() { done <- SplitMessage(text, limit) }()
		var pieces []string
		select {
		case pieces = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("SplitMessage(%q, %d) does not return", text, limit)
		}
		if len(pieces) == 0 {
			t.Fatal("no pieces")
		}
		for i, p := range pieces {
			if n := utf8.RuneCountInString(p); n > max(limit, minSplitLimit) {
				t.Fatalf("piece %d has %d runes > %d", i, n, limit)
			}
		}
		if !strings.ContainsAny(text, "`~") {
			squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if squash(strings.Join(pieces, "")) != squash(text) {
				t.Fatalf("lost text: %q -> %q", text, pieces)
			}
		}
	})
}
