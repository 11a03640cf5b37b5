package threads

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Context limits: the newest messages are kept.
const (
	MaxContextMessages = 50
	MaxContextRunes    = 20_000
)

// Offer errors the button route turns into answers.
var (
	ErrOfferNotFound = errors.New("no such context offer")
	ErrNotYourOffer  = errors.New("only the person who mentioned Claude can answer")
	ErrOfferAnswered = errors.New("this offer has already been answered")
)

// Offer is a stored context offer: a mention inside an existing thread,
// waiting for its author to include the thread or not.
type Offer struct {
	cards.OfferProps
	ChannelID     string                `json:"channel_id"`
	RootID        string                `json:"root_id"`
	MentionPostID string                `json:"mention_post_id"`
	MachineID     string                `json:"machine_id"`
	Options       sessions.StartOptions `json:"options"`
	PostID        string                `json:"post_id"`
	CreatedAt     int64                 `json:"created_at"`
}

func offerKey(id string) string { return "offer/" + id }

// offer posts the context offer card for a mention inside a thread; it
// reports false when the thread has no earlier messages worth offering
// (then the caller starts at once).
func (s *Service) offer(r *request, mention *model.Post) bool {
	ctx, n, err := s.threadContext(mention)
	if err != nil {
		s.log.Warn("Cannot read the thread of a mention; starting without it", "root_id", mention.RootId, "err", err)
		return false
	}
	if n == 0 || ctx == "" {
		return false
	}
	o := &Offer{
		OfferProps: cards.OfferProps{
			OfferID: model.NewId(), UserID: r.user.Id, Username: r.user.Username, Count: n, Status: cards.OfferPending,
		},
		ChannelID: mention.ChannelId, RootID: mention.RootId, MentionPostID: mention.Id,
		MachineID: r.machine.ID, Options: r.opts, CreatedAt: s.clock.Now().UnixMilli(),
	}
	if err := kvstore.SetJSON(s.kv, offerKey(o.OfferID), o, 0); err != nil {
		s.log.Error("Cannot store a context offer; starting without it", "err", err)
		return false
	}
	post, appErr := s.api.CreatePost(cards.NewOfferPost(s.botID, mention.ChannelId, mention.RootId, o.OfferProps))
	if appErr != nil {
		s.log.Error("Cannot post a context offer; starting without it", "err", appErr)
		return false
	}
	if _, err := kvstore.Update(s.kv, offerKey(o.OfferID), 0, func(cur *Offer) (*Offer, error) {
		if cur == nil {
			return nil, ErrOfferNotFound
		}
		cur.PostID = post.Id
		return cur, nil
	}); err != nil {
		s.log.Error("Cannot link a context offer to its card", "offer_id", o.OfferID, "err", err)
	}
	return true
}

// threadContext renders the thread's messages before mention, oldest
// first, as "@username: text": people's posts only (no bots, system or
// integration posts), at most MaxContextMessages / MaxContextRunes, newest
// kept. It returns the text and how many messages it holds.
func (s *Service) threadContext(mention *model.Post) (string, int, error) {
	list, appErr := s.api.GetPostThread(mention.RootId)
	if appErr != nil {
		return "", 0, fmt.Errorf("load thread %s: %w", mention.RootId, appErr)
	}
	posts := make([]*model.Post, 0, len(list.Posts))
	for _, p := range list.Posts {
		if p.Id == mention.Id || p.CreateAt >= mention.CreateAt || p.DeleteAt != 0 ||
			p.UserId == s.botID || p.Type != "" || fromIntegration(p) || strings.TrimSpace(p.Message) == "" {
			continue
		}
		posts = append(posts, p)
	}
	slices.SortFunc(posts, func(a, b *model.Post) int {
		return cmp.Or(cmp.Compare(a.CreateAt, b.CreateAt), strings.Compare(a.Id, b.Id))
	})
	names := map[string]string{}
	var lines []string
	runes := 0
	for i := len(posts) - 1; i >= 0 && len(lines) < MaxContextMessages; i-- {
		p := posts[i]
		name, ok := names[p.UserId]
		if !ok {
			u, appErr := s.api.GetUser(p.UserId)
			switch {
			case appErr != nil:
				name = "unknown"
			case u.IsBot:
				name = ""
			default:
				name = u.Username
			}
			names[p.UserId] = name
		}
		if name == "" {
			continue
		}
		line := "@" + name + ": " + strings.TrimSpace(p.Message)
		n := utf8.RuneCountInString(line) + 1
		if runes+n > MaxContextRunes {
			if len(lines) == 0 {
				lines = append(lines, cards.Truncate(line, MaxContextRunes))
			}
			break
		}
		runes += n
		lines = append(lines, line)
	}
	slices.Reverse(lines)
	return strings.Join(lines, "\n"), len(lines), nil
}

