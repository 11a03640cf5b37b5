package agentapi

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Sessions the agent opens itself (POST /agent/sessions): one mirrored
// from Claude Code in the owner's terminal, or one started from the
// command line; and the outputs only such sessions send (prompt, resolved,
// attention). docs/protocol.md, "Terminal sessions".

// Limits of an open request and of the terminal outputs.
const (
	maxTitleRunes     = 200
	maxMetaRunes      = 255 // branch, model
	maxChannelRunes   = 200
	maxAttentionRunes = 2000
)

// openRequest is the body of POST /agent/sessions.
type openRequest struct {
	Origin          string `json:"origin"`
	ClaudeSessionID string `json:"claude_session_id"`
	Cwd             string `json:"cwd"`
	Branch          string `json:"branch"`
	Model           string `json:"model"`
	PermissionMode  string `json:"permission_mode"`
	Channel         string `json:"channel"`
	Prompt          string `json:"prompt"`
	Title           string `json:"title"`
}

// claudeSessionIDRe is a Claude Code session id (a UUID today).
var claudeSessionIDRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// absPathRe is an absolute path on Unix or Windows.
var absPathRe = regexp.MustCompile(`^(/|[A-Za-z]:[\\/]|\\\\)`)

// plain tells whether s is one line of text PostgreSQL and Mattermost
// take as it is: valid UTF-8, no control characters (NUL included).
func plain(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// checkOpen checks an open request; every error says what is wrong.
func checkOpen(req *openRequest) error {
	terminal := req.Origin == cards.OriginTerminal
	if !terminal && req.Origin != cards.OriginCLI {
		return httpx.Invalid(`field "origin" must be "terminal" or "cli"`)
	}
	switch {
	case terminal && !claudeSessionIDRe.MatchString(req.ClaudeSessionID):
		return httpx.Invalid(`field "claude_session_id" is required for origin "terminal": Claude Code's session id (letters, digits, . _ -, at most 64)`)
	case !terminal && req.ClaudeSessionID != "":
		return httpx.Invalid(`field "claude_session_id" is only for origin "terminal"`)
	case terminal && !absPathRe.MatchString(req.Cwd):
		return httpx.Invalid(`field "cwd" is required for origin "terminal": the absolute directory Claude Code runs in`)
	case !plain(req.Cwd) || utf8.RuneCountInString(req.Cwd) > maxFieldRunes:
		return httpx.Invalid(`field "cwd" must be a path of at most %d characters without control characters`, maxFieldRunes)
	case !plain(req.Branch) || strings.ContainsFunc(req.Branch, unicode.IsSpace) || strings.HasPrefix(req.Branch, "-") ||
		strings.Contains(req.Branch, "..") || utf8.RuneCountInString(req.Branch) > maxMetaRunes:
		return httpx.Invalid(`field "branch" must be a git branch name (no spaces, "..", or leading "-"; at most %d characters)`, maxMetaRunes)
	case !plain(req.Model) || strings.ContainsFunc(req.Model, unicode.IsSpace) || utf8.RuneCountInString(req.Model) > maxMetaRunes:
		return httpx.Invalid(`field "model" must be a model name (no spaces, at most %d characters)`, maxMetaRunes)
	case req.PermissionMode != "" && !sessions.ValidPermissionMode(req.PermissionMode):
		return httpx.Invalid(`field "permission_mode" must be one of default, acceptEdits, plan, bypassPermissions`)
	case !plain(req.Channel) || utf8.RuneCountInString(req.Channel) > maxChannelRunes:
		return httpx.Invalid(`field "channel" must be a channel name (team/channel or channel) or id`)
	case !plain(req.Title) || utf8.RuneCountInString(req.Title) > maxTitleRunes:
		return httpx.Invalid(`field "title" must be one line of at most %d characters`, maxTitleRunes)
	case terminal && req.Prompt != "":
		return httpx.Invalid(`field "prompt" is only for origin "cli" (a terminal session's prompts come as "prompt" outputs)`)
	case !terminal && strings.TrimSpace(req.Prompt) == "":
		return httpx.Invalid(`field "prompt" is required for origin "cli": what Claude should do`)
	case utf8.RuneCountInString(req.Prompt) > maxTextRunes:
		return httpx.Invalid(`field "prompt" is longer than %d characters`, maxTextRunes)
	}
	return nil
}

// openSession is POST /agent/sessions.
func (h *handler) openSession(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	key := r.Header.Get(idempotencyHead)
	if !validIdempotencyKey(key) {
		httpx.Fail(w, r, httpx.Invalid("header Idempotency-Key is required: 1 to %d characters of A-Z a-z 0-9 _ -", maxIDLen))
		return
	}
	var req openRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if err := checkOpen(&req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	r = httpx.AddLogFields(r, "origin", req.Origin)
	ch, err := h.sessionChannel(a.user, req.Channel)
	var refusal *channelRefusal
	if errors.As(err, &refusal) {
		httpx.Error(w, r, refusal.status, refusal.msg, err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	sess, existing, err := h.Sessions.Open(sessions.OpenSpec{
		User: a.user, Machine: a.machine, Origin: req.Origin, ClaudeSessionID: req.ClaudeSessionID, IdempotencyKey: key,
		Channel: ch, Cwd: req.Cwd, Branch: req.Branch, Model: req.Model, PermissionMode: req.PermissionMode,
		Prompt: req.Prompt, Title: req.Title,
	})
	var limit *sessions.LimitError
	switch {
	case errors.Is(err, sessions.ErrOtherMachine):
		httpx.Error(w, r, http.StatusForbidden, err.Error(), err)
		return
	case errors.As(err, &limit):
		httpx.Error(w, r, http.StatusForbidden, limit.Msg, err)
		return
	case errors.Is(err, sessions.ErrOpening):
		httpx.Error(w, r, http.StatusServiceUnavailable, err.Error(), err)
		return
	case err != nil:
		httpx.Fail(w, r, fmt.Errorf("open a %s session: %w", req.Origin, err))
		return
	}
	httpx.Logger(r.Context()).Info("Session opened by the agent", "session_id", sess.ID, "existing", existing)
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"session_id": sess.ID,
		"channel_id": sess.ChannelID,
		"root_id":    sess.RootID,
		"permalink":  mmapi.Permalink(h.API, sess.RootID),
		"existing":   existing,
	})
}

// channelRefusal is a channel the session may not go to: 400 or 403 with
// what to tell the agent (and the person at the terminal).
type channelRefusal struct {
	status int
	msg    string
}

func (e *channelRefusal) Error() string { return e.msg }

func badChannel(format string, args ...any) error {
	return &channelRefusal{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func forbiddenChannel(format string, args ...any) error {
	return &channelRefusal{status: http.StatusForbidden, msg: fmt.Sprintf(format, args...)}
}

// channelNameRe is a team or channel name as Mattermost makes them.
var channelNameRe = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// sessionChannel finds where a session the agent opens lives: "" is the
// user's direct messages with the bot; otherwise a channel id, "team/channel"
// or a channel name in one of the user's teams. The user must be a member
// and the admin must allow Claude there.
func (h *handler) sessionChannel(user *model.User, name string) (*model.Channel, error) {
	botID := h.Sessions.BotID()
	name = strings.TrimSpace(name)
	if name == "" {
		ch, appErr := h.API.GetDirectChannel(user.Id, botID)
		if appErr != nil {
			return nil, fmt.Errorf("open the direct messages of %s with the bot: %w", user.Id, appErr)
		}
		return ch, nil
	}
	ch, err := h.findChannel(user, name)
	if err != nil {
		return nil, err
	}
	shown := "~" + ch.Name
	if ch.DeleteAt != 0 {
		return nil, badChannel("channel %s is archived", shown)
	}
	_, notMember := h.API.GetChannelMember(ch.Id, user.Id)
	switch ch.Type {
	case model.ChannelTypeDirect, model.ChannelTypeGroup:
		if notMember == nil && mmapi.IsDirectWith(ch, botID) {
			return ch, nil
		}
		return nil, badChannel("Claude posts in channels and in your direct messages with @%s, not in other direct or group messages", h.Sessions.BotName())
	case model.ChannelTypePrivate:
		if notMember != nil {
			return nil, badChannel("there is no channel %q that you can see", name) // a private channel's name stays private
		}
	default:
		if notMember != nil {
			return nil, forbiddenChannel("you are not a member of %s: join it first", shown)
		}
	}
	team, appErr := h.API.GetTeam(ch.TeamId)
	if appErr != nil {
		return nil, fmt.Errorf("load team %s: %w", ch.TeamId, appErr)
	}
	if !h.Sessions.Settings().ChannelAllowed(team.Name, ch.Name) {
		return nil, forbiddenChannel("Claude is not enabled in %s (the admin's allowed teams and channels)", shown)
	}
	return ch, nil
}

// findChannel looks a channel up by id, "team/channel" or name.
func (h *handler) findChannel(user *model.User, name string) (*model.Channel, error) {
	if model.IsValidId(name) {
		if ch, appErr := h.API.GetChannel(name); appErr == nil {
			return ch, nil
		}
	}
	teamName, chName, inTeam := strings.Cut(strings.ToLower(strings.TrimPrefix(name, "~")), "/")
	if !inTeam {
		chName, teamName = teamName, ""
	}
	chName = strings.TrimPrefix(chName, "~")
	if !channelNameRe.MatchString(chName) || inTeam && !channelNameRe.MatchString(teamName) {
		return nil, badChannel(`field "channel" must be a channel name (team/channel or channel) or id, not %q`, name)
	}
	notFound := badChannel("there is no channel %q that you can see", name)
	if inTeam {
		ch, appErr := h.API.GetChannelByNameForTeamName(teamName, chName, false)
		if appErr != nil {
			return nil, notFound
		}
		return ch, nil
	}
	teams, appErr := h.API.GetTeamsForUser(user.Id)
	if appErr != nil {
		return nil, fmt.Errorf("list the teams of %s: %w", user.Id, appErr)
	}
	var found []*model.Channel
	var in []string
	for _, t := range teams {
		if ch, appErr := h.API.GetChannelByName(t.Id, chName, false); appErr == nil {
			found = append(found, ch)
			in = append(in, t.Name)
		}
	}
	switch len(found) {
	case 0:
		return nil, notFound
	case 1:
		return found[0], nil
	}
	return nil, badChannel("teams %s each have a channel %q: say which, as team/channel", strings.Join(in, ", "), chName)
}

// checkTerminalOutput checks a prompt, resolved or attention output.
func checkTerminalOutput(o *Output) error {
	switch o.Kind {
	case KindPrompt:
		if o.Source != nil && *o.Source != "terminal" {
			return httpx.Invalid(`field "source" must be "terminal"`)
		}
		if strings.TrimSpace(o.Text) == "" {
			return httpx.Invalid(`field "text" is required: what the owner typed`)
		}
		if utf8.RuneCountInString(o.Text) > maxTextRunes {
			return httpx.Invalid(`field "text" is longer than %d characters`, maxTextRunes)
		}
	case KindResolved:
		if err := checkID("request_id", o.RequestID); err != nil {
			return err
		}
		if !cards.ValidResolution(o.Outcome) {
			return httpx.Invalid(`field "outcome" must be terminal_allowed, terminal_denied or terminal_asks`)
		}
	case KindAttention:
		if !cards.ValidAttention(o.Reason) {
			return httpx.Invalid(`field "reason" must be approval, question, turn_ended or waiting`)
		}
		if utf8.RuneCountInString(o.Text) > maxAttentionRunes {
			return httpx.Invalid(`field "text" is longer than %d characters`, maxAttentionRunes)
		}
	}
	return nil
}

// terminalOutput carries out a prompt, resolved or attention output.
func (h *handler) terminalOutput(a *agent, sess *sessions.Session, out *Output) (any, error) {
	switch out.Kind {
	case KindPrompt:
		postID, err := h.Sessions.Reply(sess, cards.PromptMessage(a.user.Username, out.Text))
		if err != nil {
			return nil, err
		}
		h.Sessions.NotePrompt(sess, out.Text)
		return map[string]any{"post_id": postID}, nil
	case KindResolved:
		status, err := h.Approvals.Resolve(sess, out.RequestID, out.Outcome)
		if err != nil {
			return nil, err
		}
		return map[string]any{"request_id": out.RequestID, "status": status}, nil
	}
	postID, err := h.Sessions.Attention(sess, out.Reason, out.Text)
	if err != nil {
		return nil, err
	}
	return map[string]any{"post_id": postID}, nil
}
