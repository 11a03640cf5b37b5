// Package toolposts makes the posts that show what Claude did without
// asking anyone: the diff of an applied edit, the session's todo panel
// (one post, updated in place) and a tool's output (a preview in the post,
// the whole output kept in the KV store in chunks and served on request).
// Each report is keyed by its tool_use_id (or, for the todo panel, by the
// session), so a repeated report never makes a second post.
package toolposts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/redact"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// ErrNotFound: no output is stored for that tool use.
var ErrNotFound = errors.New("no such tool output")

// ChunkBytes is the most a stored output chunk holds: well under what
// any Mattermost database takes in one KV value.
const ChunkBytes = 256 * 1024

// Service makes the posts.
type Service struct {
	kv       kvstore.Store
	api      mmapi.API
	clock    clock.Clock
	sessions *sessions.Service
	botID    string
	log      mmapi.Logger
}

// New returns the service.
func New(kv kvstore.Store, api mmapi.API, c clock.Clock, s *sessions.Service, botID string) *Service {
	return &Service{kv: kv, api: api, clock: c, sessions: s, botID: botID, log: mmapi.NewLogger(api).With("component", "toolposts")}
}

func (s *Service) redacting() bool { return s.sessions.Settings().RedactSecrets }

func (s *Service) redact(text string) string {
	if s.redacting() {
		return redact.String(text)
	}
	return text
}

func diffKey(sessionID, toolUseID string) string { return "diff/" + sessionID + "/" + toolUseID }

// Diff posts an applied edit (once per tool use) and returns the post id.
func (s *Service) Diff(sess *sessions.Session, d cards.DiffProps) (string, error) {
	d.SessionID = sess.ID
	d.FilePath = s.redact(d.FilePath)
	d.Diff = s.redact(d.Diff)
	return s.once(diffKey(sess.ID, d.ToolUseID), func() (string, error) {
		post, appErr := s.api.CreatePost(cards.NewDiffPost(s.botID, sess.ChannelID, sess.RootID, d))
		if appErr != nil {
			return "", fmt.Errorf("create diff post: %w", appErr)
		}
		return post.Id, nil
	})
}

// once runs create unless key already names a post, and records the
// post: exactly once across the cluster (kvstore.Once), so two nodes
// handling the same first report make one post.
func (s *Service) once(key string, create func() (string, error)) (string, error) {
	id, _, err := kvstore.Once(s.kv, key, 0, func() ([]byte, error) {
		postID, err := create()
		return []byte(postID), err
	})
	if err != nil {
		return "", err
	}
	return string(id), nil
}

// Todo shows the session's task list: the first report makes the panel,
// later ones update it in place. It returns the panel's post id.
func (s *Service) Todo(sess *sessions.Session, todos []cards.Todo) (string, error) {
	shown := make([]cards.Todo, len(todos))
	for i, t := range todos {
		shown[i] = cards.Todo{Content: s.redact(t.Content), Status: t.Status, ActiveForm: s.redact(t.ActiveForm)}
	}
	props := cards.NewTodoProps(sess.ID, shown, s.clock.Now().UnixMilli())
	if cur, err := s.sessions.Get(sess.ID); err == nil {
		sess = cur // the panel may have been made since the caller loaded it
	}
	key := todoKey(sess.ID)
	if sess.TodoPostID != "" {
		post, appErr := s.api.GetPost(sess.TodoPostID)
		if appErr == nil {
			return post.Id, s.updateTodo(post, props)
		}
		s.log.Warn("The todo panel is gone; making a new one", "session_id", sess.ID, "post_id", sess.TodoPostID, "err", appErr)
		// Let the next Once make a panel (unless another report did already).
		if _, err := kvstore.Release(s.kv, key, []byte(sess.TodoPostID)); err != nil {
			return "", fmt.Errorf("release the todo panel %s: %w", sess.TodoPostID, err)
		}
	}
	// The first report makes the panel, once across the cluster; a report
	// that finds it made by another updates it.
	id, made, err := kvstore.Once(s.kv, key, 0, func() ([]byte, error) {
		created, appErr := s.api.CreatePost(cards.NewTodoPost(s.botID, sess.ChannelID, sess.RootID, props))
		if appErr != nil {
			return nil, fmt.Errorf("create todo panel: %w", appErr)
		}
		return []byte(created.Id), nil
	})
	if err != nil {
		return "", err
	}
	postID := string(id)
	if _, err := s.sessions.SetTodoPost(sess.ID, postID); err != nil {
		return "", err
	}
	if !made {
		post, appErr := s.api.GetPost(postID)
		if appErr != nil {
			return "", fmt.Errorf("load todo panel %s: %w", postID, appErr)
		}
		return postID, s.updateTodo(post, props)
	}
	return postID, nil
}

