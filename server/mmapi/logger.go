package mmapi

// LogAPI is the logging part of the plugin API.
type LogAPI interface {
	LogDebug(msg string, keyValuePairs ...any)
	LogInfo(msg string, keyValuePairs ...any)
	LogWarn(msg string, keyValuePairs ...any)
	LogError(msg string, keyValuePairs ...any)
}

// Logger logs through the plugin API with key/value fields that stick.
type Logger struct {
	api    LogAPI
	fields []any
}

// NewLogger returns a logger without fields.
func NewLogger(api LogAPI) Logger { return Logger{api: api} }

// With returns a logger that adds the key/value pairs to every line.
func (l Logger) With(keyValuePairs ...any) Logger {
	fields := make([]any, 0, len(l.fields)+len(keyValuePairs))
	fields = append(fields, l.fields...)
	fields = append(fields, keyValuePairs...)
	return Logger{api: l.api, fields: fields}
}

func (l Logger) all(kv []any) []any {
	if len(l.fields) == 0 {
		return kv
	}
	out := make([]any, 0, len(l.fields)+len(kv))
	return append(append(out, l.fields...), kv...)
}

// Debug logs at debug level.
func (l Logger) Debug(msg string, kv ...any) {
	if l.api != nil {
		l.api.LogDebug(msg, l.all(kv)...)
	}
}

// Info logs at info level.
func (l Logger) Info(msg string, kv ...any) {
	if l.api != nil {
		l.api.LogInfo(msg, l.all(kv)...)
	}
}

// Warn logs at warning level.
func (l Logger) Warn(msg string, kv ...any) {
	if l.api != nil {
		l.api.LogWarn(msg, l.all(kv)...)
	}
}

// Error logs at error level.
func (l Logger) Error(msg string, kv ...any) {
	if l.api != nil {
		l.api.LogError(msg, l.all(kv)...)
	}
}
