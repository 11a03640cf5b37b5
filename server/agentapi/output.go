package agentapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Output kinds.
const (
	KindStatus   = "status"
	KindText     = "text"
	KindApproval = "approval"
	KindNotice   = "notice"
)

const (
	maxIDLen        = 64
	maxTextRunes    = 200_000
	maxToolNameLen  = 200
	maxFieldRunes   = 4096
	maxNoticeRunes  = 16_000
	idempotencyTTL  = 24 * time.Hour
	idempotencyHead = "Idempotency-Key"
)

// Output is one session output report, as decoded and checked.
type Output struct {
	Kind string `json:"kind"`

	// status
	Status          string   `json:"status"`
	ClaudeSessionID *string  `json:"claude_session_id"`
	Cwd             *string  `json:"cwd"`
	Model           *string  `json:"model"`
	Error           *string  `json:"error"`
	CostUSD         *float64 `json:"cost_usd"`
	InputTokens     *int64   `json:"input_tokens"`
	OutputTokens    *int64   `json:"output_tokens"`
	Branch          *string  `json:"branch"`
	PermissionMode  *string  `json:"permission_mode"`
	ContextTokens   *int64   `json:"context_tokens"`
	ContextWindow   *int64   `json:"context_window"`

	// text
	MessageID string `json:"message_id"`
	Text      string `json:"text"`
	Done      bool   `json:"done"`

	// approval
	RequestID   string          `json:"request_id"`
	ToolName    string          `json:"tool_name"`
	Input       json.RawMessage `json:"input"`
	Description string          `json:"description"`
}

// ParseOutput decodes and checks an output body. Every error is a
// *httpx.BadRequest saying what is wrong.
func ParseOutput(data []byte) (*Output, error) {
	var o Output
	if err := httpx.Unmarshal(data, &o); err != nil {
		return nil, err
	}
	switch o.Kind {
	case KindStatus:
		if !sessions.ValidStatus(o.Status) {
			return nil, httpx.Invalid(`field "status" must be one of starting, working, waiting, idle, ended, error`)
		}
		for name, v := range map[string]*string{"claude_session_id": o.ClaudeSessionID, "cwd": o.Cwd, "model": o.Model, "error": o.Error, "branch": o.Branch} {
			if v != nil && utf8.RuneCountInString(*v) > maxFieldRunes {
				return nil, httpx.Invalid("field %q is longer than %d characters", name, maxFieldRunes)
			}
		}
		if o.CostUSD != nil && (*o.CostUSD < 0 || math.IsNaN(*o.CostUSD) || math.IsInf(*o.CostUSD, 0)) {
			return nil, httpx.Invalid(`field "cost_usd" must be a non-negative number`)
		}
		for _, n := range []*int64{o.InputTokens, o.OutputTokens, o.ContextTokens, o.ContextWindow} {
			if n != nil && *n < 0 {
				return nil, httpx.Invalid(`token counts must be non-negative`)
			}
		}
		if o.PermissionMode != nil && !sessions.ValidPermissionMode(*o.PermissionMode) {
			return nil, httpx.Invalid(`field "permission_mode" must be one of default, acceptEdits, plan, bypassPermissions`)
		}
	case KindText:
		if err := checkID("message_id", o.MessageID); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(o.Text) > maxTextRunes {
			return nil, httpx.Invalid(`field "text" is longer than %d characters`, maxTextRunes)
		}
	case KindApproval:
		if err := checkID("request_id", o.RequestID); err != nil {
			return nil, err
		}
		if strings.TrimSpace(o.ToolName) == "" || len(o.ToolName) > maxToolNameLen {
			return nil, httpx.Invalid(`field "tool_name" is required (at most %d characters)`, maxToolNameLen)
		}
		if !isJSONObject(o.Input) {
			return nil, httpx.Invalid(`field "input" must be an object`)
		}
		if o.Cwd != nil && utf8.RuneCountInString(*o.Cwd) > maxFieldRunes {
			return nil, httpx.Invalid(`field "cwd" is longer than %d characters`, maxFieldRunes)
		}
		if utf8.RuneCountInString(o.Description) > maxFieldRunes {
			return nil, httpx.Invalid(`field "description" is longer than %d characters`, maxFieldRunes)
		}
	case KindNotice:
		if strings.TrimSpace(o.Text) == "" {
			return nil, httpx.Invalid(`field "text" is required`)
		}
		if utf8.RuneCountInString(o.Text) > maxNoticeRunes {
			return nil, httpx.Invalid(`field "text" is longer than %d characters`, maxNoticeRunes)
		}
	case "":
		return nil, httpx.Invalid(`field "kind" is required: status, text, approval or notice`)
	default:
		return nil, httpx.Invalid(`field "kind" must be status, text, approval or notice`)
	}
	return &o, nil
}

