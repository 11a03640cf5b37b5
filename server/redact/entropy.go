package redact

import (
	"math"
	"strings"
)

// entropyWords name a secret; a long random string right after one is
// masked (the entropy rule).
var entropyWords = []string{"secret", "key", "token", "passw", "pwd", "credential", "auth"}

// Bounds of the entropy rule: a value at least minRandomLen long, letters
// and digits mixed, with at least minEntropy bits of Shannon entropy per
// character (hex is at most 4, base64 at most 6; English words and
// identifiers stay well under 3.5 at these lengths).
const (
	minRandomLen = 20
	maxRandomLen = 1000
	minEntropy   = 3.5
)

// isSecretByte: what a key or token is made of (base64, base64url, hex,
// and the separators vendors put in tokens).
func isSecretByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '=' || c == '_' || c == '-' || c == '.' || c == '~' || c == '%'
}

// scanRandomAfterWord finds `<word><separator><random value>` where the
// word (or the key name holding it) names a secret, and returns the value
// ranges. Separators: blanks, ':', '=', ':=', '=>', "is", and a quote.
func scanRandomAfterWord(text string) [][2]int {
	lower := asciiLower(text)
	var out [][2]int
	lastKeyEnd := -1
	for _, hit := range wordHits(lower, entropyWords) {
		keyStart, keyEnd := keySpan(text, hit)
		if keyEnd <= lastKeyEnd {
			continue
		}
		lastKeyEnd = keyEnd
		key := lower[keyStart:keyEnd]
		if strings.Contains(key, "public") || ignoredKey(key) {
			continue
		}
		i := keyEnd
		if i < len(text) && (text[i] == '"' || text[i] == '\'') {
			i++ // the closing quote of a quoted key
		}
		i = skipBlanks(text, i)
		switch {
		case strings.HasPrefix(text[i:], ":=") || strings.HasPrefix(text[i:], "=>"):
			i += 2
		case i < len(text) && (text[i] == ':' || text[i] == '='):
			i++
		case strings.HasPrefix(lower[i:], "is "):
			i += 2
		}
		i = skipBlanks(text, i)
		if i == keyEnd {
			continue // the word runs into the value: one identifier
		}
		if i < len(text) && strings.IndexByte("\"'`", text[i]) >= 0 {
			i++
		}
		end := i
		for end < len(text) && isSecretByte(text[end]) {
			end++
		}
		if end < len(text) && text[end] == '(' {
			continue // a call: token = crypto.randomBytes(32)
		}
		if looksRandom(text[i:end]) {
			out = append(out, [2]int{i, end})
		}
	}
	return out
}

// looksRandom tells whether v is long, mixes letters and digits, is not a
// path or a dotted name, and has high Shannon entropy.
func looksRandom(v string) bool {
	if len(v) < minRandomLen || len(v) > maxRandomLen || v[0] == '/' || v[0] == '.' || v[0] == '~' {
		return false
	}
	var letters, digits bool
	var counts [256]int
	for i := 0; i < len(v); i++ {
		c := v[i]
		counts[c]++
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters = true
		}
	}
	if !letters || !digits {
		return false
	}
	n := float64(len(v))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h >= minEntropy
}