// DecideOffer answers a context offer for userID: "include" or "without".
// The session starts in the offer's thread. It returns what to tell the
// clicker when nothing started.
func (s *Service) DecideOffer(offerID, postID, userID, action string) (string, error) {
	var o Offer
	found, err := kvstore.GetJSON(s.kv, offerKey(offerID), &o)
	if err != nil {
		return "", err
	}
	if !found {
		return "", ErrOfferNotFound
	}
	if o.UserID != userID {
		return "", ErrNotYourOffer
	}
	if o.Status != cards.OfferPending {
		return "", ErrOfferAnswered
	}
	user, appErr := s.api.GetUser(userID)
	if appErr != nil {
		return "", fmt.Errorf("load user %s: %w", userID, appErr)
	}
	if _, err := s.sessions.ByThread(o.RootID); err == nil {
		return "This thread already has a Claude session; reply there instead.", nil
	}
	m, err := s.machines.Get(o.MachineID)
	if errors.Is(err, machines.ErrNotFound) {
		return "The machine you asked for is no longer paired. Mention me again.", nil
	}
	if err != nil {
		return "", err
	}
	if ok, err := s.machines.Accessible(userID, m.ID); err != nil || !ok {
		return "The machine you asked for is no longer shared with you. Mention me again.", err
	}
	refusal, err := s.sessions.LimitReached(userID)
	if err != nil {
		return "", err
	}
	if refusal != "" {
		return refusal, nil
	}
	var context string
	status := cards.OfferWithout
	if action == cards.ActionInclude {
		status = cards.OfferIncluded
		mention, appErr := s.api.GetPost(o.MentionPostID)
		if appErr != nil {
			return "", fmt.Errorf("load mention %s: %w", o.MentionPostID, appErr)
		}
		if context, o.Count, err = s.threadContext(mention); err != nil {
			return "", err
		}
	}
	// First answer wins.
	answered := false
	updated, err := kvstore.Update(s.kv, offerKey(offerID), 0, func(cur *Offer) (*Offer, error) {
		if cur == nil {
			return nil, ErrOfferNotFound
		}
		if cur.Status != cards.OfferPending {
			return nil, ErrOfferAnswered
		}
		cur.Status = status
		cur.Count = o.Count
		answered = true
		return cur, nil
	})
	if err != nil {
		return "", err
	}
	if !answered {
		return "", ErrOfferAnswered
	}
	// The clicked post: the record may not name it yet when the click
	// comes right after the card appeared (the card is linked after posting).
	if post, appErr := s.api.GetPost(postID); appErr == nil {
		cards.ApplyOffer(post, updated.OfferProps)
		if _, appErr := s.api.UpdatePost(post); appErr != nil {
			s.log.Warn("Cannot update a context offer card", "offer_id", offerID, "err", appErr)
		}
	}
	r := &request{user: user, channelID: o.ChannelID, opts: o.Options, machine: m}
	if _, refusal := s.start(r, o.RootID, context); refusal != "" {
		return refusal, nil
	}
	return "", nil
}

// OfferCardMatches tells whether post is the bot's offer card for offerID.
func (s *Service) OfferCardMatches(post *model.Post, offerID string) bool {
	if post == nil || post.UserId != s.botID || post.Type != string(cards.PostTypeOffer) {
		return false
	}
	var p cards.OfferProps
	return cards.ReadProp(post.GetProps(), cards.PropOffer, &p) && p.OfferID == offerID
}
