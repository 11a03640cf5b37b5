package sessions

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mattermost usernames are lower-case letters, digits, '.', '-' and '_'.
func isUsernameRune(r rune) bool {
	return r == '.' || r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// findMention returns the byte offsets of the first @username mention in
// text as a whole word (case-insensitive), or -1. "@claude." at the end of a
// sentence counts; "@claude-bot", "@claude.x" and "me@claude" do not.
func findMention(text, username string) (int, int) {
	needle := "@" + strings.ToLower(username)
	lower := strings.ToLower(text)
	if len(lower) != len(text) {
		// Lower-casing changed byte lengths (rare scripts): fall back to a
		// rune-aligned scan so offsets stay valid for text.
		return findMentionSlow(text, username)
	}
	for from := 0; ; {
		i := strings.Index(lower[from:], needle)
		if i < 0 {
			return -1, -1
		}
		start := from + i
		end := start + len(needle)
		if mentionBoundary(text, start, end) {
			return start, end
		}
		from = start + 1
	}
}

func findMentionSlow(text, username string) (int, int) {
	needle := []rune("@" + username)
	for start := range text {
		end := start
		ok := true
		for _, nr := range needle {
			r, size := utf8.DecodeRuneInString(text[end:])
			if size == 0 || unicode.ToLower(r) != unicode.ToLower(nr) {
				ok = false
				break
			}
			end += size
		}
		if ok && mentionBoundary(text, start, end) {
			return start, end
		}
	}
	return -1, -1
}

func mentionBoundary(text string, start, end int) bool {
	if start > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:start])
		if isUsernameRune(prev) || prev == '@' {
			return false
		}
	}
	next, size := utf8.DecodeRuneInString(text[end:])
	if size == 0 || !isUsernameRune(next) {
		return true
	}
	if next == '.' {
		// A trailing period ends the sentence, not the name.
		after, size2 := utf8.DecodeRuneInString(text[end+size:])
		return size2 == 0 || !isUsernameRune(after)
	}
	return false
}

// Mentions reports whether text mentions @username as a word.
func Mentions(text, username string) bool {
	start, _ := findMention(text, username)
	return start >= 0
}

// StripMention removes every @username mention from text and tidies the
// whitespace left behind; what remains is the prompt.
func StripMention(text, username string) string {
	for {
		start, end := findMention(text, username)
		if start < 0 {
			break
		}
		// drop a ',' or ':' right after the mention ("@claude, fix it")
		if end < len(text) && (text[end] == ',' || text[end] == ':') {
			end++
		}
		text = text[:start] + " " + text[end:]
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// LeadingMention returns the username of an @mention that starts text
// ("" when text does not start with one).
func LeadingMention(text string) string {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "@") {
		return ""
	}
	end := 1
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if !isUsernameRune(r) {
			break
		}
		end += size
	}
	return strings.TrimRight(strings.ToLower(text[1:end]), ".")
}
