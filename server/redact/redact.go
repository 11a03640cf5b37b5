// Package redact replaces secrets in text the plugin is about to post (API
// keys, tokens, passwords, private keys) with [redacted]. The rules aim at
// what leaks in practice — a key printed by a command, a .env file Claude
// read, a header in a curl command — while leaving ordinary code alone:
// `token := getToken()` or `password: string` are not secrets.
package redact

import (
	"regexp"
	"strings"
	"unicode"
)

// Mask is what a secret is replaced with.
const Mask = "[redacted]"

// Rule is one kind of secret.
type Rule struct {
	Name string
	// Source is where the format comes from (vendor documentation, or
	// the gitleaks rule it follows).
	Source string
	// A line is only searched when it contains one of these literals
	// (lower only: compared with the lower-cased line). Regular expressions
	// are slow next to strings.Contains, and most lines hold no secret.
	triggers []string
	lower    bool
	re       *regexp.Regexp
	// secret returns the byte range (relative to the match) to mask, or
	// ok=false for a match that is not a secret after all.
	secret func(text string, m []int) (start, end int, ok bool)
	// scan, instead of re, returns the ranges to mask (ascending). The
	// assignment rules are hand-written: a regular expression that looks
	// for a secret word at every position is 50x slower.
	scan func(text string) [][2]int
	// minRun is the shortest run of token characters (isSecretByte) a
	// match holds: a line without so long a run is not searched. Most
	// lines hold no run of 20 such characters, and the vendor formats
	// need one, so this one pass over the line spares most trigger
	// searches.
	minRun int
}

// whole masks the entire match.
func whole(_ string, m []int) (int, int, bool) { return m[0], m[1], true }

// group masks submatch g.
func group(g int) func(string, []int) (int, int, bool) {
	return func(_ string, m []int) (int, int, bool) {
		if m[2*g] < 0 {
			return 0, 0, false
		}
		return m[2*g], m[2*g+1], true
	}
}

// secretWords are what a key holding a secret is called (lower case).
var secretWords = []string{"password", "passwd", "secret", "token", "api_key", "api-key", "apikey",
	"access_key", "access-key", "accesskey", "private_key", "private-key", "privatekey", "credential"}

// ignoredKey: names that mention a secret but hold something else
// (tokenType, password_field, secretName, tokenizer…).
func ignoredKey(key string) bool {
	k := strings.ToLower(strings.Trim(key, `"'`))
	for _, suffix := range []string{"type", "name", "path", "file", "prefix", "field", "url", "uri", "header", "length", "len", "count", "id", "ids", "key_name", "env", "var", "label", "placeholder", "hint", "policy", "min", "max", "expiry", "expires", "ttl", "timeout"} {
		if strings.HasSuffix(k, suffix) && !strings.HasSuffix(k, "api_key") && !strings.HasSuffix(k, "apikey") {
			return true
		}
	}
	return strings.Contains(k, "tokeniz") || strings.Contains(k, "tokens")
}

// looksLikeReference: a value that names a secret instead of holding it:
// $VAR, ${VAR}, {{ .Values.x }}, <your-token>, ***, [redacted].
func looksLikeReference(v string) bool {
	return strings.HasPrefix(v, "$") || strings.HasPrefix(v, "{") || strings.HasPrefix(v, "<") ||
		strings.HasPrefix(v, "%") || strings.HasPrefix(v, "***") || strings.Contains(v, Mask) ||
		strings.HasPrefix(v, "process.env") || strings.HasPrefix(v, "os.") || strings.HasPrefix(v, "env.")
}

// secretWord tells whether key names a secret.
func secretWord(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// String returns text with every secret replaced by Mask.
func String(text string) string {
	if text == "" {
		return text
	}
	// A private key block spans lines; every other rule stays within one.
	if pem := Rules[0]; strings.Contains(text, pem.triggers[0]) {
		text = pem.apply(text)
	}
	lower := asciiLower(text) // same byte offsets as text
	var b strings.Builder
	last := 0
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if red := redactLine(line, lower[start:end]); red != line {
			if b.Len() == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[last:start])
			b.WriteString(red)
			last = end
		}
		start = end + 1
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func redactLine(line, lower string) string {
	run := longestRun(line)
	for _, r := range Rules[1:] {
		if r.minRun > run || !r.triggered(line, lower) {
			continue
		}
		if red := r.apply(line); red != line {
			line = red
			lower = asciiLower(line)
		}
	}
	return line
}

// longestRun is the length of the longest run of token characters in line.
func longestRun(line string) int {
	longest, cur := 0, 0
	for i := 0; i < len(line); i++ {
		if isSecretByte(line[i]) {
			cur++
			longest = max(longest, cur)
		} else {
			cur = 0
		}
	}
	return longest
}

func (r Rule) triggered(line, lower string) bool {
	hay := line
	if r.lower {
		hay = lower
	}
	for _, t := range r.triggers {
		if strings.Contains(hay, t) {
			return true
		}
	}
	return false
}

// asciiLower lower-cases A-Z only, so byte offsets stay those of s.
func asciiLower(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for j := i; j < len(b); j++ {
		if c := b[j]; c >= 'A' && c <= 'Z' {
			b[j] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (r Rule) apply(text string) string {
	var ranges [][2]int
	if r.scan != nil {
		ranges = r.scan(text)
	} else {
		for _, m := range r.re.FindAllStringSubmatchIndex(text, -1) {
			if start, end, ok := r.secret(text, m); ok {
				ranges = append(ranges, [2]int{start, end})
			}
		}
	}
	if len(ranges) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, rg := range ranges {
		start, end := rg[0], rg[1]
		if start < last || start >= end {
			continue
		}
		b.WriteString(text[last:start])
		b.WriteString(Mask)
		last = end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// Value redacts every string inside a decoded JSON value (maps, slices,
// strings), returning a new value; map keys are kept.
func Value(v any) any {
	switch x := v.(type) {
	case string:
		return String(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if s, ok := e.(string); ok && secretWord(k) && !ignoredKey(k) &&
				len(s) >= 8 && !strings.ContainsFunc(s, unicode.IsSpace) && !looksLikeReference(s) {
				out[k] = Mask
				continue
			}
			out[k] = Value(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Value(e)
		}
		return out
	default:
		return v
	}
}
