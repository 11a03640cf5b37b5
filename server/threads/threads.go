// Package threads decides what a new post means to Claude: an @claude
// mention or a direct message to the bot starts a session (or, inside an
// existing thread, offers to include it), and a reply in a session thread is
// a command, a message to Claude, a resume of an ended session, or — from a
// non-participant — a guest card. Posts by bots, webhooks and the system
// are never taken as anything.
package threads

import (
	"errors"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/files"
	"github.com/claude-mattermost/claude-mattermost/server/guests"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/threadcommands"
)

// Service routes posts.
type Service struct {
	kv       kvstore.Store
	api      mmapi.API
	clock    clock.Clock
	machines *machines.Service
	sessions *sessions.Service
	commands *threadcommands.Service
	guests   *guests.Service
	files    *files.Service
	botID    string
	botName  string
	log      mmapi.Logger
	dms      dmCache
	joined   sync.Map // channel id → the bot is a member (this node has seen to it)
}

// Config wires the service.
type Config struct {
	KV          kvstore.Store
	API         mmapi.API
	Clock       clock.Clock
	Machines    *machines.Service
	Sessions    *sessions.Service
	Commands    *threadcommands.Service
	Guests      *guests.Service
	Files       *files.Service
	BotUserID   string
	BotUsername string
}

// New returns the post router.
func New(c Config) *Service {
	return &Service{
		kv: c.KV, api: c.API, clock: c.Clock, machines: c.Machines, sessions: c.Sessions, commands: c.Commands,
		guests: c.Guests, files: c.Files, botID: c.BotUserID, botName: c.BotUsername,
		log: mmapi.NewLogger(c.API).With("component", "threads"),
		dms: dmCache{m: map[string]bool{}},
	}
}

// HandlePost looks at every new post (the MessageHasBeenPosted hook).
func (s *Service) HandlePost(post *model.Post) {
	if post == nil || post.UserId == s.botID || post.Type != "" || fromIntegration(post) {
		return
	}
	if post.RootId != "" {
		sess, err := s.sessions.ByThread(post.RootId)
		switch {
		case err == nil:
			s.inOrder(sess, post)
			return
		case !errors.Is(err, sessions.ErrNotFound):
			s.log.Error("Cannot look up the session of a thread", "root_id", post.RootId, "err", err)
			return
		}
		if s.pointToSession(post) {
			return
		}
	}
	mentioned := sessions.Mentions(post.Message, s.botName)
	dm := !mentioned && s.isDirectWithBot(post.ChannelId)
	if !mentioned && !dm {
		return
	}
	user, appErr := s.api.GetUser(post.UserId)
	if appErr != nil {
		s.log.Error("Cannot load the author of a post for Claude", "user_id", post.UserId, "err", appErr)
		return
	}
	if user.IsBot {
		return
	}
	s.startFromPost(user, post, dm || s.isDirectWithBot(post.ChannelId))
}

func fromIntegration(post *model.Post) bool {
	props := post.GetProps()
	return props[model.PostPropsFromBot] == "true" || props[model.PostPropsFromWebhook] == "true" ||
		props[model.PostPropsFromPlugin] == "true"
}

// dmCache remembers which channels are direct messages with the bot, so
// the hook does not load the channel of every post.
type dmCache struct {
	mu sync.Mutex
	m  map[string]bool
}

func (s *Service) isDirectWithBot(channelID string) bool {
	s.dms.mu.Lock()
	v, ok := s.dms.m[channelID]
	s.dms.mu.Unlock()
	if ok {
		return v
	}
	ch, appErr := s.api.GetChannel(channelID)
	if appErr != nil {
		s.log.Warn("Cannot load a channel", "channel_id", channelID, "err", appErr)
		return false
	}
	v = mmapi.IsDirectWith(ch, s.botID)
	s.dms.mu.Lock()
	if len(s.dms.m) > 20_000 {
		s.dms.m = map[string]bool{}
	}
	s.dms.m[channelID] = v
	s.dms.mu.Unlock()
	return v
}

