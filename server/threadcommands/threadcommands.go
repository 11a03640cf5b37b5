// Package threadcommands runs the commands people write in a session
// thread — `!stop`, `!cd <dir>`, `!invite @bob`… — or run there as
// `/claude <command>`. Some are answered by the plugin from the session
// record (help, cost, context), some change the session (stop, invite,
// kick, permissions), and the rest go to the agent as `command` events.
package threadcommands

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Outcome is what to show after a command: Reply is a bot post in the
// thread everyone sees, Ephemeral is shown to the user who ran it.
type Outcome struct {
	Reply     string
	Ephemeral string
}

type command struct {
	name    string
	anyone  bool   // non-participants may run it too
	usage   string // arguments, for the usage reply
	summary string
	run     func(s *Service, c call) Outcome
}

type call struct {
	sess *sessions.Session
	user *model.User
	args string
}

var commands []command

func init() {
	commands = []command{
		{"help", true, "", "list these commands", (*Service).help},
		{"stop", false, "", "end the session (reply later to resume it)", (*Service).stop},
		{"escape", false, "", "interrupt what Claude is doing now; the session stays", (*Service).escape},
		{"cd", false, "<dir>", "continue the conversation in another directory", (*Service).cd},
		{"permissions", false, "<default|accept-edits|plan|approve-all>", "how much Claude may do without asking", (*Service).permissions},
		{"model", false, "<name>", "switch Claude's model", (*Service).model},
		{"cost", true, "", "what the session has cost so far", (*Service).cost},
		{"context", true, "", "how full Claude's context window is", (*Service).context},
		{"compact", false, "", "summarise the conversation to free context", (*Service).compact},
		{"invite", false, "@user …", "let channel members talk to Claude and approve its requests", (*Service).invite},
		{"kick", false, "@user", "remove a participant (not the owner)", (*Service).kick},
		{"worktree", false, "<branch>", "work in a new git worktree for the branch", (*Service).worktree},
		{"file", false, "<path>", "post a file from the session's directory here", (*Service).file},
	}
	commands = append(commands, terminalCommands...)
}

func find(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

var commandRe = regexp.MustCompile(`^!([A-Za-z][A-Za-z-]*)(?:\s+|$)`)

// Parse reports whether text is a thread command (`!word …`) and splits it
// into the lower-cased name and the trimmed arguments.
func Parse(text string) (name, args string, ok bool) {
	text = strings.TrimSpace(text)
	m := commandRe.FindStringSubmatchIndex(text)
	if m == nil {
		return "", "", false
	}
	return strings.ToLower(text[m[2]:m[3]]), strings.TrimSpace(text[m[1]:]), true
}

// Known tells whether name is a thread command (for /claude <name>).
func Known(name string) bool { return find(name) != nil && name != "help" }

// Service runs thread commands.
type Service struct {
	sessions *sessions.Service
	api      mmapi.API
	log      mmapi.Logger
}

// New returns the thread command service.
func New(s *sessions.Service, api mmapi.API) *Service {
	return &Service{sessions: s, api: api, log: mmapi.NewLogger(api).With("component", "threadcommands")}
}

// Run runs the command name for user in sess.
func (s *Service) Run(sess *sessions.Session, user *model.User, name, args string) Outcome {
	cmd := find(name)
	if cmd == nil {
		return Outcome{Reply: fmt.Sprintf("Unknown command `!%s`. `!help` lists the commands.", name)}
	}
	if !cmd.anyone && !sess.IsParticipant(user.Id) {
		return Outcome{Ephemeral: fmt.Sprintf("Only participants can use `!%s` in this session. Ask @%s to `!invite` you.", name, sess.OwnerUsername)}
	}
	return cmd.run(s, call{sess: sess, user: user, args: args})
}

func usage(name string) Outcome {
	cmd := find(name)
	return Outcome{Reply: fmt.Sprintf("Usage: `!%s %s` — %s.", cmd.name, cmd.usage, cmd.summary)}
}

// failed is the reply when the command could not be carried out.
func (s *Service) failed(c call, what string, err error) Outcome {
	if errors.Is(err, sessions.ErrEnded) {
		return Outcome{Ephemeral: "This session has ended. Reply in the thread to resume it first."}
	}
	s.log.Error("Thread command failed", "command", what, "session_id", c.sess.ID, "user_id", c.user.Id, "err", err)
	return Outcome{Ephemeral: "Sorry, `!" + what + "` did not work. Please try again."}
}

func (s *Service) help(h call) Outcome {
	var b strings.Builder
	b.WriteString("**Commands in a Claude session thread** (also as `/claude <command>` here):\n")
	for _, c := range commands {
		if !listed(c, h.sess) {
			continue
		}
		line := "`!" + c.name
		if c.usage != "" {
			line += " " + c.usage
		}
		line += "` — " + c.summary
		if !c.anyone {
			line += " _(participants)_"
		}
		b.WriteString("- " + line + "\n")
	}
	b.WriteString("Anything else a participant writes here goes to Claude; a reply starting with another @mention is left alone.")
	return Outcome{Reply: b.String()}
}

func (s *Service) stop(c call) Outcome {
	if c.args != "" {
		return usage("stop")
	}
	if _, err := s.sessions.Stop(c.sess, c.user, sessions.EndedStopped); err != nil {
		if errors.Is(err, sessions.ErrEnded) {
			return Outcome{Ephemeral: "This session has already ended."}
		}
		return s.failed(c, "stop", err)
	}
	return Outcome{Reply: "Session stopped by @" + c.user.Username + ". Reply in this thread to resume it."}
}

func (s *Service) escape(c call) Outcome {
	if c.args != "" {
		return usage("escape")
	}
	if err := s.sessions.Interrupt(c.sess, c.user); err != nil {
		return s.failed(c, "escape", err)
	}
	return Outcome{Ephemeral: "Interrupting Claude…"}
}

const maxDirRunes = 4096

func validArg(s string, maxRunes int) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxRunes &&
		!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) })
}

