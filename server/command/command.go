// Package command implements the /claude slash command: help, starting a
// session (new), pairing a machine (connect, under the pairing policy),
// listing, sharing and revoking machines, the sessions and status
// overviews; thread commands run as /claude <command> go to threads.
package command

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/cards"
	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/config"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
	"github.com/claude-mattermost/claude-mattermost/server/safetext"
	"github.com/claude-mattermost/claude-mattermost/server/sessions"
)

// Trigger is the slash command's name.
const Trigger = "claude"

// Subcommands.
const (
	SubHelp       = "help"
	SubConnect    = "connect"
	SubMachines   = "machines"
	SubDisconnect = "disconnect"
	SubNew        = "new"
	SubShare      = "share"
	SubUnshare    = "unshare"
	SubSessions   = "sessions"
	SubStatus     = "status"
)

// Definition is the command registered at activation, with autocomplete.
func Definition() *model.Command {
	ac := model.NewAutocompleteData(Trigger, "[command]", "Claude Code on your machines")
	newSession := model.NewAutocompleteData(SubNew, "[on <machine>] [in <dir>] [on branch <branch>] <task>", "Start a Claude Code session in this channel")
	newSession.AddTextArgument("The task, as you would write it after @claude", "[on <machine>] [in <dir>] [on branch <branch>] <task>", "")
	ac.AddCommand(newSession)
	ac.AddCommand(model.NewAutocompleteData(SubSessions, "", "Your sessions and links to their threads"))
	ac.AddCommand(model.NewAutocompleteData(SubStatus, "", "Your machines, sessions and the plugin version"))
	ac.AddCommand(model.NewAutocompleteData(SubConnect, "", "Pair a machine: get a one-time code for the claude-mattermost agent"))
	ac.AddCommand(model.NewAutocompleteData(SubMachines, "", "List your paired machines and those shared with you"))
	share := model.NewAutocompleteData(SubShare, "<machine> @user", "Let someone start sessions on your machine")
	share.AddTextArgument("Machine name and @user", "<machine> @user", "")
	ac.AddCommand(share)
	unshare := model.NewAutocompleteData(SubUnshare, "<machine> @user", "Stop sharing your machine with someone")
	unshare.AddTextArgument("Machine name and @user", "<machine> @user", "")
	ac.AddCommand(unshare)
	disconnect := model.NewAutocompleteData(SubDisconnect, "<machine name or id>", "Unpair a machine: its agent token stops working at once")
	disconnect.AddTextArgument("Machine name or id (see /claude machines)", "<machine name or id>", "")
	ac.AddCommand(disconnect)
	ac.AddCommand(model.NewAutocompleteData(SubHelp, "", "How to use Claude Code in Mattermost"))
	return &model.Command{
		Trigger:          Trigger,
		DisplayName:      "Claude Code",
		Description:      "Work with Claude Code running on your machines",
		AutoComplete:     true,
		AutoCompleteDesc: "Available commands: new, sessions, status, connect, machines, share, unshare, disconnect, help; in a session thread also stop, escape, cd, permissions, model, cost, context, compact, invite, kick, worktree, file; in a terminal session away, back, continue",
		AutoCompleteHint: "[command]",
		AutocompleteData: ac,
	}
}

// Parse splits "/claude sub rest…" into the lower-cased subcommand and the
// rest (trimmed, line breaks kept). A bare "/claude" gives "help".
func Parse(text string) (string, string) {
	text = strings.TrimSpace(text)
	if first, rest := cut(text); strings.EqualFold(first, "/"+Trigger) {
		text = rest
	}
	sub, rest := cut(text)
	if sub == "" {
		return SubHelp, ""
	}
	return strings.ToLower(sub), rest
}

