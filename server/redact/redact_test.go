package redact

import (
	"reflect"
	"strings"
	"testing"
)

// formats is one case per rule (README.md's table of what is redacted):
// the rule's name, a text as it leaks in practice, and the text redacted.
// The keys are made up, in each vendor's format.
var formats = []struct {
	rule string
	in   string
	want string
}{
	{"private key block", "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\ndone", "key:\n[redacted]\ndone"},
	{"private key block", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n(still streaming", "[redacted]"},
	{"private key block", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "[redacted]"},
	{"private key block", `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n"}`, `{"type": "service_account", "private_key": "[redacted]\n"}`},
	{"AWS access key id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = [redacted]"},
	{"AWS access key id", "AccessKeyId: ASIAQWERTYUIOPASDFGH", "AccessKeyId: [redacted]"},
	{"AWS secret access key", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA+\nregion = eu-west-1",
		"[default]\naws_access_key_id = [redacted]\naws_secret_access_key = [redacted]\nregion = eu-west-1"},
	{"AWS secret access key", `"SecretAccessKey": "PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA+",`, `"SecretAccessKey": "[redacted]",`},
	{"GitHub token", "export GH=ghp_RIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj", "export GH=[redacted]"},
	{"GitHub token", "token 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", "token [redacted]"},
	{"GitHub token", "gho_RIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj ghs_RIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj", "[redacted] [redacted]"},
	{"GitLab token", "use glpat-xYz12345abcdeFGHIJ6789 here", "use [redacted] here"},
	{"Slack token", "SLACK xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx ok", "SLACK [redacted] ok"},
	{"Slack token", "app token xapp-1-A00FQO1XO5C-1234567890123-adbc60926f6967e7893f57fd14c1604d ok", "app token [redacted] ok"},
	{"Slack webhook URL", "post to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX now", "post to [redacted] now"},
	{"Anthropic API key", "ANTHROPIC_API_KEY is sk-ant-api03-abcDEF_ghi-JKLmnoPQRstuVWX", "ANTHROPIC_API_KEY is [redacted]"},
	{"OpenAI API key", "key sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx", "key [redacted]"},
	{"Stripe key", "charge with sk_live_wR4y9ojfljoQoaF1LlqsajAI, refund with rk_live_xNKu8iS2G8NPRVdD53X83RZJ", "charge with [redacted], refund with [redacted]"},
	{"Stripe key", "STRIPE_WEBHOOK whsec_zzzzgEOzdmenCkhvMdgaKjIg8xNbe3nN", "STRIPE_WEBHOOK [redacted]"},
	{"Google API key", `maps.js?key=AIzaWtGSU8po_799NksnRH9ucAUsdMlHUvTCQCy&callback=init`, `maps.js?key=[redacted]&callback=init`},
	{"Google OAuth secret or token", "client 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 bearer ya29.9xfogoEmvnEN5N1aE6PwZPf1Qh6yYTWmE4lBYOvf", "client [redacted] bearer [redacted]"},
	{"npm token", "published with npm_Z8UzDzV8fUkkibjL5DZPjN0MEQ7wjJJibaZU today", "published with [redacted] today"},
	{"PyPI token", "password = pypi-AgEIcHlwaS5vcmcnr3yBdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE", "password = [redacted]"},
	{"Docker Hub token", "docker login -u me -p dckr_pat_BenQtYh5Xj8TPQxjq4i9DoV8gz4", "docker login -u me -p [redacted]"},
	{"Hugging Face token", "HF 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 loaded", "HF [redacted] loaded"},
	{"DigitalOcean token", "doctl auth init -t dop_v1_32881584d8c4fa2815d2802827283e0ad84173581569969e58b081006f7e3dfc", "doctl auth init -t [redacted]"},
	{"Shopify token", "X-Shopify-Access-Token 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", "X-Shopify-Access-Token [redacted]"},
	{"SendGrid API key", "SENDGRID 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", "SENDGRID [redacted]"},
	{"Twilio API key", "twilio api:core:keys SKd4072014b3ce107f80e222f828767efc", "twilio api:core:keys [redacted]"},
	{"Mailgun API key", "api:key-2f91624a8940f1f836f99eee3692f09e", "api:[redacted]"},
	{"other vendor token", "LINEAR lin_api_e0G9Cryn687neLfjVHq8xiM0OGr4hTxoF54Fzbka POSTMAN PMAK-fec94dbca3a0aac36098b2cc-2bd818319478da6bd0c621de49f145fda9", "LINEAR [redacted] POSTMAN [redacted]"},
	{"Azure storage key", "DefaultEndpointsProtocol=https;AccountName=app;AccountKey=MGHZEM9YpvujA/C5Q52ryFlwRlOEVHzc0X0AWIRh/JUqBlIFXZ53Ncqe28+ajY75FnCttn6kfaqDeMqG3omjMy==;EndpointSuffix=core.windows.net",
		"DefaultEndpointsProtocol=https;AccountName=app;AccountKey=[redacted];EndpointSuffix=core.windows.net"},
	{"Azure storage key", "https://app.blob.core.windows.net/c/f.txt?sv=2022-11-02&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA%3D%3D&se=2026", "https://app.blob.core.windows.net/c/f.txt?sv=2022-11-02&sig=[redacted]&se=2026"},
	{"JWT", "cookie eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end", "cookie [redacted] end"},
	{"Authorization header", `curl -H "Authorization: Bearer abcdef0123456789xyz" https://api`, `curl -H "Authorization: Bearer [redacted]" https://api`},
	{"Authorization header", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [redacted]"},
	{"API key header", `curl -H "X-Api-Key: 0123abcd4567efgh" https://api`, `curl -H "X-Api-Key: [redacted]" https://api`},
	{"API key header", `curl --header "PRIVATE-TOKEN: abcdefgh12345678" https://gitlab/api/v4`, `curl --header "PRIVATE-TOKEN: [redacted]" https://gitlab/api/v4`},
	{"password in URL", "DATABASE_URL=postgres://app:s3cretpw@db.local:5432/app", "DATABASE_URL=postgres://app:[redacted]@db.local:5432/app"},
	{"quoted secret assignment", `password = "hunter2hunter2"`, `password = "[redacted]"`},
	{"quoted secret assignment", `{"api_key": "0123456789abcdef"}`, `{"api_key": "[redacted]"}`},
	{"quoted secret assignment", `const clientSecret = 'Zm9vYmFyYmF6cXV4'`, `const clientSecret = '[redacted]'`},
	{"quoted secret assignment", `password = "p@s!w#r%d&x"`, `password = "[redacted]"`},
	{"env-style secret assignment", "PGPASSWORD=a!b@c#d$ psql", "PGPASSWORD=[redacted] psql"},
	{"password in URL", "redis://:s3cr3t!pw@cache:6379/0", "redis://:[redacted]@cache:6379/0"},
	{"env-style secret assignment", "DB_PASSWORD=hunter2\nPORT=5432", "DB_PASSWORD=[redacted]\nPORT=5432"},
	{"env-style secret assignment", "mysql --password=pa55word -h db", "mysql --password=[redacted] -h db"},
	{"env-style secret assignment", "GET /cb?state=1&access_token=abcd1234&x=2", "GET /cb?state=1&access_token=[redacted]&x=2"},
	{"yaml-style secret assignment", "db:\n  user: app\n  password: hunter22x\n", "db:\n  user: app\n  password: [redacted]\n"},
	{"yaml-style secret assignment", "token: a1b2c3d4e5f6", "token: [redacted]"},
	{"random string after a secret word", "signing key = yqoYMaaItDr9uP14pEHpJpb9ATPtdbmF", "signing key = [redacted]"},
	{"random string after a secret word", "Your new token is yqoYMaaItDr9uP14pEHpJpb9ATPtdbmF, keep it safe.", "Your new token is [redacted], keep it safe."},
	{"random string after a secret word", `secret: "yqoYMaaItDr9uP14pEHpJpb9ATPtdbmF" # rotate`, `secret: "[redacted]" # rotate`},
}

func TestEachRuleRedacts(t *testing.T) {
	for _, tc := range formats {
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

// Every rule has a case in formats, and that case is one it redacts by itself.
func TestEveryRuleHasACase(t *testing.T) {
	for _, r := range Rules {
		found := false
		for _, tc := range formats {
			if tc.rule == r.Name && r.apply(tc.in) != tc.in {
				found = true
			}
		}
		if !found {
			t.Errorf("rule %q has no case in formats that it matches", r.Name)
		}
		if r.Source == "" {
			t.Errorf("rule %q does not say where its format comes from", r.Name)
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
		{"a primary key", "PRIMARY KEY (user_id, created_at)\nkey: value\ncacheKey := fmt.Sprintf(\"user:%d\", id)"},
		{"a token count", "token_count: 123456789012345678901234\ntokens: [\"a\", \"b\"]"},
		{"prose about keys", "The key insight is that tokenization matters more than the secret sauce; the keyboard layout is us-intl."},
		{"a checksum without a secret word", "sha256:3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a"},
		{"a public key", `"publicKey": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEabc123def456"`},
		{"a key file path", "key_path: /etc/ssl/private/app-2024-server.key\nssl_key /etc/nginx/certs/example.com-20240101.key"},
		{"a generated value in code", `token := strings.Repeat("x", 40)` + "\nsecretKey = crypto.randomBytes(32).toString(\"hex\")"},
		{"an author", "author: Jane Doe <jane@example.com>"},
		{"stripe test word", "sk_live_ is how live keys start; npm_config_cache=/home/me/.npm"},
		{"a word after a secret word", "The secret ingredient is patience, and the token bucket refills every second."},
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
