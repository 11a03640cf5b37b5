package cards

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CodeBlock fences content so nothing inside can end the block early: the
// fence is one backtick longer than the longest backtick run in content.
func CodeBlock(lang, content string) string {
	longest, run := 0, 0
	for _, r := range content {
		if r == '`' {
			run++
			if run > longest {
				longest = run
			}
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + lang + "\n" + strings.TrimRight(content, "\n") + "\n" + fence
}

// Code is inline code that survives backticks in s.
func Code(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return "`` " + strings.ReplaceAll(s, "``", "` `") + " ``"
}

// Quote turns text into a markdown block quote.
func Quote(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// Truncate shortens s to at most n runes, marking the cut with an ellipsis.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	head, _ := splitRunes(s, max(0, n-1))
	return head + "…"
}

// Duration says d in words: "45 seconds", "1 minute", "2 hours", "90 minutes".
func Duration(d time.Duration) string {
	unit := func(n int64, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return strconv.FormatInt(n, 10) + " " + word + "s"
	}
	switch {
	case d < time.Minute:
		return unit(int64(d.Round(time.Second)/time.Second), "second")
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	default:
		return unit(int64(d.Round(time.Minute)/time.Minute), "minute")
	}
}
