package redact

import (
	"reflect"
	"strings"
	"testing"
)

func TestEachRuleRedacts(t *testing.T) {
	tests := []struct {
		rule string
		in   string
		want string
	}{
		{"private key block", "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\ndone", "key:\n[redacted]\ndone"},
		{"private key block", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n(still streaming", "[redacted]"},
		{"private key block", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "[redacted]"},
		{"AWS access key id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = [redacted]"},
		{"GitHub token", "export GH=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB", "export GH=[redacted]"},
		{"GitHub token", "token github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789", "token [redacted]"},
		{"GitLab token", "use glpat-xYz12345abcdeFGHIJ6789 here", "use [redacted] here"},
		{"Slack token", "SLACK xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx ok", "SLACK [redacted] ok"},
		{"Slack webhook URL", "post to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX now", "post to [redacted] now"},
		{"Anthropic API key", "ANTHROPIC_API_KEY is sk-ant-api03-abcDEF_ghi-JKLmnoPQRstuVWX", "ANTHROPIC_API_KEY is [redacted]"},
		{"sk- API key", "key sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx", "key [redacted]"},
		{"JWT", "cookie eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end", "cookie [redacted] end"},
		{"Authorization header", `curl -H "Authorization: Bearer abcdef0123456789xyz" https://api`, `curl -H "Authorization: Bearer [redacted]" https://api`},
		{"Authorization header", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [redacted]"},
		{"password in URL", "DATABASE_URL=postgres://app:s3cretpw@db.local:5432/app", "DATABASE_URL=postgres://app:[redacted]@db.local:5432/app"},
		{"quoted secret assignment", `password = "hunter2hunter2"`, `password = "[redacted]"`},
		{"quoted secret assignment", `{"api_key": "0123456789abcdef"}`, `{"api_key": "[redacted]"}`},
		{"quoted secret assignment", `const clientSecret = 'Zm9vYmFyYmF6cXV4'`, `const clientSecret = '[redacted]'`},
		{"env-style secret assignment", "DB_PASSWORD=hunter2\nPORT=5432", "DB_PASSWORD=[redacted]\nPORT=5432"},
		{"env-style secret assignment", "mysql --password=pa55word -h db", "mysql --password=[redacted] -h db"},
		{"env-style secret assignment", "GET /cb?state=1&access_token=abcd1234&x=2", "GET /cb?state=1&access_token=[redacted]&x=2"},
		{"yaml-style secret assignment", "db:\n  user: app\n  password: hunter22x\n", "db:\n  user: app\n  password: [redacted]\n"},
		{"yaml-style secret assignment", "token: a1b2c3d4e5f6", "token: [redacted]"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			if got := String(tc.in); got != tc.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if got := String(String(tc.in)); got != tc.want {
				t.Errorf("redacting twice changed it: %q", got)
			}
		})
	}
}

func TestEveryRuleHasACase(t *testing.T) {
	src := strings.Join([]string{
		"-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----", "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB",
		"glpat-xYz12345abcdeFGHIJ6789", "xoxb-123456789012-abc", "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX",
		"sk-ant-api03-abcDEF_ghi-JKLmnoPQRstuVWX", "sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "Authorization: Bearer abcdef0123456789",
		"postgres://app:s3cretpw@db", `password = "hunter2hunter2"`, "DB_PASSWORD=hunter2", "\npassword: hunter22x\n",
	}, "\n")
	for _, r := range Rules {
		if r.apply(src) == src {
			t.Errorf("rule %q has no matching example", r.Name)
		}
	}
}

// Ordinary code, commands and prose must come through unchanged.
func TestOrdinaryTextIsKept(t *testing.T) {
	tests := []struct{ name, in string }{
		{"go code handling tokens", "token := bearerToken(r.Header.Get(\"Authorization\"))\nif token == \"\" {\n\treturn ErrInvalidToken\n}"},
		{"go constant with a short prefix", `const tokenPrefix = "cmt_"`},
		{"typescript type annotation", "interface Login { username: string; password: string }"},
		{"typescript env lookup", "const token = process.env.GITHUB_TOKEN;\nconst apiKey = config.apiKey;"},
		{"yaml referencing a secret", "env:\n  password: ${DB_PASSWORD}\n  token: ${{ secrets.GITHUB_TOKEN }}\n"},
		{"yaml with a type", "password: string\ntoken: config.auth.token\n"},
		{"shell variable", `curl -H "Authorization: Bearer $TOKEN" https://api.example.com`},
		{"env reference", "export API_KEY=$API_KEY\nPASSWORD=${PASSWORD}"},
		{"css class", `<div class="sk-spinner-container-wrapper-outer">`},
		{"words", "Please reset your password and rotate the secret token before the release; the tokenizer counts tokens."},
		{"token usage fields", `{"input_tokens": 1234, "output_tokens": 5678, "token_type": "bearer_token_v2"}`},
		{"git sha and uuid", "commit 3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a, id 123e4567-e89b-12d3-a456-426614174000"},
		{"password field names", `<input type="password" name="password" placeholder="Password">`},
		{"url without credentials", "see https://github.com/mattermost/mattermost/pull/12345"},
		{"base64 in a test", `want := "aGVsbG8gd29ybGQ="`},
		{"function call argument", "setPassword(newPassword)\nvalidateToken(token, secretKey)"},
		{"akia in prose", "AKIA is how AWS access key ids start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := String(tc.in); got != tc.in {
				t.Errorf("changed:\n in %q\nout %q", tc.in, got)
			}
		})
	}
}

