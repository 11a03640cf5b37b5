// Package safetext makes text safe to keep in Mattermost's database.
// PostgreSQL refuses a NUL character in a text column and the \u0000
// escape in a jsonb one (post messages and props), and refuses invalid
// UTF-8 anywhere; one such character in an agent's output would make the
// whole post fail. The plugin replaces them at its boundary, before
// anything is stored or posted: NUL and every invalid UTF-8 sequence
// become U+FFFD (�), the character that already means "something was
// here that cannot be shown".
package safetext

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Replacement is what an unsafe character becomes.
const Replacement = "\uFFFD"

// Safe tells whether s can be stored as it is.
func Safe(s string) bool {
	return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}

// String returns s with every NUL and every invalid UTF-8 sequence
// replaced by U+FFFD (s itself when there is none).
func String(s string) string {
	if Safe(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, Replacement), "\x00", Replacement)
}

var nulEscape = []byte(`\u0000`)

// JSON returns data, a JSON text, with every string in it made safe as
// String does: invalid UTF-8 and raw NUL bytes become U+FFFD and the
// escape \u0000 becomes \ufffd. An escaped backslash before "u0000"
// (`\\u0000`, a backslash and the letters u0000) is left alone. What is
// not valid JSON stays invalid, so the decoder still says why.
func JSON(data []byte) []byte {
	if bytes.IndexByte(data, 0) < 0 && utf8.Valid(data) && !bytes.Contains(data, nulEscape) {
		return data
	}
	data = bytes.ReplaceAll(bytes.ToValidUTF8(data, []byte(Replacement)), []byte{0}, []byte(Replacement))
	if !bytes.Contains(data, nulEscape) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\\')
		if j < 0 {
			out = append(out, data[i:]...)
			break
		}
		out = append(out, data[i:i+j]...)
		i += j
		switch {
		case bytes.HasPrefix(data[i:], nulEscape):
			out = append(out, `\ufffd`...)
			i += len(nulEscape)
		case i+1 < len(data):
			out = append(out, data[i], data[i+1]) // any other escape, `\\` included
			i += 2
		default:
			out = append(out, data[i])
			i++
		}
	}
	return out
}
