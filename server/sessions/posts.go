package sessions

import (
	"errors"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/inbox"
)

// StopCommand in a session thread stops the session.
const StopCommand = "!stop"

// HandlePost looks at every new post: an @claude mention starts a session; a
// participant's reply in a session thread goes to the agent. Posts by any
// bot (ours included), webhooks and the system are never commands.
func (s *Service) HandlePost(post *model.Post) {
	if post == nil || post.UserId == s.botID || post.Type != "" || fromIntegration(post) {
		return
	}
	if post.RootId != "" {
		sess, err := s.ByThread(post.RootId)
		switch {
		case err == nil:
			s.handleReply(sess, post)
			return
		case !errors.Is(err, ErrNotFound):
			s.log.Error("Cannot look up the session of a thread", "root_id", post.RootId, "err", err)
			return
		}
	}
	if !Mentions(post.Message, s.botName) {
		return
	}
	user, appErr := s.api.GetUser(post.UserId)
	if appErr != nil {
		s.log.Error("Cannot load the author of an @claude post", "user_id", post.UserId, "err", appErr)
		return
	}
	if user.IsBot {
		return
	}
	s.startFromPost(user, post)
}

func fromIntegration(post *model.Post) bool {
	props := post.GetProps()
	return props[model.PostPropsFromBot] == "true" || props[model.PostPropsFromWebhook] == "true" ||
		props[model.PostPropsFromPlugin] == "true"
}

func (s *Service) startFromPost(user *model.User, post *model.Post) {
	prompt := StripMention(post.Message, s.botName)
	if prompt == "" {
		s.ephemeral(user.Id, post, "Tell me what to do after the mention, for example: `@"+s.botName+" fix the flaky test in src/auth`.")
		return
	}
	if _, refusal := s.startOnDefault(user, post.ChannelId, prompt); refusal != "" {
		s.ephemeral(user.Id, post, refusal)
	}
}

// StartFromCommand is `/claude new <prompt>`: it starts a session in
// channelID and returns the reply for the user.
func (s *Service) StartFromCommand(userID, channelID, prompt string) string {
	if strings.TrimSpace(prompt) == "" {
		return "Tell me what to do, for example: `/claude new fix the flaky test in src/auth`."
	}
	user, appErr := s.api.GetUser(userID)
	if appErr != nil {
		s.log.Error("Cannot load the user of /claude new", "user_id", userID, "err", appErr)
		return "Sorry, I could not start the session. Please try again."
	}
	sess, refusal := s.startOnDefault(user, channelID, strings.TrimSpace(prompt))
	if refusal != "" {
		return refusal
	}
	return "Started a Claude Code session on `" + sess.MachineName + "`; follow it in its thread."
}

// startOnDefault starts a session on the user's default machine. On
// failure it returns what to tell the user.
func (s *Service) startOnDefault(user *model.User, channelID, prompt string) (*Session, string) {
	m, err := s.machines.Default(user.Id)
	if err != nil {
		s.log.Error("Cannot list the user's machines", "user_id", user.Id, "err", err)
		return nil, "Something went wrong looking up your machines. Please try again."
	}
	if m == nil {
		return nil, "You have no paired machine yet. Run `/claude connect` to pair the machine Claude Code should run on, then ask me again."
	}
	sess, err := s.Start(user, m, channelID, prompt, "")
	if err != nil {
		s.log.Error("Cannot start a session", "user_id", user.Id, "machine_id", m.ID, "err", err)
		return nil, "Sorry, I could not start the session. Please try again."
	}
	s.log.Info("Session started", "session_id", sess.ID, "user_id", user.Id, "machine_id", m.ID)
	if !m.Online(s.clock.Now()) {
		s.ephemeralInThread(user.Id, sess, "Your machine `"+m.Name+"` looks offline. Claude will start as soon as its agent (`claude-mattermost`) connects.")
	}
	return sess, ""
}

func (s *Service) handleReply(sess *Session, post *model.Post) {
	if !sess.IsParticipant(post.UserId) {
		return // others may talk about the session in its thread
	}
	user, appErr := s.api.GetUser(post.UserId)
	if appErr != nil {
		s.log.Error("Cannot load the author of a session reply", "user_id", post.UserId, "err", appErr)
		return
	}
	if user.IsBot {
		return
	}
	text := strings.TrimSpace(post.Message)
	if lead := LeadingMention(text); lead != "" {
		if lead != strings.ToLower(s.botName) {
			return // addressed to someone else
		}
		text = StripMention(text, s.botName)
	}
	if text == "" {
		return
	}
	by := inbox.UserRef{ID: user.Id, Username: user.Username}
	var err error
	switch {
	case strings.EqualFold(text, StopCommand):
		_, err = s.inbox.Enqueue(sess.MachineID, inbox.TypeStop, sess.ID, inbox.StopPayload{By: by})
	case strings.HasPrefix(text, "!") && !strings.ContainsAny(text, " \n"):
		s.ephemeralInThread(user.Id, sess, "Unknown command `"+text+"`. In a session thread you can write `"+StopCommand+"` to stop Claude; anything else goes to Claude as a message.")
		return
	default:
		_, err = s.inbox.Enqueue(sess.MachineID, inbox.TypeMessage, sess.ID, inbox.MessagePayload{Text: text, User: by, PostID: post.Id})
	}
	if err != nil {
		s.log.Error("Cannot queue a session reply", "session_id", sess.ID, "post_id", post.Id, "err", err)
		s.ephemeralInThread(user.Id, sess, "Sorry, your message could not be passed on to Claude. Please send it again.")
	}
}

func (s *Service) ephemeral(userID string, post *model.Post, msg string) {
	s.api.SendEphemeralPost(userID, &model.Post{UserId: s.botID, ChannelId: post.ChannelId, RootId: post.RootId, Message: msg})
}

func (s *Service) ephemeralInThread(userID string, sess *Session, msg string) {
	s.api.SendEphemeralPost(userID, &model.Post{UserId: s.botID, ChannelId: sess.ChannelID, RootId: sess.RootID, Message: msg})
}