func TestValueRedactsStringsInJSON(t *testing.T) {
	in := map[string]any{
		"command": "curl -H 'Authorization: Bearer abcdef0123456789' x",
		"env":     map[string]any{"API_TOKEN": "0123456789abcdef", "PORT": "8080", "token_type": "bearer"},
		"args":    []any{"--password=pa55word", 3.0, true},
	}
	want := map[string]any{
		"command": "curl -H 'Authorization: Bearer [redacted]' x",
		"env":     map[string]any{"API_TOKEN": "[redacted]", "PORT": "8080", "token_type": "bearer"},
		"args":    []any{"--password=[redacted]", 3.0, true},
	}
	if got := Value(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("Value = %#v", got)
	}
}

func FuzzString(f *testing.F) {
	for _, s := range []string{"password=abc12345", "-----BEGIN PRIVATE KEY-----", "sk-ant-xxxxxxxxxxxxxxxxxxxxxxxx", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if String(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, String(out))
		}
	})
}

func TestIncrementalMatchesString(t *testing.T) {
	full := "intro\nDB_PASSWORD=hunter2\nmore text\n-----BEGIN RSA PRIVATE KEY-----\nabc\ndef\n-----END RSA PRIVATE KEY-----\nkey sk-ant-api03-abcDEF_ghi-JKLmnoPQRstuVWX end\npassword: hunter22x\n"
	var c Incremental
	for i := 0; i <= len(full); i++ {
		if got, want := c.String(full[:i]), String(full[:i]); got != want {
			t.Fatalf("after %d bytes:\n got %q\nwant %q", i, got, want)
		}
	}
	// A text that does not continue the last one starts over.
	if got := c.String("token=abcd1234 new"); got != "token=[redacted] new" {
		t.Fatalf("restart: %q", got)
	}
}

func BenchmarkIncremental100KB(b *testing.B) {
	text := strings.Repeat(benchText(b), 10)
	b.ResetTimer()
	for range b.N {
		var c Incremental
		for i := 1000; i < len(text); i += 1000 { // a report every 1000 bytes
			c.String(text[:i])
		}
	}
}

func TestIncrementalWithAnOpenKeyBlock(t *testing.T) {
	full := "a\n-----BEGIN PRIVATE KEY-----\nMIIE\nxyz\n-----END PRIVATE KEY-----\nb token=abcd1234\n"
	var c Incremental
	for i := 0; i <= len(full); i++ {
		if got, want := c.String(full[:i]), String(full[:i]); got != want {
			t.Fatalf("after %d bytes: got %q want %q", i, got, want)
		}
	}
}
