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

// Rules, applied in order.
var Rules = []Rule{
	{
		// A PEM private key block; an unterminated one (still streaming, or
		// cut) is masked to the end of the text.
		Name:     "private key block",
		triggers: []string{"PRIVATE KEY"},
		re:       regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?s:.*?)(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)`),
		secret:   whole,
	},
	{
		Name:     "AWS access key id",
		triggers: []string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA"},
		re:       regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b`),
		secret:   whole,
	},
	{
		Name:     "GitHub token",
		triggers: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
		re:       regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`),
		secret:   whole,
	},
	{
		Name:     "GitLab token",
		triggers: []string{"glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "glft-", "glimt-", "glagent-", "gloas-"},
		re:       regexp.MustCompile(`\bgl(?:pat|dt|ptt|rt|cbt|ft|imt|agent|oas)-[A-Za-z0-9_-]{20,}`),
		secret:   whole,
	},
	{
		Name:     "Slack token",
		triggers: []string{"xox"},
		re:       regexp.MustCompile(`\bxox[abposre]-[A-Za-z0-9-]{10,}`),
		secret:   whole,
	},
	{
		Name:     "Slack webhook URL",
		triggers: []string{"hooks.slack.com"},
		re:       regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}`),
		secret:   whole,
	},
	{
		Name:     "Anthropic API key",
		triggers: []string{"sk-ant-"},
		re:       regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,}`),
		secret:   whole,
	},
	{
		// OpenAI-style keys: sk-… / sk-proj-…, long and with digits (a CSS
		// class like sk-spinner-container is not a key).
		Name:     "sk- API key",
		triggers: []string{"sk-"},
		re:       regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`),
		secret: func(text string, m []int) (int, int, bool) {
			key := text[m[0]:m[1]]
			return m[0], m[1], strings.ContainsFunc(key[3:], unicode.IsDigit) && strings.ContainsFunc(key[3:], unicode.IsLetter)
		},
	},
	{
		Name:     "JWT",
		triggers: []string{"eyJ"},
		re:       regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`),
		secret:   whole,
	},
	{
		// Authorization: Bearer <credential> (also Basic, token, and the
		// header written as a JSON or code key). A variable ($TOKEN) is kept.
		Name:     "Authorization header",
		triggers: []string{"authorization"},
		lower:    true,
		re:       regexp.MustCompile(`(?i)\b(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token|digest|bot)[ \t]+)?([A-Za-z0-9._~+/=-]{8,})`),
		secret:   group(1),
	},
	{
		// URL credentials: scheme://user:password@host
		Name:     "password in URL",
		triggers: []string{"://"},
		re:       regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@"'<>]+:([^\s@/"'<>]{3,})@[A-Za-z0-9.-]+`),
		secret:   group(1),
	},
	{
		// password = "hunter22", "api_key": "…", token: '…' — a quoted
		// literal of 8+ characters without spaces.
		Name: "quoted secret assignment", triggers: secretWords, lower: true,
		scan: func(text string) [][2]int { return scanAssignments(text, quotedValue) },
	},
	{
		// PASSWORD=hunter2, --token=abc123, ?api_key=… (env files, flags,
		// query strings): no space around '=', value up to a space, & or quote.
		Name: "env-style secret assignment", triggers: append([]string{"pwd"}, secretWords...), lower: true,
		scan: func(text string) [][2]int { return scanAssignments(text, envValue) },
	},
	{
		// password: hunter22 (YAML, config dumps): the key alone on its line
		// and an unquoted value of 8+ characters mixing letters and digits,
		// so `token: string` and `password: config.db.password` stay.
		Name: "yaml-style secret assignment", triggers: secretWords, lower: true,
		scan: func(text string) [][2]int { return scanAssignments(text, yamlValue) },
	},
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
	for _, r := range Rules[1:] {
		if !r.triggered(line, lower) {
			continue
		}
		if red := r.apply(line); red != line {
			line = red
			lower = asciiLower(line)
		}
	}
	return line
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
