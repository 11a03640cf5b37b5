// Package agentapi serves the routes the local agent calls (docs/protocol.md):
// pairing, hello, the event inbox and session output. Every route but /pair
// needs the agent token, which fixes the user and the machine.
package agentapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/approvals"
	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/files"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/inbox"
	"github.com/claude-mattermost/claude-mattermost/server/kvstore"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/ratelimit"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
	"github.com/claude-mattermost/claude-mattermost/server/streaming"
	"github.com/claude-mattermost/claude-mattermost/server/toolposts"
)

// APIVersion is the protocol version this plugin speaks.
const APIVersion = 1

// Config wires the agent routes.
type Config struct {
	API           mmapi.API
	KV            kvstore.Store
	Clock         clock.Clock
	Machines      *machines.Service
	Inbox         *inbox.Service
	Sessions      *sessions.Service
	Approvals     *approvals.Service
	Streaming     *streaming.Service
	ToolPosts     *toolposts.Service
	Files         *files.Service
	PluginVersion string
}

type handler struct {
	Config
	locks keyedMutex
	// Failed pairing attempts, per address and on the whole cluster.
	pairBySource, pairOverall ratelimit.Limit
}

// Pairing limits: failed attempts (wrong, used or expired codes) per
// client address and per minute, and on the whole cluster (every user's
// outstanding codes: guessing from many addresses) per minute. Attempts
// over a limit are refused with 429 without looking at the code.
const (
	PairFailuresPerSource = 10
	PairFailuresOverall   = 100
	PairWindow            = time.Minute
)

// Register mounts the agent routes on r (the /api/v1 router).
func Register(r *mux.Router, c Config) {
	h := &handler{Config: c, locks: keyedMutex{m: map[string]*lockEntry{}},
		pairBySource: ratelimit.Limit{KV: c.KV, Clock: c.Clock, Name: "pair_source", Max: PairFailuresPerSource, Window: PairWindow},
		pairOverall:  ratelimit.Limit{KV: c.KV, Clock: c.Clock, Name: "pair_all", Max: PairFailuresOverall, Window: PairWindow},
	}
	r.HandleFunc("/pair", h.pair).Methods(http.MethodPost)

	agent := r.PathPrefix("/agent").Subrouter()
	agent.Use(h.requireAgent)
	agent.HandleFunc("/hello", h.hello).Methods(http.MethodGet)
	agent.HandleFunc("/events", h.events).Methods(http.MethodGet)
	agent.HandleFunc("/events/ack", h.ack).Methods(http.MethodPost)
	agent.HandleFunc("/sessions", h.openSession).Methods(http.MethodPost)
	agent.HandleFunc("/sessions/{session_id}/output", h.output).Methods(http.MethodPost)
	agent.HandleFunc("/sessions/{session_id}/files", h.upload).Methods(http.MethodPost)
	agent.HandleFunc("/files/{file_id}", h.file).Methods(http.MethodGet)
}

type userRef struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

type machineRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type agentKey struct{}

type agent struct {
	machine *machines.Machine
	user    *model.User
}

func agentFrom(ctx context.Context) *agent {
	a, _ := ctx.Value(agentKey{}).(*agent)
	return a
}

// TokenHeader carries the agent token. Mattermost tries every
// "Authorization: Bearer" token on a plugin request as one of its own
// sessions (two database look-ups that fail for an agent token); a header of
// our own skips that. The Bearer form is still accepted.
const TokenHeader = "X-Claude-Agent-Token"

// requireAgent authenticates the agent token and puts the machine and its
// user in the request context. Revocation takes effect on the next request:
// nothing about tokens is cached.
func (h *handler) requireAgent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const (
			unauthorized = "agent token is missing, unknown or revoked"
			deactivated  = "the Mattermost account of this machine is deactivated"
		)
		token := strings.TrimSpace(r.Header.Get(TokenHeader))
		if token == "" {
			token = bearerToken(r.Header.Get("Authorization"))
		}
		if token == "" {
			httpx.Error(w, r, http.StatusUnauthorized, unauthorized, errors.New("no bearer token"))
			return
		}
		m, err := h.Machines.Authenticate(token)
		if errors.Is(err, machines.ErrInvalidToken) {
			httpx.Error(w, r, http.StatusUnauthorized, unauthorized, err)
			return
		}
		if err != nil {
			httpx.Fail(w, r, err)
			return
		}
		user, appErr := h.API.GetUser(m.UserID)
		switch {
		case appErr != nil && appErr.StatusCode == http.StatusNotFound:
			httpx.Error(w, r, http.StatusUnauthorized, deactivated, appErr)
			return
		case appErr != nil:
			httpx.Fail(w, r, fmt.Errorf("load the user of machine %s: %w", m.ID, appErr))
			return
		case user.DeleteAt != 0:
			httpx.Error(w, r, http.StatusUnauthorized, deactivated, fmt.Errorf("user %s is deactivated", user.Id))
			return
		}
		if touched, err := h.Machines.Touch(m, ""); err == nil {
			m = touched
		} else {
			httpx.Logger(r.Context()).Warn("Cannot record that the machine was seen", "machine_id", m.ID, "err", err)
		}
		r = httpx.AddLogFields(r, "machine_id", m.ID, "user_id", m.UserID)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), agentKey{}, &agent{machine: m, user: user})))
	})
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header
// (scheme in any case), or "".
func bearerToken(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

type pairRequest struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Hostname     string `json:"hostname"`
	AgentVersion string `json:"agent_version"`
}