func (s *Service) cd(c call) Outcome {
	dir := unquote(c.args)
	if !validArg(dir, maxDirRunes) {
		return usage("cd")
	}
	if err := s.sessions.SendCommand(c.sess, "cd", dir, c.user); err != nil {
		return s.failed(c, "cd", err)
	}
	return Outcome{}
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// Permission modes as people write them, and as the SDK names them.
var modes = map[string]string{
	"default":      sessions.ModeDefault,
	"accept-edits": sessions.ModeAcceptEdits,
	"plan":         sessions.ModePlan,
	"approve-all":  sessions.ModeBypass,
}

// rank orders the modes from the least to the most Claude may do unasked.
var rank = map[string]int{
	sessions.ModePlan:        0,
	sessions.ModeDefault:     1,
	sessions.ModeAcceptEdits: 2,
	sessions.ModeBypass:      3,
}

func (s *Service) permissions(c call) Outcome {
	mode, ok := modes[strings.ToLower(c.args)]
	if !ok {
		return usage("permissions")
	}
	settings := s.sessions.Settings()
	if !settings.AllowApproveAll {
		if mode == sessions.ModeBypass {
			return Outcome{Reply: "`approve-all` is turned off on this server: Claude asks before it runs tools."}
		}
		cur := c.sess.PermissionMode
		if cur == "" {
			cur = sessions.ModeDefault
		}
		if rank[mode] > rank[cur] {
			return Outcome{Reply: "On this server the permission mode can only be lowered (plan < default < accept-edits); it is `" + cur + "` now."}
		}
	}
	if err := s.sessions.SendCommand(c.sess, "permissions", mode, c.user); err != nil {
		return s.failed(c, "permissions", err)
	}
	if _, err := s.sessions.SetPermissionMode(c.sess.ID, mode); err != nil {
		return s.failed(c, "permissions", err)
	}
	return Outcome{} // the agent says so in the thread once the mode is set
}

var modelRe = regexp.MustCompile(`^[A-Za-z0-9._:\[\]/@-]{1,100}$`)

func (s *Service) model(c call) Outcome {
	if !modelRe.MatchString(c.args) {
		return usage("model")
	}
	if err := s.sessions.SendCommand(c.sess, "model", c.args, c.user); err != nil {
		return s.failed(c, "model", err)
	}
	return Outcome{}
}

func (s *Service) cost(c call) Outcome {
	sess := c.sess
	if sess.CostUSD == 0 && sess.InputTokens == 0 && sess.OutputTokens == 0 {
		return Outcome{Reply: "Claude has not reported any cost for this session yet."}
	}
	return Outcome{Reply: fmt.Sprintf("Cost so far: **$%.4f** · %s tokens in / %s out.", sess.CostUSD, thousands(sess.InputTokens), thousands(sess.OutputTokens))}
}

func (s *Service) context(c call) Outcome {
	sess := c.sess
	if sess.ContextWindow <= 0 {
		return Outcome{Reply: "Claude has not reported its context use for this session yet."}
	}
	return Outcome{Reply: fmt.Sprintf("Context: %s of %s tokens (%d%%).", thousands(sess.ContextTokens), thousands(sess.ContextWindow), sess.ContextTokens*100/sess.ContextWindow)}
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Service) compact(c call) Outcome {
	if c.args != "" {
		return usage("compact")
	}
	if err := s.sessions.SendCommand(c.sess, "compact", "", c.user); err != nil {
		return s.failed(c, "compact", err)
	}
	return Outcome{}
}

func (s *Service) worktree(c call) Outcome {
	if !sessions.ValidBranch(c.args) {
		return usage("worktree")
	}
	if err := s.sessions.SendCommand(c.sess, "worktree", c.args, c.user); err != nil {
		return s.failed(c, "worktree", err)
	}
	return Outcome{}
}

func (s *Service) file(c call) Outcome {
	path := unquote(c.args)
	if !validArg(path, maxDirRunes) {
		return usage("file")
	}
	if err := s.sessions.SendCommand(c.sess, "file", path, c.user); err != nil {
		return s.failed(c, "file", err)
	}
	return Outcome{} // the agent posts the file, or a notice saying why not
}

// mentions parses "@bob, @carol dave" into lower-case usernames.
func mentions(args string) ([]string, bool) {
	var out []string
	for _, f := range strings.FieldsFunc(args, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		name := strings.ToLower(strings.TrimPrefix(f, "@"))
		if name == "" || len(name) > 64 || strings.ContainsFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
		}) {
			return nil, false
		}
		out = append(out, name)
	}
	return out, len(out) > 0 && len(out) <= 20
}

