package threadcommands

import (
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Commands for a session that runs in a terminal: the same as the
// header's Away, Back and Continue here buttons.
var terminalCommands = []command{
	{"away", false, "", "the owner is away from the terminal: Claude waits for replies and approvals here", (*Service).away},
	{"back", false, "", "the owner is back: Claude's turns end in the terminal again", (*Service).back},
	{"continue", false, "", "move the session from the terminal to here (the session's owner)", (*Service).continueHere},
}

// forTerminal tells whether name is one of terminalCommands.
func forTerminal(name string) bool {
	for _, c := range terminalCommands {
		if c.name == name {
			return true
		}
	}
	return false
}

// listed tells whether !help lists the command for sess: the terminal
// commands only for a session that runs, or ran, in a terminal.
func listed(c command, sess *sessions.Session) bool {
	return !forTerminal(c.name) || sess.InTerminal() || sess.Origin == cards.OriginTerminal
}

func (s *Service) away(c call) Outcome { return s.setAway(c, true) }
func (s *Service) back(c call) Outcome { return s.setAway(c, false) }

func (s *Service) setAway(c call, away bool) Outcome {
	name := "back"
	if away {
		name = "away"
	}
	if c.args != "" {
		return usage(name)
	}
	changed, err := s.sessions.SetAway(c.sess, c.user, away)
	switch {
	case err != nil:
		return s.controlFailed(c, name, err)
	case changed:
		return Outcome{} // the thread says so already
	case away:
		return Outcome{Ephemeral: "This session is already marked away."}
	}
	return Outcome{Ephemeral: "This session is not marked away."}
}

func (s *Service) continueHere(c call) Outcome {
	if c.args != "" {
		return usage("continue")
	}
	if err := s.sessions.Handover(c.sess, c.user); err != nil {
		return s.controlFailed(c, "continue", err)
	}
	return Outcome{}
}

func (s *Service) controlFailed(c call, name string, err error) Outcome {
	if msg := sessions.ControlRefusal(err); msg != "" {
		return Outcome{Ephemeral: msg}
	}
	return s.failed(c, name, err)
}
