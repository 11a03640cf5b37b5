package agentapi

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/files"
	"github.com/claude-mattermost/claude-mattermost/server/httpx"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// validFileID accepts a Mattermost id: 26 lower-case letters and digits.
func validFileID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// file is GET /agent/files/{file_id}: the bytes of an attachment in a
// thread of one of this machine's sessions.
func (h *handler) file(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	fileID := mux.Vars(r)["file_id"]
	r = httpx.AddLogFields(r, "file_id", fileID)
	if !validFileID(fileID) {
		httpx.Fail(w, r, httpx.Invalid("file id must be a Mattermost id (26 letters and digits)"))
		return
	}
	info, data, err := h.Files.Download(a.machine.ID, fileID)
	switch {
	case errors.Is(err, files.ErrNotFound):
		httpx.Error(w, r, http.StatusNotFound, "unknown file", err)
		return
	case errors.Is(err, files.ErrForbidden):
		httpx.Error(w, r, http.StatusForbidden, "this file is not in a thread of this machine's sessions", err)
		return
	case errors.Is(err, files.ErrTooLarge):
		httpx.Error(w, r, http.StatusRequestEntityTooLarge, err.Error(), err)
		return
	case err != nil:
		httpx.Fail(w, r, err)
		return
	}
	ctype := info.MimeType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": info.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// upload is POST /agent/sessions/{id}/files?name=<name>: the raw body is
// posted in the session thread as a file (idempotent by key).
func (h *handler) upload(w http.ResponseWriter, r *http.Request) {
	a := agentFrom(r.Context())
	sessionID := mux.Vars(r)["session_id"]
	key := r.Header.Get(idempotencyHead)
	name := r.URL.Query().Get("name")
	r = httpx.AddLogFields(r, "session_id", sessionID, "name", name)
	if !validIdempotencyKey(key) {
		httpx.Fail(w, r, httpx.Invalid("header Idempotency-Key is required: 1 to %d characters of A-Z a-z 0-9 _ -", maxIDLen))
		return
	}
	if !model.IsValidId(sessionID) { // no session has such an id (nor could a key hold it)
		httpx.Error(w, r, http.StatusNotFound, "unknown session", nil)
		return
	}
	if !files.ValidName(name) {
		httpx.Fail(w, r, httpx.Invalid("query parameter name must be a file name (no directories or control characters, at most 255 bytes)"))
		return
	}
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
	data, err := httpx.ReadBodyLimit(w, r, files.MaxBytes)
	if err != nil {
		httpx.Fail(w, r, err)
		return
	}
	if len(data) == 0 {
		httpx.Fail(w, r, httpx.Invalid("request body is empty: send the file's bytes"))
		return
	}
	unlock := h.locks.lock(sessionID)
	defer unlock()
	h.idempotent(w, r, idempotencyKey(a.machine.ID, sess.ID, routeFiles, key), func() (any, error) {
		postID, fileID, err := h.Files.Upload(sess, name, data)
		if err != nil {
			return nil, err
		}
		h.Sessions.Touch(sess)
		return map[string]any{"post_id": postID, "file_id": fileID}, nil
	})
}
