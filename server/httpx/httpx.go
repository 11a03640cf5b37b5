// Package httpx holds what every route shares: JSON in and out, errors
// that tell users something short and logs the cause, body limits, panic
// recovery and the request-scoped logger.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/safetext"
)

// MaxBodyBytes limits every request body.
const MaxBodyBytes = 1 << 20

type loggerKey struct{}

// WithLogger stores the request's logger in ctx.
func WithLogger(ctx context.Context, l mmapi.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// Logger returns the request's logger.
func Logger(ctx context.Context) mmapi.Logger {
	l, _ := ctx.Value(loggerKey{}).(mmapi.Logger)
	return l
}

// AddLogFields adds key/value pairs to the request's logger.
func AddLogFields(r *http.Request, kv ...any) *http.Request {
	return r.WithContext(WithLogger(r.Context(), Logger(r.Context()).With(kv...)))
}

// WriteJSON writes v with the status code.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Error writes {"error": public} with the status code and logs err (the
// cause, which users never see): 4xx as a warning, 5xx as an error.
func Error(w http.ResponseWriter, r *http.Request, status int, public string, err error) {
	ErrorWith(w, r, status, public, err, nil)
}

// ErrorWith is Error with more fields in the body.
func ErrorWith(w http.ResponseWriter, r *http.Request, status int, public string, err error, extra map[string]any) {
	log := Logger(r.Context()).With("status", status, "method", r.Method, "path", r.URL.Path)
	cause := public
	if !IsNil(err) {
		cause = err.Error()
	}
	if status >= 500 {
		log.Error("Request failed", "err", cause)
	} else {
		log.Warn("Request refused", "err", cause)
	}
	body := map[string]any{"error": public}
	for k, v := range extra {
		body[k] = v
	}
	WriteJSON(w, status, body)
}

// IsNil tells whether err is nil, or a nil pointer inside a non-nil error
// (a nil *model.AppError returned as error: calling its Error panics).
func IsNil(err error) bool {
	if err == nil {
		return true
	}
	v := reflect.ValueOf(err)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// BadRequest is an input error: 400 with a message that says what was wrong.
type BadRequest struct{ Msg string }

func (e *BadRequest) Error() string { return e.Msg }

// Invalid returns a BadRequest error.
func Invalid(format string, args ...any) error { return &BadRequest{Msg: fmt.Sprintf(format, args...)} }

// DecodeJSON reads a JSON object body (at most MaxBodyBytes) into v. Unknown
// fields are ignored; a wrong type, bad syntax, an empty or oversized body
// give a *BadRequest saying which.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	data, err := ReadBody(w, r)
	if err != nil {
		return err
	}
	return Unmarshal(data, v)
}

// ReadBody reads the request body, at most MaxBodyBytes.
func ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return ReadBodyLimit(w, r, MaxBodyBytes)
}

// ReadBodyLimit reads the request body, at most limit bytes.
func ReadBodyLimit(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, Invalid("request body is larger than %d bytes", limit)
		}
		return nil, Invalid("cannot read request body")
	}
	return data, nil
}

// Unmarshal decodes one JSON object from data into v, with DecodeJSON's
// errors. Every string in it (object keys and raw JSON kept as
// json.RawMessage included) comes out safe to store: NUL and invalid UTF-8
// are replaced by U+FFFD (package safetext).
func Unmarshal(data []byte, v any) error {
	trimmed := strings.TrimSpace(string(safetext.JSON(data)))
	if trimmed == "" {
		return Invalid("request body is empty, expected a JSON object")
	}
	if trimmed[0] != '{' {
		return Invalid("request body must be a JSON object")
	}
	dec := json.NewDecoder(strings.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			field := typeErr.Field
			if field == "" {
				field = "body"
			}
			return Invalid("field %q must be %s, not %s", field, jsonType(typeErr.Type.Kind().String()), typeErr.Value)
		case errors.As(err, &syntaxErr):
			return Invalid("request body is not valid JSON (at byte %d)", syntaxErr.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return Invalid("request body is truncated JSON")
		default:
			return Invalid("request body is not valid JSON: %v", err)
		}
	}
	if dec.More() {
		return Invalid("request body has data after the JSON object")
	}
	return nil
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	default:
		return "a " + kind
	}
}

// Fail answers err: a *BadRequest as 400 with its message, anything else as
// 500 with a generic message.
func Fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *BadRequest
	if errors.As(err, &bad) {
		Error(w, r, http.StatusBadRequest, bad.Msg, err)
		return
	}
	Error(w, r, http.StatusInternalServerError, "internal error, see the server log", err)
}

// Busy answers 503 with Retry-After: the request met work in progress
// that will soon be done (not a fault, so it logs a warning), and the
// same request a little later succeeds.
func Busy(w http.ResponseWriter, r *http.Request, public string, retryAfter time.Duration, err error) {
	cause := public
	if !IsNil(err) {
		cause = err.Error()
	}
	Logger(r.Context()).With("status", http.StatusServiceUnavailable, "method", r.Method, "path", r.URL.Path).
		Warn("Request deferred", "err", cause)
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(retryAfter.Round(time.Second)/time.Second))))
	WriteJSON(w, http.StatusServiceUnavailable, map[string]any{"error": public})
}

// TooMany answers 429 with Retry-After (logged as a warning).
func TooMany(w http.ResponseWriter, r *http.Request, public string, retryAfter time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int((retryAfter+time.Second-1)/time.Second))))
	Error(w, r, http.StatusTooManyRequests, public, nil)
}

// Recover turns a panic in a handler into a 500 and an error log line.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				Error(w, r, http.StatusInternalServerError, "internal error, see the server log",
					fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// SafeQuery makes every query parameter safe to store (NUL and invalid
// UTF-8 become U+FFFD, package safetext) before the handlers read it.
func SafeQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			q := r.URL.Query()
			changed := false
			for k, vs := range q {
				for i, v := range vs {
					if !safetext.Safe(v) {
						vs[i], changed = safetext.String(v), true
					}
				}
				if !safetext.Safe(k) {
					delete(q, k)
					q[safetext.String(k)], changed = vs, true
				}
			}
			if changed {
				u := *r.URL
				u.RawQuery = q.Encode()
				r = r.Clone(r.Context())
				r.URL = &u
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ClientIP is the address a request came from: the first address in the
// first of trustedHeaders the request has (Mattermost's
// ServiceSettings.TrustedProxyIPHeader, set when it runs behind a proxy),
// else the connection's remote address.
func ClientIP(r *http.Request, trustedHeaders []string) string {
	for _, h := range trustedHeaders {
		if v := r.Header.Get(h); v != "" {
			first, _, _ := strings.Cut(v, ",")
			if ip := strings.TrimSpace(first); ip != "" {
				return ip
			}
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// WithRequestLogger gives every request a logger.
func WithRequestLogger(base mmapi.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(WithLogger(r.Context(), base)))
		})
	}
}
