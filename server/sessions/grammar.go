package sessions

import (
	"errors"
	"regexp"
	"strings"
	"unicode"
)

// StartOptions is a parsed start request:
//
//	[on <machine>] [in <dir>] [on branch <branch>] <prompt>
//
// the same after @claude, /claude new and in a direct message to the bot.
type StartOptions struct {
	Machine string `json:"machine"` // "" = the user's own most recently seen machine
	Dir     string `json:"dir"`     // "" = the agent's default directory
	Branch  string `json:"branch"`
	Prompt  string `json:"prompt"`
}

// ErrBadBranch: `on branch` names something git would not take.
var ErrBadBranch = errors.New("not a valid branch name")

var branchRe = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)

// ValidBranch tells whether b is a branch name the plugin passes on:
// [A-Za-z0-9._/-], no "..", not starting with '-'.
func ValidBranch(b string) bool {
	return branchRe.MatchString(b) && !strings.Contains(b, "..") && !strings.HasPrefix(b, "-") &&
		!strings.HasSuffix(b, "/") && !strings.HasSuffix(b, ".lock") && !strings.Contains(b, "//")
}

// notMachines are words after "on" that start a sentence rather than name
// a machine ("on the login page, the button…"): when no machine of the
// user has that name, the text is the prompt.
var notMachines = map[string]bool{
	"the": true, "a": true, "an": true, "this": true, "that": true, "these": true, "those": true,
	"my": true, "our": true, "your": true, "his": true, "her": true, "their": true, "its": true, "it": true,
	"each": true, "every": true, "all": true, "any": true, "some": true, "both": true, "top": true,
	"line": true, "page": true, "second": true, "first": true, "behalf": true, "hold": true, "click": true,
}

// ParseStart reads the options at the start of text (in any order, each
// at most once) and returns them with the prompt that follows. isMachine
// tells whether a name is one of the user's machines (own or shared); it
// only decides whether "on <word>" is an option or the prompt's first words
// when word is a common English word. A directory must look like a path
// (/…, ~…, ./…, a/b, or quoted) so "in the tests, fix…" stays a prompt.
func ParseStart(text string, isMachine func(string) bool) (StartOptions, error) {
	var o StartOptions
	rest := strings.TrimSpace(text)
	for {
		word, after := nextToken(rest)
		switch strings.ToLower(word) {
		case "on":
			next, after2 := nextToken(after)
			if strings.EqualFold(next, "branch") && o.Branch == "" {
				b, after3, ok := nextValue(after2)
				if !ok || b == "" {
					return o, ErrBadBranch
				}
				if !ValidBranch(b) {
					return o, ErrBadBranch
				}
				o.Branch, rest = b, after3
				continue
			}
			if o.Machine != "" {
				break
			}
			name, after3, ok := nextValue(after)
			if !ok || name == "" || strings.TrimSpace(after3) == "" && !isMachine(name) {
				break
			}
			if notMachines[strings.ToLower(name)] && !isMachine(name) {
				break
			}
			o.Machine, rest = name, after3
			continue
		case "in":
			if o.Dir != "" {
				break
			}
			dir, after2, ok := nextValue(after)
			quoted := strings.HasPrefix(strings.TrimSpace(after), `"`) || strings.HasPrefix(strings.TrimSpace(after), `'`)
			if !ok || dir == "" || !quoted && !looksLikePath(dir) {
				break
			}
			o.Dir, rest = dir, after2
			continue
		}
		break
	}
	o.Prompt = strings.TrimSpace(rest)
	return o, nil
}

func looksLikePath(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") || strings.HasPrefix(s, ".") ||
		strings.Contains(s, "/") || strings.Contains(s, `\`)
}

// nextToken splits off the first whitespace-separated word.
func nextToken(s string) (string, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// nextValue splits off an option value: a quoted string ("…" or '…') or a
// word, without a trailing ',' or ':'. ok is false for an unterminated quote.
func nextValue(s string) (string, string, bool) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if s == "" {
		return "", "", false
	}
	if q := s[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(s[1:], q)
		if end < 0 {
			return "", s, false
		}
		v := s[1 : 1+end]
		after := strings.TrimPrefix(strings.TrimPrefix(s[2+end:], ","), ":")
		return v, after, !strings.ContainsAny(v, "\n\r")
	}
	word, after := nextToken(s)
	word = strings.TrimRight(word, ",:")
	return word, after, true
}
