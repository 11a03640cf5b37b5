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

// FitBlock builds a message around one code block: compose(body) is the
// whole message with body (the block and its note) in its place. When the
// message would be longer than a post, the block keeps the lines that fit
// and a line after it says how many more there are; the fence is always
// closed. extra is a note always shown after the block ("" for none).
func FitBlock(compose func(body string) string, lang, content, extra string) string {
	partial := 0 // runes left out of a single line longer than a post
	note := func(n int) string {
		s := ""
		switch {
		case partial > 0 && n <= 1:
			s = "\n_… " + strconv.Itoa(partial) + " more characters_"
		case n == 1:
			s = "\n_… 1 more line_"
		case n > 1:
			s = "\n_… " + strconv.Itoa(n) + " more lines_"
		}
		if extra != "" {
			s += "\n" + extra
		}
		return s
	}
	content = strings.TrimRight(content, "\n")
	if msg := compose(CodeBlock(lang, content) + note(0)); utf8.RuneCountInString(msg) <= MaxMessageRunes {
		return msg
	}
	lines := strings.Split(content, "\n")
	fence := strings.Index(CodeBlock(lang, content), "\n") - len(lang) // the fence's length
	budget := MaxMessageRunes - utf8.RuneCountInString(compose("")) - 2*fence - len(lang) - 2 -
		utf8.RuneCountInString(note(len(lines))) - 8
	kept, used := 0, 0
	for _, l := range lines {
		n := utf8.RuneCountInString(l) + 1
		if used+n > budget {
			break
		}
		used += n
		kept++
	}
	body := strings.Join(lines[:kept], "\n")
	if kept == 0 && budget > 0 {
		var rest string
		body, rest = splitRunes(lines[0], budget) // one line longer than a post
		partial = utf8.RuneCountInString(rest)
	}
	for {
		msg := compose(CodeBlock(lang, body) + note(len(lines)-kept))
		if utf8.RuneCountInString(msg) <= MaxMessageRunes || body == "" {
			return Truncate(msg, MaxMessageRunes)
		}
		// Only a block whose fence grew past the estimate gets here.
		kept = kept * 9 / 10
		body = strings.Join(lines[:kept], "\n")
	}
}