type pairResponse struct {
	Token         string     `json:"token"`
	Machine       machineRef `json:"machine"`
	User          userRef    `json:"user"`
	PluginVersion string     `json:"plugin_version"`
	APIVersion    int        `json:"api_version"`
}

func (h *handler) pair(w http.ResponseWriter, r *http.Request) {
	source := httpx.ClientIP(r, h.trustedProxyHeaders())
	r = httpx.AddLogFields(r, "source", source)
	for _, l := range []struct {
		limit   ratelimit.Limit
		subject string
		public  string
	}{
		{h.pairBySource, source, "too many failed pairing attempts from this address"},
		{h.pairOverall, "", "too many failed pairing attempts on this server"},
	} {
		wait, allowed, err := l.limit.Check(l.subject)
		if err != nil {
			httpx.Fail(w, r, err)
			return
		}
		if !allowed {
			secs := int((wait + time.Second - 1) / time.Second)
			httpx.TooMany(w, r, fmt.Sprintf("%s; try again in %d seconds with a new code from /claude connect", l.public, secs), wait)
			return
		}
	}
	var req pairRequest
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if strings.TrimSpace(req.Code) == "" {
		httpx.Fail(w, r, httpx.Invalid(`field "code" is required`))
		return
	}
	token, m, err := h.Machines.Pair(machines.PairRequest{
		Code: req.Code, Name: req.Name, Hostname: req.Hostname, AgentVersion: req.AgentVersion,
	})
	if errors.Is(err, machines.ErrInvalidCode) {
		for _, l := range []struct {
			limit   ratelimit.Limit
			subject string
		}{{h.pairBySource, source}, {h.pairOverall, ""}} {
			if cerr := l.limit.Count(l.subject); cerr != nil {
				httpx.Fail(w, r, cerr)
				return
			}
		}
		httpx.Error(w, r, http.StatusUnauthorized, machines.ErrInvalidCode.Error(), err)
		return
	}
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	user, appErr := h.API.GetUser(m.UserID)
	if appErr != nil {
		httpx.Fail(w, r, fmt.Errorf("load the user of machine %s: %w", m.ID, appErr))
		return
	}
	httpx.Logger(r.Context()).Info("Machine paired", "machine_id", m.ID, "user_id", m.UserID, "name", m.Name)
	h.Sessions.Refresh(cards.RefreshMachines, m.UserID)
	httpx.WriteJSON(w, http.StatusOK, pairResponse{
		Token:         token,
		Machine:       machineRef{ID: m.ID, Name: m.Name},
		User:          userRef{ID: user.Id, Username: user.Username},
		PluginVersion: h.PluginVersion,
		APIVersion:    APIVersion,
	})
}

// trustedProxyHeaders are the headers Mattermost trusts for a client's
// address (none unless it is set up behind a proxy).
func (h *handler) trustedProxyHeaders() []string {
	if cfg := h.API.GetConfig(); cfg != nil {
		return cfg.ServiceSettings.TrustedProxyIPHeader
	}
	return nil
}

func (h *handler) hello(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	q := r.URL.Query()
	v, err := strconv.Atoi(q.Get("api_version"))
	if err != nil {
		httpx.Fail(w, r, httpx.Invalid("query parameter api_version must be an integer"))
		return
	}
	if v != APIVersion {
		httpx.ErrorWith(w, r, http.StatusUpgradeRequired,
			"this plugin speaks agent API version "+strconv.Itoa(APIVersion)+"; update the agent or the plugin", nil,
			map[string]any{"plugin_version": h.PluginVersion, "api_version": APIVersion})
		return
	}
	m := a.machine
	if version := q.Get("agent_version"); version != "" && version != m.AgentVersion {
		if touched, err := h.Machines.Touch(m, version); err == nil {
			m = touched
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"plugin_version": h.PluginVersion,
		"api_version":    APIVersion,
		"machine":        machineRef{ID: m.ID, Name: m.Name},
		"user":           userRef{ID: a.user.Id, Username: a.user.Username},
	})
}

func (h *handler) events(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	q := r.URL.Query()
	after, err := intParam(q.Get("after"), "after")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	waitSec, err := intParam(q.Get("wait"), "wait")
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	wait := min(time.Duration(waitSec)*time.Second, inbox.MaxWait)
	events, cursor, err := h.Inbox.Fetch(r.Context(), a.machine.ID, after, wait)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"events": events, "cursor": cursor})
}

func intParam(s, name string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, httpx.Invalid("query parameter %s must be a non-negative integer", name)
	}
	return n, nil
}

func (h *handler) ack(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	var req struct {
		Seq *int64 `json:"seq"`
	}
	if err := httpx.DecodeJSON(w, r, &req); err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if req.Seq == nil || *req.Seq < 0 {
		httpx.Fail(w, r, httpx.Invalid(`field "seq" is required and must be a non-negative integer`))
		return
	}
	if err := h.Inbox.Ack(a.machine.ID, *req.Seq); err != nil {
		if errors.Is(err, inbox.ErrAckAhead) {
			httpx.Fail(w, r, httpx.Invalid("%s", err.Error()))
			return
		}
		httpx.Fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"acked": *req.Seq})
}
