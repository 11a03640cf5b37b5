package redact

import (
	"strings"
	"unicode"
)

// valueKind is what an assignment's value must look like to be masked.
type valueKind int

const (
	quotedValue valueKind = iota // key = "literal" (any of = : :=, spaces allowed)
	envValue                     // KEY=value (no spaces around =)
	yamlValue                    // key: value, alone on its line
)

// scanAssignments finds `<key><sep><value>` where the key contains a secret
// word, and returns the value ranges to mask.
func scanAssignments(text string, kind valueKind) [][2]int {
	lower := asciiLower(text)
	words := secretWords
	if kind == envValue {
		words = append([]string{"pwd"}, secretWords...)
	}
	var out [][2]int
	lastKeyEnd := -1
	for _, hit := range wordHits(lower, words) {
		keyStart, keyEnd := keySpan(text, hit)
		if keyEnd <= lastKeyEnd {
			continue // another secret word in the same key
		}
		lastKeyEnd = keyEnd
		if ignoredKey(text[keyStart:keyEnd]) {
			continue
		}
		if rg, ok := value(text, keyStart, keyEnd, kind); ok {
			out = append(out, rg)
		}
	}
	return out
}

// wordHits returns the sorted offsets of every occurrence of words in lower.
func wordHits(lower string, words []string) []int {
	var hits []int
	for _, w := range words {
		for from := 0; ; {
			i := strings.Index(lower[from:], w)
			if i < 0 {
				break
			}
			hits = append(hits, from+i)
			from += i + len(w)
		}
	}
	if len(hits) > 1 {
		sortInts(hits)
	}
	return hits
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func isKeyRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-'
}

// keySpan is the whole key name around byte offset i (a secret word found
// inside "DB_PASSWORD_FILE" gives the full name).
func keySpan(text string, i int) (int, int) {
	start, end := i, i
	for start > 0 && isKeyRune(rune(text[start-1])) {
		start--
	}
	for end < len(text) && isKeyRune(rune(text[end])) {
		end++
	}
	return start, end
}

func skipBlanks(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	return i
}

// value finds the value after the key text[keyStart:keyEnd] as kind wants it.
func value(text string, keyStart, keyEnd int, kind valueKind) ([2]int, bool) {
	i := keyEnd
	switch kind {
	case envValue:
		if i >= len(text) || text[i] != '=' {
			return [2]int{}, false
		}
		start := i + 1
		end := start
		for end < len(text) && !strings.ContainsRune(" \t\r\n&\"'`;,)", rune(text[end])) {
			end++
		}
		if end-start < 4 || looksLikeReference(text[start:end]) {
			return [2]int{}, false
		}
		return [2]int{start, end}, true

	case quotedValue:
		if i < len(text) && (text[i] == '"' || text[i] == '\'') {
			i++ // the closing quote of a quoted key
		}
		i = skipBlanks(text, i)
		switch {
		case strings.HasPrefix(text[i:], ":="):
			i += 2
		case i < len(text) && (text[i] == ':' || text[i] == '='):
			i++
		default:
			return [2]int{}, false
		}
		i = skipBlanks(text, i)
		if i >= len(text) || !strings.ContainsRune("\"'`", rune(text[i])) {
			return [2]int{}, false
		}
		q := text[i]
		start := i + 1
		end := start
		for end < len(text) && text[end] != q {
			if r := rune(text[end]); r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return [2]int{}, false
			}
			end++
		}
		if end >= len(text) || end-start < 8 || looksLikeReference(text[start:end]) {
			return [2]int{}, false
		}
		return [2]int{start, end}, true

	default: // yamlValue
		lineStart := strings.LastIndexByte(text[:keyStart], '\n') + 1
		if strings.Trim(text[lineStart:keyStart], " \t-") != "" {
			return [2]int{}, false
		}
		if i >= len(text) || text[i] != ':' {
			return [2]int{}, false
		}
		start := skipBlanks(text, i+1)
		if start == i+1 {
			return [2]int{}, false
		}
		end := start
		for end < len(text) && !strings.ContainsRune(" \t\r\n\"'#", rune(text[end])) {
			end++
		}
		if skipBlanks(text, end) < len(text) && text[skipBlanks(text, end)] != '\n' && text[skipBlanks(text, end)] != '\r' {
			return [2]int{}, false
		}
		v := text[start:end]
		if len(v) < 8 || looksLikeReference(v) || !strings.ContainsFunc(v, unicode.IsDigit) ||
			!strings.ContainsFunc(v, unicode.IsLetter) || strings.ContainsAny(v, "(){};") {
			return [2]int{}, false
		}
		return [2]int{start, end}, true
	}
}
