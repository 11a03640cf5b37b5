package redact

import (
	"regexp"
	"strings"
	"unicode"
)

// Rules, applied in order: the private key block (it spans lines), then
// each key format, headers and URLs, then assignments, and last the
// entropy rule. A format rule names where the format comes from: the
// vendor's documentation, or the rule of gitleaks (github.com/gitleaks/
// gitleaks, config/gitleaks.toml) it follows. README.md lists them.
var Rules = []Rule{
	{
		// A PEM private key block; an unterminated one (still streaming, or
		// cut) is masked to the end of the text.
		Name: "private key block", minRun: 0, Source: "RFC 7468; gitleaks private-key",
		triggers: []string{"PRIVATE KEY"},
		re:       regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----(?s:.*?)(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|\z)`),
		secret:   whole,
	},
	{
		Name: "AWS access key id", minRun: 20, Source: "AWS IAM docs (unique ID prefixes); gitleaks aws-access-token",
		triggers: []string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA"},
		re:       regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b`),
		secret:   whole,
	},
	{
		// ~/.aws/credentials and config dumps: aws_secret_access_key = …
		// (spaces around '=', unquoted), as JSON/YAML keys too.
		Name: "AWS secret access key", minRun: 40, Source: "AWS CLI docs (credentials file: aws_secret_access_key, 40 characters)",
		triggers: []string{"secret_access_key", "secretaccesskey", "secret-access-key"}, lower: true,
		re:     regexp.MustCompile(`(?i)secret[_-]?access[_-]?key["']?[ \t]*(?::=|=>|[:=])[ \t]*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)`),
		secret: group(1),
	},
	{
		Name: "GitHub token", minRun: 40, Source: "GitHub docs (token prefixes); gitleaks github-pat, github-oauth, github-app-token, github-refresh-token, github-fine-grained-pat",
		triggers: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
		re:       regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b`),
		secret:   whole,
	},
	{
		Name: "GitLab token", minRun: 26, Source: "GitLab docs (token prefixes); gitleaks gitlab-pat and the other gitlab-* rules",
		triggers: []string{"glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "glft-", "glimt-", "glagent-", "gloas-", "glsoat-", "glffct-"},
		re:       regexp.MustCompile(`\bgl(?:pat|dt|ptt|rt|cbt|ft|imt|agent|oas|soat|ffct)-[A-Za-z0-9_.-]{20,}`),
		secret:   whole,
	},
	{
		Name: "Slack token", minRun: 15, Source: "Slack docs (token types); gitleaks slack-bot-token, slack-user-token, slack-app-token, slack-legacy-*",
		triggers: []string{"xox", "xapp-"},
		re:       regexp.MustCompile(`\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9]+-\d+-[A-Za-z0-9]+)`),
		secret:   whole,
	},
	{
		Name: "Slack webhook URL", minRun: 30, Source: "Slack docs (incoming webhooks); gitleaks slack-webhook-url",
		triggers: []string{"hooks.slack.com"},
		re:       regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}`),
		secret:   whole,
	},
	{
		Name: "Anthropic API key", minRun: 27, Source: "Anthropic docs (sk-ant-api03-, sk-ant-admin01-); gitleaks anthropic-api-key",
		triggers: []string{"sk-ant-"},
		re:       regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,}`),
		secret:   whole,
	},
	{
		// OpenAI-style keys: sk-… / sk-proj-…, long and with digits (a CSS
		// class like sk-spinner-container is not a key).
		Name: "OpenAI API key", minRun: 23, Source: "OpenAI docs (sk-, sk-proj-, sk-svcacct-); gitleaks openai-api-key",
		triggers: []string{"sk-"},
		re:       regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`),
		secret: func(text string, m []int) (int, int, bool) {
			key := text[m[0]:m[1]]
			return m[0], m[1], strings.ContainsFunc(key[3:], unicode.IsDigit) && strings.ContainsFunc(key[3:], unicode.IsLetter)
		},
	},
	{
		Name: "Stripe key", minRun: 18, Source: "Stripe docs (API keys: sk_live_, rk_live_, sk_test_; webhook secrets whsec_); gitleaks stripe-access-token",
		triggers: []string{"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_", "whsec_"},
		re:       regexp.MustCompile(`\b(?:(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/=]{24,})`),
		secret:   whole,
	},
	{
		Name: "Google API key", minRun: 39, Source: "Google Cloud docs (API keys start AIza); gitleaks gcp-api-key",
		triggers: []string{"AIza"},
		re:       regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`),
		secret:   whole,
	},
	{
		Name: "Google OAuth secret or token", minRun: 25, Source: "Google Identity docs (client secrets GOCSPX-, access tokens ya29.)",
		triggers: []string{"GOCSPX-", "ya29."},
		re:       regexp.MustCompile(`\b(?:GOCSPX-[A-Za-z0-9_-]{20,}|ya29\.[0-9A-Za-z_-]{20,})`),
		secret:   whole,
	},
	{
		Name: "npm token", minRun: 40, Source: "npm docs (access tokens npm_); gitleaks npm-access-token",
		triggers: []string{"npm_"},
		re:       regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`),
		secret:   whole,
	},
	{
		Name: "PyPI token", minRun: 70, Source: "PyPI docs (API tokens pypi-); gitleaks pypi-upload-token",
		triggers: []string{"pypi-AgEIcHlwaS5vcmc"},
		re:       regexp.MustCompile(`pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`),
		secret:   whole,
	},
	{
		Name: "Docker Hub token", minRun: 29, Source: "Docker docs (personal access tokens dckr_pat_)",
		triggers: []string{"dckr_pat_"},
		re:       regexp.MustCompile(`\bdckr_pat_[A-Za-z0-9_-]{20,}`),
		secret:   whole,
	},
	{
		Name: "Hugging Face token", minRun: 37, Source: "Hugging Face docs (user access tokens hf_); gitleaks huggingface-access-token",
		triggers: []string{"hf_", "api_org_"},
		re:       regexp.MustCompile(`\b(?:hf|api_org)_[A-Za-z0-9]{34,}\b`),
		secret:   whole,
	},
	{
		Name: "DigitalOcean token", minRun: 71, Source: "DigitalOcean docs (dop_v1_, doo_v1_, dor_v1_); gitleaks digitalocean-pat",
		triggers: []string{"dop_v1_", "doo_v1_", "dor_v1_"},
		re:       regexp.MustCompile(`\bdo[por]_v1_[a-f0-9]{64}\b`),
		secret:   whole,
	},
	{
		Name: "Shopify token", minRun: 38, Source: "Shopify docs (shpat_, shpca_, shppa_, shpss_); gitleaks shopify-*",
		triggers: []string{"shpat_", "shpca_", "shppa_", "shpss_"},
		re:       regexp.MustCompile(`\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b`),
		secret:   whole,
	},
	{
		Name: "SendGrid API key", minRun: 50, Source: "Twilio SendGrid docs (API keys SG.); gitleaks sendgrid-api-token",
		triggers: []string{"SG."},
		re:       regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}`),
		secret:   whole,
	},
	{
		Name: "Twilio API key", minRun: 34, Source: "Twilio docs (API key SIDs SK + 32 hex); gitleaks twilio-api-key",
		triggers: []string{"SK"},
		re:       regexp.MustCompile(`\bSK[0-9a-fA-F]{32}\b`),
		secret:   whole,
	},
	{
		Name: "Mailgun API key", minRun: 36, Source: "Mailgun docs (private API keys key-…); gitleaks mailgun-private-api-token",
		triggers: []string{"key-"},
		re:       regexp.MustCompile(`\bkey-[0-9a-zA-Z]{32}\b`),
		secret:   whole,
	},
	{
		Name: "other vendor token", minRun: 36, Source: "gitleaks linear-api-key, postman-api-token, databricks-api-token, grafana-*, sentry-user-token, age-secret-key, vault-service-token",
		triggers: []string{"lin_api_", "PMAK-", "dapi", "glsa_", "glc_", "sntryu_", "sntrys_", "AGE-SECRET-KEY-", "hvs."},
		re:       regexp.MustCompile(`\b(?:lin_api_[A-Za-z0-9]{40}|PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}|dapi[a-f0-9]{32}(?:-\d)?|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,3}|sntry[us]_[A-Za-z0-9+/=_]{40,}|AGE-SECRET-KEY-1[0-9A-Z]{58}|hvs\.[A-Za-z0-9_-]{90,120})`),
		secret:   whole,
	},
	{
		// DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…== and
		// Service Bus / Event Hubs SharedAccessKey=…; a SAS URL's sig=.
		Name: "Azure storage key", minRun: 24, Source: "Microsoft docs (storage connection strings, shared access signatures)",
		triggers: []string{"accountkey=", "sharedaccesskey=", "sig="}, lower: true,
		re:     regexp.MustCompile(`(?i)(?:\b(?:AccountKey|SharedAccessKey)=|[?&]sig=)([A-Za-z0-9+/%]{20,}(?:=|%3D){0,2})`),
		secret: group(1),
	},
	{
		Name: "JWT", minRun: 28, Source: "RFC 7519; gitleaks jwt",
		triggers: []string{"eyJ"},
		re:       regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`),
		secret:   whole,
	},
	{
		// Authorization: Bearer <credential> (also Basic, token, and the
		// header written as a JSON or code key). A variable ($TOKEN) is kept.
		Name: "Authorization header", minRun: 8, Source: "RFC 9110 (Authorization, Proxy-Authorization); gitleaks curl-auth-header",
		triggers: []string{"authorization"}, lower: true,
		re:     regexp.MustCompile(`(?i)\b(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token|digest|bot)[ \t]+)?([A-Za-z0-9._~+/=-]{8,})`),
		secret: group(1),
	},
	{
		// X-Api-Key: …, Api-Key: …, PRIVATE-TOKEN: … (GitLab), X-Vault-Token …
		Name: "API key header", minRun: 8, Source: "vendor docs (AWS API Gateway x-api-key, GitLab PRIVATE-TOKEN, Vault X-Vault-Token, Azure Ocp-Apim-Subscription-Key); gitleaks curl-auth-header",
		triggers: []string{"api-key", "-token", "subscription-key"}, lower: true,
		re:     regexp.MustCompile(`(?i)\b(?:x-api-key|x-goog-api-key|api-key|x-api-token|x-auth-token|x-access-token|private-token|job-token|x-gitlab-token|x-vault-token|x-amz-security-token|ocp-apim-subscription-key)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9._~+/=-]{8,})`),
		secret: group(1),
	},
	{
		// URL credentials: scheme://user:password@host
		Name: "password in URL", minRun: 0, Source: "RFC 3986 (userinfo)",
		triggers: []string{"://"},
		re:       regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@"'<>]*:([^\s@/"'<>]{3,})@[A-Za-z0-9.-]+`),
		secret:   group(1),
	},
	{
		// password = "hunter22", "api_key": "…", token: '…' — a quoted
		// literal of 8+ characters without spaces.
		Name: "quoted secret assignment", minRun: 0, Source: "common config and code forms; gitleaks generic-api-key",
		triggers: secretWords, lower: true,
		scan: func(text string) [][2]int { return scanAssignments(text, quotedValue) },
	},
	{
		// PASSWORD=hunter2, --token=abc123, ?api_key=… (env files, flags,
		// query strings): no space around '=', value up to a space, & or quote.
		Name: "env-style secret assignment", minRun: 0, Source: "dotenv files, command-line flags, query strings",
		triggers: append([]string{"pwd"}, secretWords...), lower: true,
		scan: func(text string) [][2]int { return scanAssignments(text, envValue) },
	},
	{
		// password: hunter22 (YAML, config dumps): the key alone on its line
		// and an unquoted value of 8+ characters mixing letters and digits,
		// so `token: string` and `password: config.db.password` stay.
		Name: "yaml-style secret assignment", minRun: 0, Source: "YAML and config dumps",
		triggers: secretWords, lower: true,
		scan: func(text string) [][2]int { return scanAssignments(text, yamlValue) },
	},
	{
		// A long random string right after a word that names a secret
		// (secret, key, token, password, credential, auth): `key = 9fK2…`,
		// `"token": "…"`, `my api key is …`.
		Name: "random string after a secret word", minRun: 20, Source: "gitleaks generic-api-key (keyword, then a value with Shannon entropy ≥ 3.5)",
		triggers: entropyWords, lower: true,
		scan: scanRandomAfterWord,
	},
}
