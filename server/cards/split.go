package cards

import (
	"strings"
	"unicode/utf8"
)

// minSplitLimit keeps SplitMessage making progress with absurd limits.
const minSplitLimit = 16

// SplitMessage cuts markdown into pieces of at most limit runes, for messages
// longer than one Mattermost post. It cuts at line ends; it would rather cut
// just before a code block than inside one, and when a code block alone is
// longer than a piece it closes the fence at the end of one piece and reopens
// it (with the same info string) at the start of the next, so every piece
// renders on its own. Only a single line longer than a piece is cut mid-line.
//
// Pieces before the last depend only on the text they hold and the line that
// follows, so as streamed text grows the earlier pieces stay as they are.
func SplitMessage(text string, limit int) []string {
	if limit < minSplitLimit {
		limit = minSplitLimit
	}
	if utf8.RuneCountInString(text) <= limit {
		return []string{text}
	}
	s := &splitter{limit: limit, fresh: true}
	for _, line := range strings.Split(text, "\n") {
		s.add(line)
	}
	s.emit()
	if len(s.pieces) == 0 {
		return []string{""}
	}
	return s.pieces
}

type fenceState struct {
	marker   string // "```", "````", "~~~"...
	openLine string // the opening line, reused to reopen the block
}

type splitter struct {
	limit  int
	pieces []string

	cur      []string
	curRunes int
	fence    *fenceState
	fenceAt  int  // index in cur of the open fence's opening line
	fresh    bool // cur holds nothing but (maybe) a reopened fence line
}

func (s *splitter) sizeWith(line string) int {
	n := s.curRunes + utf8.RuneCountInString(line)
	if len(s.cur) > 0 {
		n++
	}
	return n
}

// reserve is the room kept for closing the fence at the end of the piece,
// should the piece end with it still open after line.
func (s *splitter) reserve(line string) int {
	if s.fence != nil {
		if fenceCloses(line, s.fence.marker) {
			return 0
		}
		return 1 + len(s.fence.marker)
	}
	if marker, ok := fenceOpens(line); ok {
		return 1 + len(marker)
	}
	return 0
}

func (s *splitter) appendLine(line string) {
	s.curRunes = s.sizeWith(line)
	s.cur = append(s.cur, line)
	s.fresh = false
	if s.fence == nil {
		if marker, ok := fenceOpens(line); ok {
			s.fence = &fenceState{marker: marker, openLine: line}
			s.fenceAt = len(s.cur) - 1
		}
	} else if fenceCloses(line, s.fence.marker) {
		s.fence = nil
	}
}

func (s *splitter) add(line string) {
	for {
		if s.sizeWith(line)+s.reserve(line) <= s.limit {
			s.appendLine(line)
			return
		}
		switch {
		case s.fence != nil && s.fenceAt > 0 && !s.fresh:
			// Cut before the code block rather than inside it.
			moved := append([]string(nil), s.cur[s.fenceAt:]...)
			s.cur = s.cur[:s.fenceAt]
			s.fence = nil
			s.recount()
			s.emit()
			for _, m := range moved {
				s.add(m)
			}
			// the block now starts its piece: it is never moved again
		case !s.fresh:
			s.emit()
		default:
			// The line alone does not fit in an empty piece: cut it.
			budget := s.limit - s.sizeWith("") - s.reserve("")
			if budget <= 0 {
				// Not even room to reopen the block: give up on the fence.
				s.fence = nil
				s.cur, s.curRunes = nil, 0
				continue
			}
			head, rest := splitRunes(line, budget)
			s.cur = append(s.cur, head)
			s.recount()
			s.fresh = false
			s.emit()
			line = rest
		}
	}
}

func (s *splitter) recount() {
	n := 0
	for i, l := range s.cur {
		if i > 0 {
			n++
		}
		n += utf8.RuneCountInString(l)
	}
	s.curRunes = n
}

// emit closes the current piece (closing an open fence) and starts the next
// (reopening it).
func (s *splitter) emit() {
	if !s.fresh {
		piece := strings.Trim(strings.Join(s.cur, "\n"), "\n")
		if s.fence != nil {
			piece += "\n" + s.fence.marker
		}
		if strings.TrimSpace(piece) != "" {
			s.pieces = append(s.pieces, piece)
		}
	}
	s.cur, s.curRunes, s.fresh, s.fenceAt = nil, 0, true, 0
	if s.fence != nil {
		s.cur = []string{s.fence.openLine}
		s.curRunes = utf8.RuneCountInString(s.fence.openLine)
	}
}

// splitRunes cuts s after n runes.
func splitRunes(s string, n int) (string, string) {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], s[pos:]
		}
		i++
	}
	return s, ""
}

// fenceOpens reports whether line opens a fenced code block, and its marker.
func fenceOpens(line string) (string, bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 {
		return "", false
	}
	c := t[0]
	if c != '`' && c != '~' {
		return "", false
	}
	n := 0
	for n < len(t) && t[n] == c {
		n++
	}
	if n < 3 || c == '`' && strings.IndexByte(t[n:], '`') >= 0 {
		return "", false
	}
	return t[:n], true
}

// fenceCloses reports whether line closes a block opened with marker.
func fenceCloses(line, marker string) bool {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return false
	}
	n := 0
	for n < len(t) && t[n] == marker[0] {
		n++
	}
	return n >= len(marker) && strings.TrimSpace(t[n:]) == ""
}
