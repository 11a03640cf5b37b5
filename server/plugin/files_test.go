package plugin

import (
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// postWithFile has userID reply in rootID with a file attached.
func (h *harness) postWithFile(userID, rootID, message, name, mimeType string, data []byte) (*model.Post, *model.FileInfo) {
	h.t.Helper()
	f := h.api.AddFile(channelID, userID, name, mimeType, data)
	p, appErr := h.api.CreatePost(&model.Post{UserId: userID, ChannelId: channelID, RootId: rootID, Message: message, FileIds: model.StringArray{f.Id}})
	if appErr != nil {
		h.t.Fatal(appErr)
	}
	h.app.HandlePost(p)
	return p, f
}

func TestReplyAttachments(t *testing.T) {
	tests := []struct {
		name      string
		user      string
		message   string
		wantEvent bool
	}{
		{"a participant's reply lists its files in the message event", aliceID, "see the screenshot", true},
		{"a reply with only a file is a message too", aliceID, "", true},
		{"a guest's file alone asks nobody anything", bobID, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, cursor := richSetup(t)
			p, f := h.postWithFile(tc.user, sess.RootID, tc.message, "shot.png", "image/png", []byte("\x89PNG"))
			evs := h.newEvents(tok, &cursor)
			if !tc.wantEvent {
				if len(evs) != 0 || len(h.api.PostsOfType("custom_claude_guest")) != 0 {
					t.Fatalf("events %+v", evs)
				}
				return
			}
			want := []any{map[string]any{"id": f.Id, "name": "shot.png", "mime_type": "image/png", "size": float64(4)}}
			if len(evs) != 1 || evs[0].Type != "message" || evs[0].Payload["post_id"] != p.Id || evs[0].Payload["text"] != tc.message ||
				!equalJSON(evs[0].Payload["files"], want) {
				t.Fatalf("events %+v", evs)
			}
		})
	}
	t.Run("a reply without files has no files field", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.post(aliceID, sess.RootID, "hello")
		if evs := h.newEvents(tok, &cursor); len(evs) != 1 || evs[0].Payload["files"] != nil {
			t.Fatalf("events %+v", evs)
		}
	})
}

func TestAgentFileDownload(t *testing.T) {
	type fixture struct {
		h      *harness
		tok    string
		bobTok string
		fileID string
	}
	setup := func(t *testing.T) fixture {
		h, tok, sess, _ := richSetup(t)
		bobTok, _ := h.pair(bobID, "desktop")
		_, f := h.postWithFile(aliceID, sess.RootID, "log", "build.log", "text/plain", []byte("line 1\nline 2\n"))
		return fixture{h, tok, bobTok, f.Id}
	}
	t.Run("the agent downloads a file of its session's thread with its type", func(t *testing.T) {
		fx := setup(t)
		res := fx.h.do(req{method: "GET", path: "/api/v1/agent/files/" + fx.fileID, token: fx.tok})
		if res.Code != 200 || string(res.Body) != "line 1\nline 2\n" || res.Header.Get("Content-Type") != "text/plain" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "build.log") {
			t.Fatalf("%d %v %q", res.Code, res.Header, res.Body)
		}
	})
	cases := []struct {
		name     string
		token    func(fx fixture) string
		fileID   func(fx fixture) string
		wantCode int
	}{
		{"another machine's agent is 403", func(fx fixture) string { return fx.bobTok }, func(fx fixture) string { return fx.fileID }, 403},
		{"a file outside any session thread is 403", func(fx fixture) string { return fx.tok }, func(fx fixture) string {
			p, _ := fx.h.api.CreatePost(&model.Post{UserId: aliceID, ChannelId: channelID, Message: "x",
				FileIds: model.StringArray{fx.h.api.AddFile(channelID, aliceID, "a.txt", "text/plain", []byte("a")).Id}})
			return p.FileIds[0]
		}, 403},
		{"a file on no post is 403", func(fx fixture) string { return fx.tok }, func(fx fixture) string {
			return fx.h.api.AddFile(channelID, aliceID, "a.txt", "text/plain", []byte("a")).Id
		}, 403},
		{"an unknown file is 404", func(fx fixture) string { return fx.tok }, func(fixture) string { return model.NewId() }, 404},
		{"a malformed id is 400", func(fx fixture) string { return fx.tok }, func(fixture) string { return "NOT-an-id" }, 400},
		{"no token is 401", func(fixture) string { return "" }, func(fx fixture) string { return fx.fileID }, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := setup(t)
			res := fx.h.do(req{method: "GET", path: "/api/v1/agent/files/" + tc.fileID(fx), token: tc.token(fx)})
			if res.Code != tc.wantCode {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	t.Run("a file over 20 MB is 413", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		_, f := h.postWithFile(aliceID, sess.RootID, "big", "big.bin", "application/octet-stream", make([]byte, 20<<20+1))
		if res := h.do(req{method: "GET", path: "/api/v1/agent/files/" + f.Id, token: tok}); res.Code != 413 {
			t.Fatalf("%d", res.Code)
		}
	})
}

func TestFileCommand(t *testing.T) {
	tests := []struct {
		name      string
		user      string
		text      string
		wantEvent map[string]any
		wantReply string
	}{
		{"!file asks the agent to post the file", aliceID, "!file dist/report.pdf", map[string]any{"name": "file", "args": "dist/report.pdf"}, ""},
		{"a quoted path with spaces is unquoted", aliceID, `!file "my notes.md"`, map[string]any{"name": "file", "args": "my notes.md"}, ""},
		{"!file without a path shows its usage", aliceID, "!file", nil, "Usage: `!file <path>`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, cursor := richSetup(t)
			h.post(tc.user, sess.RootID, tc.text)
			evs := h.newEvents(tok, &cursor)
			if tc.wantEvent == nil {
				if len(evs) != 0 || !contains(h.botReplies(sess.RootID), tc.wantReply) {
					t.Fatalf("events %+v replies %v", evs, h.botReplies(sess.RootID))
				}
				return
			}
			if len(evs) != 1 || evs[0].Type != "command" || evs[0].Payload["name"] != tc.wantEvent["name"] || evs[0].Payload["args"] != tc.wantEvent["args"] {
				t.Fatalf("events %+v", evs)
			}
		})
	}
	t.Run("a non-participant cannot use !file", func(t *testing.T) {
		h, tok, sess, cursor := richSetup(t)
		h.post(bobID, sess.RootID, "!file secrets.txt")
		if evs := h.newEvents(tok, &cursor); len(evs) != 0 || !strings.Contains(h.lastEphemeral(bobID), "Only participants") {
			t.Fatalf("events %+v", evs)
		}
	})
}

