package httpx

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi/mmapitest"
)

func TestUnmarshalSaysWhatIsWrong(t *testing.T) {
	type body struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
		Inner struct {
			On bool `json:"on"`
		} `json:"inner"`
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty body", "", "empty"},
		{"not an object", `"x"`, "JSON object"},
		{"bad syntax", `{"name": }`, "not valid JSON"},
		{"truncated", `{"name": "a"`, "JSON"},
		{"wrong type", `{"count": "3"}`, `field "count" must be an integer, not string`},
		{"wrong nested type", `{"inner": {"on": 1}}`, `field "inner.on" must be a boolean`},
		{"trailing data", `{} x`, "after the JSON object"},
		{"unknown fields are fine", `{"name": "a", "extra": [1]}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b body
			err := Unmarshal([]byte(tc.in), &b)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v does not contain %q", err, tc.want)
			}
		})
	}
}

func TestErrorsAreLoggedByClass(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		wantLevel string
	}{
		{"4xx logs as a warning", 403, "warn"},
		{"5xx logs as an error", 500, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := mmapitest.New()
			r := httptest.NewRequest("GET", "/x", nil)
			r = r.WithContext(WithLogger(r.Context(), mmapi.NewLogger(api)))
			w := httptest.NewRecorder()
			Error(w, r, tc.status, "short message", errWith("secret cause"))
			var body map[string]string
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if w.Code != tc.status || body["error"] != "short message" {
				t.Fatalf("got %d %v", w.Code, body)
			}
			logs := api.Logs()
			if len(logs) != 1 || logs[0].Level != tc.wantLevel {
				t.Fatalf("logs = %+v", logs)
			}
			if !strings.Contains(strings.Join(toStrings(logs[0].KV), " "), "secret cause") {
				t.Error("cause not logged")
			}
		})
	}
}

func TestRecoverTurnsPanicsInto500(t *testing.T) {
	api := mmapitest.New()
	h := WithRequestLogger(mmapi.NewLogger(api))(Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/x", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"error"`) {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	if logs := api.Logs(); len(logs) != 1 || logs[0].Level != "error" {
		t.Fatalf("logs = %+v", logs)
	}
}

func TestANilAppErrorAsErrorDoesNotPanic(t *testing.T) {
	api := mmapitest.New()
	r := httptest.NewRequest("GET", "/x", nil)
	r = r.WithContext(WithLogger(r.Context(), mmapi.NewLogger(api)))
	w := httptest.NewRecorder()
	var appErr *model.AppError
	Error(w, r, http.StatusUnauthorized, "account deactivated", appErr)
	if w.Code != 401 || !strings.Contains(w.Body.String(), "account deactivated") {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	if logs := api.Logs(); len(logs) != 1 || logs[0].Level != "warn" {
		t.Fatalf("logs = %+v", logs)
	}
}

type errWith string

func (e errWith) Error() string { return string(e) }

func toStrings(kv []any) []string {
	out := make([]string, len(kv))
	for i, v := range kv {
		b, _ := json.Marshal(v)
		out[i] = string(b)
	}
	return out
}
