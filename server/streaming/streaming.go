// Package streaming turns the agent's growing assistant text into posts:
// the first report makes a reply in the session thread, every report goes
// to viewers as a websocket event, and the database is written at most once
// per ThrottleWrites per message (and always when the text is done). Text
// longer than one post continues in further posts, split by cards.SplitMessage.
package streaming

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/redact"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// ThrottleWrites is the least time between two database writes of a message.
const ThrottleWrites = 2 * time.Second

// placeholder stands in for text that has not started yet (Mattermost
// refuses empty posts).
const placeholder = "…"

// maxIdleStreams bounds the in-memory stream table; idle entries go first.
const maxIdleStreams = 2000

// Service streams text. Safe for concurrent use.
type Service struct {
	kv         kvstore.Store
	api        mmapi.API
	clock      clock.Clock
	botID      string
	flushAfter time.Duration
	redactOn   func() bool
	log        mmapi.Logger

	mu      sync.Mutex
	streams map[string]*stream
	closed  bool
}

// New returns the streaming service. A message whose last report was not
// written to the database (throttled) is written flushAfter later if no
// other report came (ThrottleWrites when 0), so a crashed agent never
// leaves a post behind what viewers saw.
//
// redactOn tells whether secrets are redacted before the text is posted or
// sent to viewers (nil: never).
func New(kv kvstore.Store, api mmapi.API, c clock.Clock, botID string, flushAfter time.Duration, redactOn func() bool) *Service {
	if flushAfter <= 0 {
		flushAfter = ThrottleWrites
	}
	if redactOn == nil {
		redactOn = func() bool { return false }
	}
	return &Service{
		kv: kv, api: api, clock: c, botID: botID, flushAfter: flushAfter, redactOn: redactOn,
		log: mmapi.NewLogger(api).With("component", "streaming"), streams: map[string]*stream{},
	}
}

// state is what survives in the KV store: the message's posts, and the
// hash of what each of them holds in the database.
type state struct {
	PostIDs   []string `json:"post_ids"`
	Hashes    []string `json:"hashes"`
	LastWrite int64    `json:"last_write"` // unix ms
	Done      bool     `json:"done"`
}

type stream struct {
	mu     sync.Mutex
	key    string
	sess   sessions.Session
	msgID  string
	loaded bool
	st     state
	text   string // latest text reported (redacted)
	// redacted keeps the redaction of the lines already finished.
	redacted redact.Incremental
	done     bool
	dirty    bool         // text differs from the database
	used     atomic.Int64 // unix ns of the last report; read without mu by eviction
	timer    *time.Timer
}

func stateKey(sessionID, messageID string) string {
	return "text/" + sessionID + "/" + messageID
}

// partKey names post i of a message, made once across the cluster.
func partKey(sessionID, messageID string, i int) string {
	return "textpart/" + sessionID + "/" + messageID + "/" + strconv.Itoa(i)
}

func (s *Service) stream(sess *sessions.Session, messageID string) *stream {
	key := stateKey(sess.ID, messageID)
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.streams[key]
	if !ok {
		if len(s.streams) >= maxIdleStreams {
			s.evictLocked()
		}
		st = &stream{key: key, msgID: messageID}
		s.streams[key] = st
	}
	return st
}

func (s *Service) evictLocked() {
	cutoff := time.Now().Add(-10 * time.Minute)
	for k, st := range s.streams {
		if st.used.Load() < cutoff.UnixNano() || len(s.streams) >= maxIdleStreams {
			delete(s.streams, k)
		}
	}
}

// Text reports the whole text so far of one assistant message. It returns
// the id of the message's (first) post.
func (s *Service) Text(sess *sessions.Session, messageID, text string, done bool) (string, error) {
	st := s.stream(sess, messageID)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sess = *sess
	st.used.Store(time.Now().UnixNano())
	if !st.loaded {
		if _, err := kvstore.GetJSON(s.kv, st.key, &st.st); err != nil {
			return "", err
		}
		st.loaded = true
	}
	if st.st.Done && !done && len(st.st.PostIDs) > 0 {
		// The message is finished (its final report was handled, maybe on
		// another node): an older report that arrives late changes nothing.
		s.forget(st)
		return st.st.PostIDs[0], nil
	}
	if s.redactOn() {
		if !done {
			// A secret still streaming matches no rule until it is whole, and
			// Mattermost keeps every version of an edited post: never write
			// the word still being typed.
			text = completeWords(text)
		}
		// Finished lines are redacted once per message, not on every report.
		text = st.redacted.String(text)
	}
	if text == "" {
		text = placeholder
	}
	st.text, st.done, st.dirty = text, done, true
	pieces := cards.SplitMessage(text, cards.MaxMessageRunes)

	now := s.clock.Now()
	due := now.Sub(time.UnixMilli(st.st.LastWrite)) >= ThrottleWrites
	if len(pieces) > len(st.st.PostIDs) || done || due {
		if err := s.write(st, pieces); err != nil {
			return "", err
		}
	} else {
		s.scheduleFlush(st)
	}
	s.publish(st, pieces)
	if done {
		s.forget(st)
	}
	return st.st.PostIDs[0], nil
}