func todoKey(sessionID string) string { return "todo/" + sessionID }

func (s *Service) updateTodo(post *model.Post, props cards.TodoProps) error {
	cards.ApplyTodo(post, props)
	if _, appErr := s.api.UpdatePost(post); appErr != nil {
		return fmt.Errorf("update todo panel %s: %w", post.Id, appErr)
	}
	return nil
}

// Output is a tool's output as stored.
type Output struct {
	cards.ToolOutputProps
	PostID string `json:"post_id"`
	Chunks int    `json:"chunks"`
	Bytes  int    `json:"bytes"`
}

func outputKey(sessionID, toolUseID string) string { return "output/" + sessionID + "/" + toolUseID }
func chunkKey(sessionID, toolUseID string, i int) string {
	return outputKey(sessionID, toolUseID) + "/" + strconv.Itoa(i)
}

// ToolOutput stores a tool's whole output (redacted) in chunks and posts
// its preview, once per tool use. It returns the post id.
func (s *Service) ToolOutput(sess *sessions.Session, toolUseID, toolName, summary, output string, isError bool) (string, error) {
	// The record is made once across the cluster (kvstore.Once): the
	// chunks, then the post; the record, stored last, is what says the
	// chunks are complete.
	raw, _, err := kvstore.Once(s.kv, outputKey(sess.ID, toolUseID), 0, func() ([]byte, error) {
		output := s.redact(output)
		props := cards.NewToolOutputProps(sess.ID, toolUseID, toolName, s.redact(summary), output, isError)
		chunks := splitChunks(output, ChunkBytes)
		for i, c := range chunks {
			if err := s.kv.Set(chunkKey(sess.ID, toolUseID, i), []byte(c), 0); err != nil {
				return nil, fmt.Errorf("store tool output chunk %d: %w", i, err)
			}
		}
		post, appErr := s.api.CreatePost(cards.NewToolOutputPost(s.botID, sess.ChannelID, sess.RootID, props))
		if appErr != nil {
			return nil, fmt.Errorf("create tool output post: %w", appErr)
		}
		return json.Marshal(Output{ToolOutputProps: props, PostID: post.Id, Chunks: len(chunks), Bytes: len(output)})
	})
	if err != nil {
		return "", err
	}
	var rec Output
	if err := json.Unmarshal(raw, &rec); err != nil {
		return "", fmt.Errorf("decode tool output record: %w", err)
	}
	return rec.PostID, nil
}

// GetOutput loads the record of a stored output.
func (s *Service) GetOutput(sessionID, toolUseID string) (*Output, error) {
	var o Output
	found, err := kvstore.GetJSON(s.kv, outputKey(sessionID, toolUseID), &o)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	return &o, nil
}

// WriteOutput writes a stored output to w, chunk by chunk.
func (s *Service) WriteOutput(w io.Writer, o *Output) error {
	for i := range o.Chunks {
		b, err := s.kv.Get(chunkKey(o.SessionID, o.ToolUseID, i))
		if err != nil {
			return fmt.Errorf("load tool output chunk %d: %w", i, err)
		}
		if b == nil {
			return fmt.Errorf("tool output chunk %d of %s/%s is missing", i, o.SessionID, o.ToolUseID)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// splitChunks cuts s into pieces of at most n bytes, never inside a UTF-8
// sequence. An empty s is one empty chunk.
func splitChunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}