func TestAgentFileUpload(t *testing.T) {
	upload := func(h *harness, tok, sessionID, name, key string, body []byte) response {
		return h.do(req{method: "POST", path: "/api/v1/agent/sessions/" + sessionID + "/files?name=" + name, token: tok, idemKey: key, body: body})
	}
	t.Run("the agent's file is a bot reply in the thread with the file attached; a retry makes no second post", func(t *testing.T) {
		h, tok, sess, _ := richSetup(t)
		res := upload(h, tok, sess.ID, "report.txt", "u1", []byte("hello"))
		if res.Code != 200 {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		out := res.JSON(t)
		p, _ := h.api.GetPost(out["post_id"].(string))
		if p.UserId != botID || p.RootId != sess.RootID || len(p.FileIds) != 1 || p.FileIds[0] != out["file_id"] || !strings.Contains(p.Message, "report.txt") {
			t.Fatalf("post %+v", p)
		}
		data, _ := h.api.GetFile(p.FileIds[0])
		if string(data) != "hello" {
			t.Fatalf("file %q", data)
		}
		posts := len(h.api.Posts())
		again := upload(h, tok, sess.ID, "report.txt", "u1", []byte("hello"))
		if again.Code != 200 || again.JSON(t)["post_id"] != out["post_id"] || len(h.api.Posts()) != posts {
			t.Fatalf("retry: %s", again.Body)
		}
		// The agent may read back what it posted (it is in its thread).
		if res := h.do(req{method: "GET", path: "/api/v1/agent/files/" + p.FileIds[0], token: tok}); res.Code != 200 {
			t.Fatalf("download: %d", res.Code)
		}
	})
	cases := []struct {
		name     string
		token    string // "" = alice's, "bob" = bob's machine
		session  string // "" = the session
		fileName string
		key      string
		body     []byte
		wantCode int
	}{
		{"a name with a directory is 400", "", "", "..%2Fetc%2Fpasswd", "k", []byte("x"), 400},
		{"no name is 400", "", "", "", "k", []byte("x"), 400},
		{"no idempotency key is 400", "", "", "a.txt", "", []byte("x"), 400},
		{"an empty body is 400", "", "", "a.txt", "k", nil, 400},
		{"a body over 20 MB is 400", "", "", "a.txt", "k", make([]byte, 20<<20+1), 400},
		{"another machine's session is 403", "bob", "", "a.txt", "k", []byte("x"), 403},
		{"an unknown session is 404", "", "nope", "a.txt", "k", []byte("x"), 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, tok, sess, _ := richSetup(t)
			if tc.token == "bob" {
				tok, _ = h.pair(bobID, "desktop")
			}
			id := sess.ID
			if tc.session != "" {
				id = tc.session
			}
			posts := len(h.api.Posts())
			if res := upload(h, tok, id, tc.fileName, tc.key, tc.body); res.Code != tc.wantCode || len(h.api.Posts()) != posts {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
}
