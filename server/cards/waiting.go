package cards

import (
	"strconv"
	"strings"
	"time"
)

// What a card that waits for a person says on its own, for everyone who
// sees only its message: the mobile apps (message and buttons) and the web
// app with "Enable post formatting" off (message only). Each pending card
// ends with a status line saying it waits, for whom, and where it can be
// answered.

// Where a card can be answered.
const (
	// answerInPanel: approvals, plans and questions are also listed in the
	// right-hand panel of the web and desktop apps.
	answerInPanel = "with the buttons below (in the mobile apps too), or in the Claude Code panel of the web and desktop apps (the channel header button)"
	// answerWithButtons: guest and offer cards have only their buttons.
	answerWithButtons = "with the buttons below (in the mobile apps too)"
)

// maxNamesShown bounds the people a status line names.
const maxNamesShown = 5

// names lists usernames as "@alice", "@alice or @bob", "@alice, @bob or
// @carol"; beyond maxNamesShown "… or one of the N others". "" for none.
func names(usernames []string) string {
	var at []string
	for _, u := range usernames {
		if u != "" {
			at = append(at, "@"+u)
		}
	}
	switch {
	case len(at) == 0:
		return ""
	case len(at) == 1:
		return at[0]
	case len(at) > maxNamesShown:
		rest := len(at) - maxNamesShown + 1
		return strings.Join(at[:maxNamesShown-1], ", ") + " or one of the " + strconv.Itoa(rest) + " other participants"
	}
	return strings.Join(at[:len(at)-1], ", ") + " or " + at[len(at)-1]
}

// waitingLine is a pending card's status line: "⏳ **Waiting for @alice
// or @bob** to <what> — <where>." who "" reads "a participant".
func waitingLine(who []string, what, where string) string {
	w := names(who)
	if w == "" {
		w = "a participant of this session"
	}
	return "⏳ **Waiting for " + w + "** to " + what + " — " + where + "."
}

// machineWaitLine says a session waits for its machine's agent, on the
// header, to everyone: "⏳ **Waiting for `laptop`** (offline since 1 Mar
// 11:00 UTC): …".
func machineWaitLine(machine string, lastSeen int64) string {
	since := "not connected yet"
	if lastSeen > 0 {
		since = "offline since " + time.UnixMilli(lastSeen).UTC().Format("2 Jan 15:04 MST")
	}
	return "⏳ **Waiting for " + Code(machine) + "** (" + since + "): Claude starts when its agent (`claude-mattermost start`) connects; the request keeps its place until then."
}