// write brings the message's posts in line with pieces: new posts for new
// pieces, updates for pieces that changed since the last write. Caller
// holds st.mu.
func (s *Service) write(st *stream, pieces []string) error {
	if len(pieces) > len(st.st.PostIDs) && len(st.st.PostIDs) > 0 {
		// Another node may have added posts since we loaded: reload before
		// creating any, so a retry elsewhere never makes a second post.
		var fresh state
		if _, err := kvstore.GetJSON(s.kv, st.key, &fresh); err != nil {
			return err
		}
		if len(fresh.PostIDs) > len(st.st.PostIDs) {
			st.st = fresh
		}
	}
	sess := &st.sess
	for i, piece := range pieces {
		props := cards.TextProps{SessionID: sess.ID, MessageID: st.msgID, Done: st.done || i < len(pieces)-1, Part: i}
		h := hash(piece, props.Done)
		if i >= len(st.st.PostIDs) {
			// Each post of a message is made once across the cluster: two
			// nodes handling the same report at the same moment make one.
			id, made, err := kvstore.Once(s.kv, partKey(sess.ID, st.msgID, i), 0, func() ([]byte, error) {
				post, appErr := s.api.CreatePost(cards.NewTextPost(s.botID, sess.ChannelID, sess.RootID, props, piece))
				if appErr != nil {
					return nil, fmt.Errorf("create text post %d of message %s: %w", i, st.msgID, appErr)
				}
				return []byte(post.Id), nil
			})
			if err != nil {
				return err
			}
			st.st.PostIDs = append(st.st.PostIDs, string(id))
			if !made {
				// Another node made it, with its text: bring it in line below.
				st.st.Hashes = append(st.st.Hashes, "")
			} else {
				st.st.Hashes = append(st.st.Hashes, h)
				// Save at once: the post exists, a retry must find it.
				if err := kvstore.SetJSON(s.kv, st.key, st.st, 0); err != nil {
					return fmt.Errorf("store text state: %w", err)
				}
				continue
			}
		}
		if st.st.Hashes[i] == h {
			continue
		}
		if err := s.updatePost(st.st.PostIDs[i], props, piece); err != nil {
			return err
		}
		st.st.Hashes[i] = h
	}
	// Text that shrank into fewer pieces (rare: a fence closed late) leaves
	// the extra posts as a pointer upwards.
	for i := len(pieces); i < len(st.st.PostIDs); i++ {
		props := cards.TextProps{SessionID: sess.ID, MessageID: st.msgID, Done: true, Part: i}
		h := hash(placeholder, true)
		if st.st.Hashes[i] == h {
			continue
		}
		if err := s.updatePost(st.st.PostIDs[i], props, placeholder); err != nil {
			return err
		}
		st.st.Hashes[i] = h
	}
	st.st.LastWrite = s.clock.Now().UnixMilli()
	st.st.Done = st.done
	st.dirty = false
	if st.timer != nil {
		st.timer.Stop()
		st.timer = nil
	}
	if err := kvstore.SetJSON(s.kv, st.key, st.st, 0); err != nil {
		return fmt.Errorf("store text state: %w", err)
	}
	return nil
}

func (s *Service) updatePost(postID string, props cards.TextProps, text string) error {
	post, appErr := s.api.GetPost(postID)
	if appErr != nil {
		return fmt.Errorf("load text post %s: %w", postID, appErr)
	}
	var cur cards.TextProps
	if post.Message == text && cards.ReadProp(post.GetProps(), cards.PropText, &cur) && cur == props {
		return nil // already says this (written by another node)
	}
	cards.ApplyText(post, props, text)
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update text post %s: %w", postID, appErr)
	}
	return nil
}

// publish sends viewers every piece that is ahead of the database, and
// always the last one.
func (s *Service) publish(st *stream, pieces []string) {
	for i, piece := range pieces {
		props := cards.TextProps{SessionID: st.sess.ID, MessageID: st.msgID, Done: st.done || i < len(pieces)-1, Part: i}
		last := i == len(pieces)-1
		if !last && i < len(st.st.Hashes) && st.st.Hashes[i] == hash(piece, props.Done) {
			continue
		}
		s.api.PublishWebSocketEvent(string(cards.WebSocketEventText), cards.TextEvent(st.st.PostIDs[i], props, piece),
			&model.WebsocketBroadcast{ChannelId: st.sess.ChannelID})
	}
}

func (s *Service) scheduleFlush(st *stream) {
	if st.timer != nil {
		return
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	st.timer = time.AfterFunc(s.flushAfter, func() { s.flush(st) })
}

func (s *Service) flush(st *stream) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.timer = nil
	if !st.dirty {
		return
	}
	if err := s.write(st, cards.SplitMessage(st.text, cards.MaxMessageRunes)); err != nil {
		s.log.Warn("Cannot write streamed text", "session_id", st.sess.ID, "message_id", st.msgID, "err", err)
	}
}

func (s *Service) forget(st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streams[st.key] == st {
		delete(s.streams, st.key)
	}
}

// Close writes every throttled message to the database and stops the
// flush timers (plugin deactivation).
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	all := make([]*stream, 0, len(s.streams))
	for _, st := range s.streams {
		all = append(all, st)
	}
	s.mu.Unlock()
	for _, st := range all {
		st.mu.Lock()
		if st.timer != nil {
			st.timer.Stop()
			st.timer = nil
		}
		st.mu.Unlock()
		s.flush(st)
	}
}

// completeWords is text without its last word when that word may still
// grow: everything up to and including the last white space.
func completeWords(text string) string {
	i := strings.LastIndexFunc(text, unicode.IsSpace)
	if i < 0 {
		return ""
	}
	_, size := utf8.DecodeRuneInString(text[i:])
	return text[:i+size]
}

func hash(text string, done bool) string {
	h := sha256.New()
	h.Write([]byte(text))
	if done {
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
