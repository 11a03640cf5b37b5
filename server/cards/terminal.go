package cards

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// What a session started in a terminal shows: the owner's prompts, the
// mentions that make a phone buzz, how a card was settled in the terminal,
// and the replies to Away / Back / Continue here.

// terminalPendingNote ends a card Claude Code asks in the terminal too.
const terminalPendingNote = "_Claude also asks in the terminal: the first answer, here or there, counts._"

// resolvedFooter says how a card was settled in the terminal; expiredAfter
// is set when nobody answered here in time and the terminal was left to ask.
func resolvedFooter(resolution, expiredAfter string) string {
	switch {
	case resolution == ResolvedTerminalAllowed:
		return "🖥️ Answered in the terminal: allowed"
	case resolution == ResolvedTerminalDenied:
		return "🖥️ Answered in the terminal: denied"
	case expiredAfter != "":
		return "⏱️ Nobody answered here within " + expiredAfter + " — left to the terminal, which asks there"
	}
	return "🖥️ Left to the terminal, which asks there"
}

// ResolvedRefusal is what a late click on a card settled in the terminal says.
func ResolvedRefusal(resolution string) string {
	if resolution == ResolvedTerminalAllowed || resolution == ResolvedTerminalDenied {
		return "This request was answered in the terminal."
	}
	return "This request was left to the terminal: answer it there."
}

// ValidResolution tells whether r is a `resolved` output's outcome.
func ValidResolution(r string) bool {
	return r == ResolvedTerminalAllowed || r == ResolvedTerminalDenied || r == ResolvedTerminalAsks
}

// Why the agent asks for the owner's attention (the `attention` output).
const (
	AttentionApproval  = "approval"
	AttentionQuestion  = "question"
	AttentionTurnEnded = "turn_ended"
	AttentionWaiting   = "waiting"
)

var attentionTexts = map[string]string{
	AttentionApproval:  "Claude is waiting for your approval.",
	AttentionQuestion:  "Claude has a question for you.",
	AttentionTurnEnded: "Claude finished its turn and waits for your next message.",
	AttentionWaiting:   "Claude is waiting for you.",
}

// ValidAttention tells whether reason is an `attention` output's reason.
func ValidAttention(reason string) bool {
	_, ok := attentionTexts[reason]
	return ok
}

// AttentionMessage mentions the owner so their phone buzzes; text "" says
// what the reason means.
func AttentionMessage(username, reason, text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		text = attentionTexts[reason]
	}
	return "@" + username + " " + text
}

// PromptMessage shows what someone typed in the terminal. The name is not
// an @-mention: the person typing would get a notification for each prompt.
func PromptMessage(username, text string) string {
	head := "🖥️ **" + username + "** in the terminal:"
	text = strings.TrimRight(text, "\n")
	note := ""
	// Room for the head, the note and the "> " of every line.
	room := MaxMessageRunes - utf8.RuneCountInString(head) - 100
	if n := utf8.RuneCountInString(text) + 2*(strings.Count(text, "\n")+1); n > room {
		// Quoting adds two runes a line; a text of many short lines is cut harder.
		kept := cutAtLine(text, max(room-2*(strings.Count(text, "\n")+1), room/3))
		note = "\n_… " + strconv.Itoa(utf8.RuneCountInString(text)-utf8.RuneCountInString(kept)) + " more characters_"
		text = kept
	}
	return Truncate(head+"\n"+Quote(text)+note, MaxMessageRunes)
}

// AwayReply announces that by set the session away (or back).
func AwayReply(by string, away bool) string {
	if away {
		return "🚶 @" + by + " set this session to **away**: when Claude ends a turn it waits for a reply here, " +
			"and the terminal's approvals wait for Mattermost. `!back` undoes it."
	}
	return "🖥️ @" + by + " set this session **back**: Claude's turns end in the terminal again."
}

// HandoverReply announces Continue here.
func HandoverReply(by string) string {
	return "@" + by + " asked to continue here: the terminal lets go of the session, then Claude carries on in this thread."
}
