package agentapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Routes an Idempotency-Key is scoped to.
const (
	routeOutput = "output"
	routeFiles  = "files"
)

// stored is a response kept for an Idempotency-Key.
type stored struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

// idempotencyKey is where the response to an agent's request is kept: an
// Idempotency-Key names one request of one machine, for one session and
// one route, so the same key sent for another session or route is another
// request.
func idempotencyKey(machineID, sessionID, route, key string) string {
	return "idem/" + machineID + "/" + sessionID + "/" + route + "/" + key
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

// idempotent does work once per key, on any node, and answers its
// response; a repeat of the key gets the first response again (with
// Idempotent-Replayed: true) and does nothing else, and a repeat that
// arrives while the first is still at work waits for it. A failed request
// keeps nothing, so its retry does the work.
func (h *handler) idempotent(w http.ResponseWriter, r *http.Request, key string, work func() (any, error)) {
	raw, made, err := kvstore.Once(h.KV, key, idempotencyTTL, func() ([]byte, error) {
		resp, err := work()
		if err != nil {
			return nil, err
		}
		body, err := json.Marshal(resp)
		if err != nil {
			return nil, err
		}
		return json.Marshal(stored{Status: http.StatusOK, Body: body})
	})
	if err != nil && !(made && raw != nil) {
		fail(w, r, err)
		return
	}
	if err != nil {
		// The work is done; a retry would find its effects (posts are
		// keyed by message and request id), so answer success.
		httpx.Logger(r.Context()).Warn("Cannot keep the idempotent response", "err", err)
	}
	var resp stored
	if err := json.Unmarshal(raw, &resp); err != nil {
		httpx.Fail(w, r, fmt.Errorf("decode the response kept at %s: %w", key, err))
		return
	}
	if !made {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}

// errUnknownRequest: a terminal output names a request no card has.
var errUnknownRequest = errors.New("unknown request_id: no approval, plan or question card has it")

// fail answers an output or upload that could not be done: 4xx when the
// cause is the request (the agent drops it and says so in the thread),
// 503 when the same request is at work elsewhere, 5xx only for a fault of
// the server (the agent retries).
func fail(w http.ResponseWriter, r *http.Request, err error) {
	var appErr *model.AppError
	switch {
	case errors.Is(err, kvstore.ErrBusy):
		httpx.Busy(w, r, "the same request is being handled; retry in a moment", time.Second, err)
	case errors.Is(err, errUnknownRequest):
		httpx.Error(w, r, http.StatusNotFound, errUnknownRequest.Error(), err)
	case errors.Is(err, approvals.ErrTooLarge):
		httpx.Error(w, r, http.StatusBadRequest, err.Error(), err)
	case errors.Is(err, sessions.ErrEnded):
		httpx.Error(w, r, http.StatusConflict, "the session has ended; resume it from its thread", err)
	case errors.As(err, &appErr) && appErr != nil && (appErr.StatusCode == http.StatusBadRequest || appErr.StatusCode == http.StatusRequestEntityTooLarge):
		// Mattermost's own checks (Post.IsValid and friends) refused what
		// this output would post: the output is at fault, not the server.
		httpx.Error(w, r, http.StatusBadRequest, "Mattermost refused the post this output makes ("+appErr.Id+")", err)
	default:
		httpx.Fail(w, r, err)
	}
}