func cut(s string) (string, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// Threads starts sessions and runs thread commands (threads.Service).
type Threads interface {
	StartFromCommand(userID, channelID, text string) string
	RunFromCommand(userID, rootID, name, args string) string
}

// Config wires the handler.
type Config struct {
	Machines      *machines.Service
	Sessions      *sessions.Service
	Threads       Threads
	IsThreadCmd   func(name string) bool
	Settings      *config.Store
	Clock         clock.Clock
	API           mmapi.API
	BotUsername   string
	PluginVersion string
}

// Handler runs the command.
type Handler struct {
	Config
	log mmapi.Logger
}

// New returns the command handler.
func New(c Config) *Handler {
	return &Handler{Config: c, log: mmapi.NewLogger(c.API).With("component", "command")}
}

// Execute answers one /claude command; replies are ephemeral.
func (h *Handler) Execute(args *model.CommandArgs) *model.CommandResponse {
	// The command's text reaches posts and records (a prompt, a machine
	// name): make it safe to store first.
	sub, rest := Parse(safetext.String(args.Command))
	var text string
	switch {
	case sub == SubHelp:
		text = h.help()
	case sub == SubNew:
		text = h.Threads.StartFromCommand(args.UserId, args.ChannelId, rest)
	case sub == SubConnect:
		text = h.connect(args.UserId)
	case sub == SubMachines:
		text = h.list(args.UserId)
	case sub == SubDisconnect:
		text = h.disconnect(args.UserId, rest)
	case sub == SubShare:
		text = h.share(args.UserId, rest, true)
	case sub == SubUnshare:
		text = h.share(args.UserId, rest, false)
	case sub == SubSessions:
		text = h.sessions(args.UserId)
	case sub == SubStatus:
		text = h.status(args.UserId)
	case h.IsThreadCmd != nil && h.IsThreadCmd(sub):
		text = h.Threads.RunFromCommand(args.UserId, args.RootId, sub, rest)
	default:
		text = fmt.Sprintf("Unknown command `%s`.\n\n%s", strings.ReplaceAll(sub, "`", ""), usage)
	}
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

const usage = "Usage: `/claude new [on <machine>] [in <dir>] [on branch <branch>] <task>` · `/claude sessions` · `/claude status` · " +
	"`/claude connect` · `/claude machines` · `/claude share|unshare <machine> @user` · `/claude disconnect <machine name or id>` · `/claude help`"

func (h *Handler) help() string {
	return "#### Claude Code for Mattermost\n" +
		"1. `/claude connect` gives you a one-time code; on your machine run `claude-mattermost login` and enter it.\n" +
		"2. Mention `@" + h.botName() + "` with a task in any channel: `@" + h.botName() + " fix the flaky test in src/auth`. " +
		"A session thread starts; Claude runs on your most recently seen machine. `/claude new <task>` does the same.\n" +
		"Options come first: `@" + h.botName() + " on desk in ~/src/app on branch fix/login fix the login`. A direct message to me needs no mention.\n" +
		"3. Reply in the thread to talk to Claude, approve or deny what it wants to run; `!help` there lists the thread commands " +
		"(`!stop`, `!escape`, `!cd`, `!permissions`, `!invite @user`, …).\n\n" +
		usage
}

func (h *Handler) botName() string { return h.BotUsername }

func (h *Handler) connect(userID string) string {
	user, appErr := h.API.GetUser(userID)
	if appErr != nil {
		h.log.Error("Cannot load the user of /claude connect", "user_id", userID, "err", appErr)
		return "Sorry, I could not make a pairing code. Please try again."
	}
	if !h.Settings.Get().MayPair(user.Username, user.IsSystemAdmin()) {
		h.log.Info("Pairing refused by the pairing policy", "user_id", userID, "policy", h.Settings.Get().PairingPolicy)
		return "Your system admin has not allowed you to pair machines. Ask them to add you in the plugin settings " +
			"(System Console > Plugins > Claude Code), or ask a teammate to `/claude share` a machine with you."
	}
	code, expires, err := h.Machines.NewPairingCode(userID)
	if err != nil {
		h.log.Error("Cannot make a pairing code", "user_id", userID, "err", err)
		return "Sorry, I could not make a pairing code. Please try again."
	}
	site := mmapi.SiteURL(h.API)
	if site == "" {
		site = "<your Mattermost URL>"
	}
	minutes := int(expires.Sub(h.Clock.Now()).Round(time.Minute) / time.Minute)
	return fmt.Sprintf("Your pairing code is **%s**. It works once and expires in %d minutes.\n\n"+
		"On the machine Claude Code should run on, run:\n```\nclaude-mattermost login --url %s\n```\nand enter the code when asked (or add `--code %s`).",
		code, minutes, site, code)
}

func (h *Handler) list(userID string) string {
	list, err := h.Machines.ListForUser(userID)
	if err != nil {
		h.log.Error("Cannot list machines", "user_id", userID, "err", err)
		return "Sorry, I could not list your machines. Please try again."
	}
	shared, err := h.Machines.SharedWith(userID)
	if err != nil {
		h.log.Error("Cannot list shared machines", "user_id", userID, "err", err)
		return "Sorry, I could not list your machines. Please try again."
	}
	if len(list) == 0 && len(shared) == 0 {
		return "You have no paired machines. Run `/claude connect` to pair one."
	}
	now := h.Clock.Now()
	var b strings.Builder
	if len(list) == 0 {
		b.WriteString("You have no paired machines of your own (`/claude connect` pairs one).\n")
		h.writeShared(&b, shared, now)
		return b.String()
	}
	b.WriteString("| Machine | ID | Status | Paired |\n| --- | --- | --- | --- |\n")
	for i, m := range list {
		name := m.Name
		if i == 0 {
			name += " (default)"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", escapeCell(name), m.ID, machineStatus(m, now), time.UnixMilli(m.PairedAt).UTC().Format("2006-01-02 15:04 UTC"))
	}
	for _, m := range list {
		if len(m.SharedWith) > 0 {
			fmt.Fprintf(&b, "\n`%s` is shared with %s.", m.Name, h.usernames(m.SharedWith))
		}
	}
	b.WriteString("\nUnpair one with `/claude disconnect <machine name or id>`; share one with `/claude share <machine> @user`.")
	if len(shared) > 0 {
		b.WriteString("\n\n")
		h.writeShared(&b, shared, now)
	}
	return b.String()
}

func (h *Handler) writeShared(b *strings.Builder, shared []*machines.Machine, now time.Time) {
	b.WriteString("**Shared with you** (start a session with `@" + h.botName() + " on <machine> …`):\n\n")
	b.WriteString("| Machine | Owner | Status |\n| --- | --- | --- |\n")
	for _, m := range shared {
		fmt.Fprintf(b, "| %s | %s | %s |\n", escapeCell(m.Name), h.usernames([]string{m.UserID}), machineStatus(m, now))
	}
}

func (h *Handler) usernames(ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if u, appErr := h.API.GetUser(id); appErr == nil {
			names = append(names, "@"+u.Username)
		}
	}
	return strings.Join(names, ", ")
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func machineStatus(m *machines.Machine, now time.Time) string {
	switch {
	case m.Online(now):
		return "🟢 online"
	case m.LastSeen == 0:
		return "⚪ never connected"
	default:
		return "⚪ last seen " + ago(now.Sub(time.UnixMilli(m.LastSeen)))
	}
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	default:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func (h *Handler) disconnect(userID, nameOrID string) string {
	if nameOrID == "" {
		return "Which machine? `/claude disconnect <machine name or id>` (see `/claude machines`)."
	}
	m, err := h.Machines.Revoke(userID, nameOrID)
	switch {
	case errors.Is(err, machines.ErrNotFound):
		return fmt.Sprintf("You have no machine called `%s`. See `/claude machines`.", strings.ReplaceAll(nameOrID, "`", ""))
	case errors.Is(err, machines.ErrAmbiguous):
		return "More than one of your machines has that name; use its id from `/claude machines`."
	case err != nil:
		h.log.Error("Cannot revoke a machine", "user_id", userID, "err", err)
		return "Sorry, I could not disconnect that machine. Please try again."
	}
	h.log.Info("Machine revoked", "user_id", userID, "machine_id", m.ID)
	h.Sessions.Refresh(cards.RefreshMachines, append([]string{userID}, m.SharedWith...)...)
	return fmt.Sprintf("Disconnected `%s`. Its agent token no longer works.", m.Name)
}
