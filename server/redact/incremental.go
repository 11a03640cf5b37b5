package redact

import "strings"

// Incremental redacts a text that grows by appending (streamed output)
// without scanning the unchanged start again: every rule but the private
// key block stays within a line, so the finished lines are redacted once
// and kept. Not safe for concurrent use.
type Incremental struct {
	raw string // finished lines seen so far (ends with '\n')
	red string // String(raw)
}

// String returns String(text), reusing the work of earlier calls whose
// text text starts with.
func (c *Incremental) String(text string) string {
	if c.raw == "" || !strings.HasPrefix(text, c.raw) {
		c.raw, c.red = "", ""
	}
	done := len(c.raw)
	out := c.red + String(text[done:])
	cut := strings.LastIndexByte(text, '\n') + 1
	// A private key block still open must be redacted whole: keep the
	// lines before it only.
	if begin := strings.LastIndex(text[:cut], "-----BEGIN "); begin >= 0 && !strings.Contains(text[begin:cut], "-----END ") {
		cut = strings.LastIndexByte(text[:begin], '\n') + 1
	}
	if cut > done {
		c.red += String(text[done:cut])
		c.raw = text[:cut]
	}
	return out
}
