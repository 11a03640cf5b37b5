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
	re   *regexp.Regexp
	// secret returns the byte range (relative to the match) to mask, or
	// ok=false for a match that is not a secret after all.
	secret func(text string, m []int) (start, end int, ok bool)
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
		Name:   "private key block",
		re:     regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?s:.*?)(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)`),
		secret: whole,
	},
	{
		Name:   "AWS access key id",
		re:     regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b`),
		secret: whole,
	},
	{
		Name:   "GitHub token",
		re:     regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`),
		secret: whole,
	},
	{
		Name:   "GitLab token",
		re:     regexp.MustCompile(`\bgl(?:pat|dt|ptt|rt|cbt|ft|imt|agent|oas)-[A-Za-z0-9_-]{20,}`),
		secret: whole,
	},
	{
		Name:   "Slack token",
		re:     regexp.MustCompile(`\bxox[abposre]-[A-Za-z0-9-]{10,}`),
		secret: whole,
	},
	{
		Name:   "Slack webhook URL",
		re:     regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}`),
		secret: whole,
	},
	{
		Name:   "Anthropic API key",
		re:     regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,}`),
		secret: whole,
	},
	{
		// OpenAI-style keys: sk-… / sk-proj-…, long and with digits (a CSS
		// class like sk-spinner-container is not a key).
		Name: "sk- API key",
		re:   regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`),
		secret: func(text string, m []int) (int, int, bool) {
			key := text[m[0]:m[1]]
			return m[0], m[1], strings.ContainsFunc(key[3:], unicode.IsDigit) && strings.ContainsFunc(key[3:], unicode.IsLetter)
		},
	},
	{
		Name:   "JWT",
		re:     regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`),
		secret: whole,
	},
	{
		// Authorization: Bearer <credential> (also Basic, token, and the
		// header written as a JSON or code key). A variable ($TOKEN) is kept.
		Name:   "Authorization header",
		re:     regexp.MustCompile(`(?i)\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|digest|bot)\s+)?([A-Za-z0-9._~+/=-]{8,})`),
		secret: group(1),
	},
	{
		// URL credentials: scheme://user:password@host
		Name:   "password in URL",
		re:     regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@"'<>]+:([^\s@/"'<>]{3,})@[A-Za-z0-9.-]+`),
		secret: group(1),
	},
	{
		// password = "hunter22", "api_key": "…", token: '…' — a quoted
		// literal of 8+ characters without spaces.
		Name: "quoted secret assignment",
		re:   regexp.MustCompile(`(?i)["']?([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*)["']?\s*(?::=|[:=])\s*(?:"([^"\s]{8,})"|'([^'\s]{8,})'|` + "`" + `([^` + "`" + `\s]{8,})` + "`" + `)`),
		secret: func(text string, m []int) (int, int, bool) {
			if ignoredKey(text[m[2]:m[3]]) {
				return 0, 0, false
			}
			for g := 2; g <= 4; g++ {
				if m[2*g] >= 0 {
					v := text[m[2*g]:m[2*g+1]]
					if looksLikeReference(v) {
						return 0, 0, false
					}
					return m[2*g], m[2*g+1], true
				}
			}
			return 0, 0, false
		},
	},
	{
		// PASSWORD=hunter2, --token=abc123, ?api_key=… (env files, flags,
		// query strings): no space around '=', value up to a space, & or quote.
		Name: "env-style secret assignment",
		re:   regexp.MustCompile(`(?i)\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*)=([^\s&"'` + "`" + `;,)]{4,})`),
		secret: func(text string, m []int) (int, int, bool) {
			if ignoredKey(text[m[2]:m[3]]) || looksLikeReference(text[m[4]:m[5]]) {
				return 0, 0, false
			}
			return m[4], m[5], true
		},
	},
	{
		// password: hunter22 (YAML, config dumps): an unquoted value of 8+
		// characters mixing letters and digits, so `token: string` and
		// `password: config.db.password` stay.
		Name: "yaml-style secret assignment",
		re:   regexp.MustCompile(`(?im)^[ \t-]*([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[A-Za-z0-9_.-]*):[ \t]+([^\s"'#]{8,})[ \t]*$`),
		secret: func(text string, m []int) (int, int, bool) {
			v := text[m[4]:m[5]]
			if ignoredKey(text[m[2]:m[3]]) || looksLikeReference(v) ||
				!strings.ContainsFunc(v, unicode.IsDigit) || !strings.ContainsFunc(v, unicode.IsLetter) ||
				strings.ContainsAny(v, "(){};") {
				return 0, 0, false
			}
			return m[4], m[5], true
		},
	},
}

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

var secretKey = regexp.MustCompile(`(?i)(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`)

// String returns text with every secret replaced by Mask.
func String(text string) string {
	if text == "" {
		return text
	}
	for _, r := range Rules {
		text = r.apply(text)
	}
	return text
}

func (r Rule) apply(text string) string {
	matches := r.re.FindAllStringSubmatchIndex(text, -1)
	if len(matches) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		start, end, ok := r.secret(text, m)
		if !ok || start < last || start >= end {
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
			if s, ok := e.(string); ok && secretKey.MatchString(k) && !ignoredKey(k) &&
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
