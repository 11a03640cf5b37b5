package threads

import (
	"errors"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// request is a start request after the grammar, checked and resolved.
type request struct {
	user      *model.User
	channelID string
	opts      sessions.StartOptions
	machine   *machines.Machine
}

// check runs everything that can refuse a start, in the order a user can
// fix it: the channel, the grammar, the machine, the session limit. It
// returns what to tell the user on refusal.
// example shows how to ask (for the "tell me what to do" answer).
func (s *Service) check(user *model.User, channelID, text string, dm bool, example string) (*request, string) {
	var ch *model.Channel
	if !dm {
		var appErr *model.AppError
		if ch, appErr = s.api.GetChannel(channelID); appErr != nil {
			s.log.Error("Cannot load a channel", "channel_id", channelID, "err", appErr)
			return nil, "Something went wrong looking up this channel. Please try again."
		}
		if ch.Type == model.ChannelTypeDirect || ch.Type == model.ChannelTypeGroup {
			// The bot cannot join a conversation with a fixed set of members.
			return nil, "I can work in a channel, or in a direct message with me (@" + s.botName + "), but not in a direct or group message between other people. Start the session there."
		}
		if ok, refusal := s.channelAllowed(ch); !ok {
			return nil, refusal
		}
	}
	isMachine := func(name string) bool {
		m, err := s.machines.Resolve(user.Id, name)
		return err == nil && m != nil
	}
	opts, err := sessions.ParseStart(text, isMachine)
	if errors.Is(err, sessions.ErrBadBranch) {
		return nil, "That is not a branch name I can use: letters, digits and `. _ / -`, no `..`, not starting with `-`. For example: `on branch fix/login`."
	}
	if opts.Prompt == "" {
		return nil, "Tell me what to do, for example: `" + example + " fix the flaky test in src/auth` " +
			"(options first: `on <machine>`, `in <dir>`, `on branch <branch>`)."
	}
	var m *machines.Machine
	if opts.Machine != "" {
		m, err = s.machines.Resolve(user.Id, opts.Machine)
		switch {
		case errors.Is(err, machines.ErrNotFound):
			return nil, "You have no machine called " + cards.Code(opts.Machine) + ", and nobody shared one by that name with you. See `/claude machines`."
		case errors.Is(err, machines.ErrAmbiguous):
			return nil, "More than one machine is called " + cards.Code(opts.Machine) + "; rename one (`claude-mattermost login --name …`) or use its id from `/claude machines`."
		case err != nil:
			s.log.Error("Cannot resolve a machine", "user_id", user.Id, "err", err)
			return nil, "Something went wrong looking up your machines. Please try again."
		}
	} else {
		m, err = s.machines.Default(user.Id)
		if err != nil {
			s.log.Error("Cannot list the user's machines", "user_id", user.Id, "err", err)
			return nil, "Something went wrong looking up your machines. Please try again."
		}
		if m == nil {
			return nil, "You have no paired machine yet. Run `/claude connect` to pair the machine Claude Code should run on, then ask me again."
		}
	}
	refusal, err := s.sessions.LimitReached(user.Id)
	if err != nil {
		s.log.Error("Cannot count the user's sessions", "user_id", user.Id, "err", err)
		return nil, "Something went wrong counting your sessions. Please try again."
	}
	if refusal != "" {
		return nil, refusal
	}
	if ch != nil {
		// The bot posts here from now on (a header, an offer): as a member.
		if err := s.sessions.EnsureBotMember(ch); err != nil {
			s.log.Warn("Cannot make the bot a member of a channel; not starting", "channel_id", ch.Id, "err", err)
			return nil, "I could not join this channel to work here. Ask a channel admin to add @" + s.botName + ", or start the session in a direct message with me."
		}
		s.joined.Store(ch.Id, true)
	}
	return &request{user: user, channelID: channelID, opts: opts, machine: m}, ""
}

// channelAllowed applies AllowedTeams / AllowedChannels.
func (s *Service) channelAllowed(ch *model.Channel) (bool, string) {
	settings := s.sessions.Settings()
	if len(settings.AllowedTeams) == 0 && len(settings.AllowedChannels) == 0 {
		return true, ""
	}
	teamName := ""
	if ch.TeamId != "" {
		team, appErr := s.api.GetTeam(ch.TeamId)
		if appErr != nil {
			s.log.Error("Cannot load a team", "team_id", ch.TeamId, "err", appErr)
			return false, "Something went wrong looking up this team. Please try again."
		}
		teamName = team.Name
	}
	if !settings.ChannelAllowed(teamName, ch.Name) {
		return false, "Claude is not enabled in this channel."
	}
	return true, ""
}

// start starts the checked request (threadRootID "" = a new root post).
func (s *Service) start(r *request, threadRootID, context string) (*sessions.Session, string) {
	sess, err := s.sessions.Start(sessions.StartSpec{
		User: r.user, Machine: r.machine, ChannelID: r.channelID, ThreadRootID: threadRootID,
		Prompt: r.opts.Prompt, Cwd: r.opts.Dir, Branch: r.opts.Branch, Context: context,
	})
	if err != nil {
		s.log.Error("Cannot start a session", "user_id", r.user.Id, "machine_id", r.machine.ID, "err", err)
		return nil, "Sorry, I could not start the session. Please try again."
	}
	s.log.Info("Session started", "session_id", sess.ID, "user_id", r.user.Id, "machine_id", r.machine.ID)
	if !r.machine.Online(s.clock.Now()) {
		owner := "Your machine"
		if r.machine.UserID != r.user.Id {
			owner = "The machine"
		}
		s.sessions.Ephemeral(r.user.Id, sess, fmt.Sprintf("%s `%s` looks offline. Claude will start as soon as its agent (`claude-mattermost`) connects.", owner, r.machine.Name))
	}
	return sess, ""
}

// startFromPost: an @claude mention outside a session thread, or a post
// in a direct message with the bot.
func (s *Service) startFromPost(user *model.User, post *model.Post, dm bool) {
	text := sessions.StripMention(post.Message, s.botName)
	example := "@" + s.botName
	if dm {
		example = "on laptop"
	}
	r, refusal := s.check(user, post.ChannelId, text, dm, example)
	if refusal != "" {
		s.answer(user.Id, post, dm, refusal)
		return
	}
	thread := ""
	if post.RootId != "" && !dm {
		if offered := s.offer(r, post); offered {
			return
		}
		thread = post.RootId // nothing earlier worth offering: start in the thread at once
	}
	sess, refusal := s.start(r, thread, "")
	if refusal != "" {
		s.answer(user.Id, post, dm, refusal)
		return
	}
	if thread == "" && post.RootId == "" {
		s.acknowledge(post, sess)
	}
}

// answer tells the user why nothing started: ephemeral for a mention in
// a channel, a reply in the thread for a mention in a thread or a DM.
func (s *Service) answer(userID string, post *model.Post, dm bool, text string) {
	if post.RootId == "" && !dm {
		s.api.SendEphemeralPost(userID, &model.Post{UserId: s.botID, ChannelId: post.ChannelId, Message: text})
		return
	}
	root := post.RootId
	if root == "" {
		root = post.Id
	}
	if _, appErr := s.api.CreatePost(&model.Post{UserId: s.botID, ChannelId: post.ChannelId, RootId: root, Message: text}); appErr != nil {
		s.log.Error("Cannot reply in a thread", "root_id", root, "err", appErr)
	}
}

// StartFromCommand is `/claude new …`: it starts a session in channelID
// and returns the reply for the user.
func (s *Service) StartFromCommand(userID, channelID, text string) string {
	user, appErr := s.api.GetUser(userID)
	if appErr != nil {
		s.log.Error("Cannot load the user of /claude new", "user_id", userID, "err", appErr)
		return "Sorry, I could not start the session. Please try again."
	}
	dm := s.isDirectWithBot(channelID)
	r, refusal := s.check(user, channelID, text, dm, "/claude new")
	if refusal != "" {
		return refusal
	}
	sess, refusal := s.start(r, "", "")
	if refusal != "" {
		return refusal
	}
	return "Started a Claude Code session on `" + sess.MachineName + "`: follow it in [its thread](" + mmapi.Permalink(s.api, sess.RootID) + ")."
}