func (s *Service) invite(c call) Outcome {
	names, ok := mentions(c.args)
	if !ok {
		return usage("invite")
	}
	var users []*model.User
	var problems []string
	for _, name := range names {
		u, appErr := s.api.GetUserByUsername(name)
		switch {
		case appErr != nil || u.DeleteAt != 0:
			problems = append(problems, "there is no user @"+name)
		case u.IsBot:
			problems = append(problems, "@"+name+" is a bot")
		default:
			if _, appErr := s.api.GetChannelMember(c.sess.ChannelID, u.Id); appErr != nil {
				problems = append(problems, "@"+name+" is not a member of this channel")
				continue
			}
			users = append(users, u)
		}
	}
	if len(problems) > 0 {
		return Outcome{Reply: "Nobody was invited: " + strings.Join(problems, "; ") + "."}
	}
	_, added, err := s.sessions.AddParticipants(c.sess.ID, users)
	if err != nil {
		if errors.Is(err, sessions.ErrTooManyParticipants) {
			return Outcome{Reply: err.Error() + "."}
		}
		return s.failed(c, "invite", err)
	}
	if len(added) == 0 {
		return Outcome{Ephemeral: "They are participants already."}
	}
	var at []string
	for _, p := range added {
		at = append(at, "@"+p.Username)
	}
	return Outcome{Reply: "@" + c.user.Username + " invited " + strings.Join(at, ", ") + ": they can now talk to Claude and approve its requests in this thread."}
}

func (s *Service) kick(c call) Outcome {
	names, ok := mentions(c.args)
	if !ok || len(names) != 1 {
		return usage("kick")
	}
	u, appErr := s.api.GetUserByUsername(names[0])
	if appErr != nil {
		return Outcome{Reply: "There is no user @" + names[0] + "."}
	}
	_, removed, err := s.sessions.RemoveParticipant(c.sess.ID, u.Id)
	switch {
	case errors.Is(err, sessions.ErrOwner):
		return Outcome{Reply: "@" + u.Username + " started this session and cannot be removed."}
	case err != nil:
		return s.failed(c, "kick", err)
	case !removed:
		return Outcome{Reply: "@" + u.Username + " is not a participant."}
	}
	return Outcome{Reply: "@" + c.user.Username + " removed @" + u.Username + " from the session."}
}

// Deliver shows an outcome for a command run as `!cmd` in the thread:
// the reply as a bot post, the ephemeral part to the user.
func (s *Service) Deliver(sess *sessions.Session, userID string, o Outcome) {
	if o.Reply != "" {
		if _, err := s.sessions.Reply(sess, o.Reply); err != nil {
			s.log.Error("Cannot post a command reply", "session_id", sess.ID, "err", err)
		}
	}
	if o.Ephemeral != "" {
		s.sessions.Ephemeral(userID, sess, o.Ephemeral)
	}
}