func isJSONObject(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return strings.HasPrefix(s, "{") && json.Valid([]byte(s))
}

// checkID accepts agent-chosen ids: 1..64 bytes, printable, no spaces.
func checkID(field, id string) error {
	if id == "" || len(id) > maxIDLen {
		return httpx.Invalid("field %q is required (at most %d characters)", field, maxIDLen)
	}
	for _, r := range id {
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return httpx.Invalid("field %q must not contain spaces or control characters", field)
		}
	}
	return nil
}

func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > maxIDLen {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// stored is a response kept for an Idempotency-Key.
type stored struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

func idempotencyKey(machineID, key string) string { return "idem/" + machineID + "/" + key }

func (h *handler) output(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	sessionID := mux.Vars(r)["session_id"]
	key := r.Header.Get(idempotencyHead)
	if !validIdempotencyKey(key) {
		httpx.Fail(w, r, httpx.Invalid("header Idempotency-Key is required: 1 to %d characters of A-Z a-z 0-9 _ -", maxIDLen))
		return
	}
	r = httpx.AddLogFields(r, "session_id", sessionID)

	sess, err := h.Sessions.Get(sessionID)
	if errors.Is(err, sessions.ErrNotFound) {
		httpx.Error(w, r, http.StatusNotFound, "unknown session", err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if sess.MachineID != a.machine.ID {
		httpx.Error(w, r, http.StatusForbidden, "this session belongs to another machine", nil)
		return
	}

	data, err := httpx.ReadBody(w, r)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	out, err := ParseOutput(data)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	// Text reports carry the whole text so far and map to posts by
	// message_id, so repeating one is harmless; keeping a response for each
	// streamed chunk would cost a database write (and a read) per chunk.
	keep := out.Kind != KindText || out.Done

	// One report per session at a time on this node, so a retry racing its
	// original finds the stored response instead of doing the work twice.
	unlock := h.locks.lock(sessionID)
	defer unlock()

	if keep {
		var prev stored
		found, err := kvstore.GetJSON(h.KV, idempotencyKey(a.machine.ID, key), &prev)
		if err != nil {
			httpx.Fail(w, r, err)
			return
		}
		if found {
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(prev.Status)
			_, _ = w.Write(prev.Body)
			return
		}
	}

	var resp any
	switch out.Kind {
	case KindStatus:
		_, err = h.Sessions.ApplyStatus(sess.ID, sessions.StatusUpdate{
			Status: out.Status, ClaudeSessionID: out.ClaudeSessionID, Cwd: out.Cwd, Model: out.Model,
			Error: out.Error, CostUSD: out.CostUSD, InputTokens: out.InputTokens, OutputTokens: out.OutputTokens,
			Branch: out.Branch, PermissionMode: out.PermissionMode, ContextTokens: out.ContextTokens, ContextWindow: out.ContextWindow,
		})
		resp = map[string]any{"ok": true}
	case KindNotice:
		var postID string
		postID, err = h.Sessions.Reply(sess, out.Text)
		resp = map[string]any{"post_id": postID}
	case KindText:
		var postID string
		postID, err = h.Streaming.Text(sess, out.MessageID, out.Text, out.Done)
		resp = map[string]any{"post_id": postID}
	case KindApproval:
		cwd := ""
		if out.Cwd != nil {
			cwd = *out.Cwd
		}
		var ap *approvals.Approval
		ap, err = h.Approvals.Create(sess, approvals.Request{
			RequestID: out.RequestID, ToolName: out.ToolName, Input: out.Input, Cwd: cwd, Description: out.Description,
		})
		if errors.Is(err, approvals.ErrTooLarge) {
			httpx.Fail(w, r, httpx.Invalid("%s", err.Error()))
			return
		}
		if ap != nil {
			resp = map[string]any{"post_id": ap.PostID, "request_id": ap.RequestID}
		}
	}
	if err != nil {
		httpx.Fail(w, r, fmt.Errorf("%s output: %w", out.Kind, err))
		return
	}
	if out.Kind != KindStatus { // a status report records the activity itself
		h.Sessions.Touch(sess)
	}
	body, err := json.Marshal(resp)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}

	if keep {
		if err := kvstore.SetJSON(h.KV, idempotencyKey(a.machine.ID, key), stored{Status: http.StatusOK, Body: body}, idempotencyTTL); err != nil {
			// The work is done; a retry would find its effects (posts are
			// keyed by message and request id), so answer success.
			httpx.Logger(r.Context()).Warn("Cannot keep the idempotent response", "err", err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// keyedMutex is a mutex per key, dropped when nobody holds or waits for it.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*lockEntry
}

type lockEntry struct {
	mu   sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	e, ok := k.m[key]
	if !ok {
		e = &lockEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