// handleReply: a reply in a session thread. It returns what the reply
// became (an outcome… constant).
func (s *Service) handleReply(sess *sessions.Session, post *model.Post) string {
	text := strings.TrimSpace(post.Message)
	if lead := sessions.LeadingMention(text); lead != "" {
		if lead != strings.ToLower(s.botName) {
			return outcomeIgnored // a side conversation, addressed to someone else
		}
		text = sessions.StripMention(text, s.botName)
	}
	if text == "" && len(post.FileIds) == 0 {
		return outcomeIgnored
	}
	user, appErr := s.api.GetUser(post.UserId)
	if appErr != nil {
		s.log.Error("Cannot load the author of a session reply", "user_id", post.UserId, "err", appErr)
		return outcomeIgnored
	}
	if user.IsBot {
		return outcomeIgnored
	}
	// A session from before the bot joined the channels it posts in: join now.
	s.joinOnce(sess.ChannelID)
	if name, args, ok := threadcommands.Parse(text); ok {
		s.commands.Deliver(sess, user.Id, s.commands.Run(sess, user, name, args))
		return outcomeCommand
	}
	if !sess.IsParticipant(user.Id) {
		if text == "" {
			return outcomeIgnored // a guest's files alone: nothing to ask about
		}
		if _, err := s.guests.Create(sess, user, post, text); err != nil {
			s.log.Error("Cannot post a guest card", "session_id", sess.ID, "post_id", post.Id, "err", err)
			return outcomeIgnored
		}
		return outcomeGuest
	}
	if sess.Ended() {
		if refusal, err := s.sessions.LimitReached(sess.OwnerID); err != nil {
			s.log.Error("Cannot count sessions", "user_id", sess.OwnerID, "err", err)
		} else if refusal != "" {
			s.reply(sess, refusal)
			return outcomeIgnored
		}
	}
	_, err := s.sessions.SendMessageWithFiles(sess, user, text, post.Id, s.files.Refs(post))
	switch {
	case errors.Is(err, sessions.ErrMachineGone):
		s.reply(sess, "This session cannot be resumed: its machine `"+sess.MachineName+"` is no longer paired or shared. Start a new session with `@"+s.botName+"`.")
		return outcomeIgnored
	case err != nil:
		s.log.Error("Cannot pass a reply on to Claude", "session_id", sess.ID, "post_id", post.Id, "err", err)
		s.sessions.Ephemeral(user.Id, sess, "Sorry, your message could not be passed on to Claude. Please send it again.")
		return outcomeIgnored
	}
	return outcomeClaude
}

func (s *Service) reply(sess *sessions.Session, text string) {
	if _, err := s.sessions.Reply(sess, text); err != nil {
		s.log.Error("Cannot reply in a session thread", "session_id", sess.ID, "err", err)
	}
}

// RunFromCommand is `/claude <command> …` run inside a thread: in a
// session thread it runs the thread command (its reply goes to the thread
// like `!command`'s) and returns what to show the user.
func (s *Service) RunFromCommand(userID, rootID, name, args string) string {
	if rootID == "" {
		return "Run `/claude " + name + "` inside a Claude session thread, or write `!" + name + "` there."
	}
	sess, err := s.sessions.ByThread(rootID)
	if errors.Is(err, sessions.ErrNotFound) {
		return "This thread is not a Claude session. Run `/claude " + name + "` inside a session thread."
	}
	if err != nil {
		s.log.Error("Cannot look up the session of a thread", "root_id", rootID, "err", err)
		return "Sorry, something went wrong. Please try again."
	}
	user, appErr := s.api.GetUser(userID)
	if appErr != nil {
		s.log.Error("Cannot load the user of a command", "user_id", userID, "err", appErr)
		return "Sorry, something went wrong. Please try again."
	}
	out := s.commands.Run(sess, user, name, args)
	if out.Reply != "" {
		if _, err := s.sessions.Reply(sess, out.Reply); err != nil {
			s.log.Error("Cannot post a command reply", "session_id", sess.ID, "err", err)
			return out.Reply
		}
	}
	return out.Ephemeral
}
