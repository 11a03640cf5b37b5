// Package command implements the /claude slash command: help, pairing a
// machine (connect), listing and revoking machines.
package command

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/claude-mattermost/claude-mattermost/server/clock"
	"github.com/claude-mattermost/claude-mattermost/server/machines"
	"github.com/claude-mattermost/claude-mattermost/server/mmapi"
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
)

// Definition is the command registered at activation, with autocomplete.
func Definition() *model.Command {
	ac := model.NewAutocompleteData(Trigger, "[command]", "Claude Code on your machines")
	newSession := model.NewAutocompleteData(SubNew, "<what Claude should do>", "Start a Claude Code session in this channel")
	newSession.AddTextArgument("The task, as you would write it after @claude", "<what Claude should do>", "")
	ac.AddCommand(newSession)
	ac.AddCommand(model.NewAutocompleteData(SubConnect, "", "Pair a machine: get a one-time code for the claude-mattermost agent"))
	ac.AddCommand(model.NewAutocompleteData(SubMachines, "", "List your paired machines"))
	disconnect := model.NewAutocompleteData(SubDisconnect, "<machine name or id>", "Unpair a machine: its agent token stops working at once")
	disconnect.AddTextArgument("Machine name or id (see /claude machines)", "<machine name or id>", "")
	ac.AddCommand(disconnect)
	ac.AddCommand(model.NewAutocompleteData(SubHelp, "", "How to use Claude Code in Mattermost"))
	return &model.Command{
		Trigger:          Trigger,
		DisplayName:      "Claude Code",
		Description:      "Work with Claude Code running on your machines",
		AutoComplete:     true,
		AutoCompleteDesc: "Available commands: new, connect, machines, disconnect, help",
		AutoCompleteHint: "[command]",
		AutocompleteData: ac,
	}
}

// Parse splits "/claude sub rest…" into the lower-cased subcommand and the
// rest (trimmed). A bare "/claude" gives "help".
func Parse(text string) (string, string) {
	fields := strings.Fields(text)
	if len(fields) > 0 && strings.EqualFold(fields[0], "/"+Trigger) {
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return SubHelp, ""
	}
	return strings.ToLower(fields[0]), strings.Join(fields[1:], " ")
}

// Starter starts a session from the command and says how it went.
type Starter interface {
	StartFromCommand(userID, channelID, prompt string) string
}

// Handler runs the command.
type Handler struct {
	machines *machines.Service
	starter  Starter
	clock    clock.Clock
	api      mmapi.API
	botName  string
	log      mmapi.Logger
}

// New returns the command handler.
func New(m *machines.Service, starter Starter, c clock.Clock, api mmapi.API, botName string) *Handler {
	return &Handler{machines: m, starter: starter, clock: c, api: api, botName: botName, log: mmapi.NewLogger(api).With("component", "command")}
}

// Execute answers one /claude command; replies are ephemeral.
func (h *Handler) Execute(args *model.CommandArgs) *model.CommandResponse {
	sub, rest := Parse(args.Command)
	var text string
	switch sub {
	case SubHelp:
		text = h.help()
	case SubNew:
		text = h.starter.StartFromCommand(args.UserId, args.ChannelId, rest)
	case SubConnect:
		text = h.connect(args.UserId)
	case SubMachines:
		text = h.list(args.UserId)
	case SubDisconnect:
		text = h.disconnect(args.UserId, rest)
	default:
		text = fmt.Sprintf("Unknown command `%s`.\n\n%s", sub, usage)
	}
	return &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: text}
}

const usage = "Usage: `/claude new <task>` · `/claude connect` · `/claude machines` · `/claude disconnect <machine name or id>` · `/claude help`"

func (h *Handler) help() string {
	return "#### Claude Code for Mattermost\n" +
		"1. `/claude connect` gives you a one-time code; on your machine run `claude-mattermost login` and enter it.\n" +
		"2. Mention `@" + h.botName + "` with a task in any channel: `@" + h.botName + " fix the flaky test in src/auth`. " +
		"A session thread starts; Claude runs on your most recently seen machine. `/claude new <task>` does the same.\n" +
		"3. Reply in the thread to talk to Claude, approve or deny what it wants to run, write `!stop` to stop it.\n\n" +
		usage
}

func (h *Handler) connect(userID string) string {
	code, expires, err := h.machines.NewPairingCode(userID)
	if err != nil {
		h.log.Error("Cannot make a pairing code", "user_id", userID, "err", err)
		return "Sorry, I could not make a pairing code. Please try again."
	}
	site := mmapi.SiteURL(h.api)
	if site == "" {
		site = "<your Mattermost URL>"
	}
	minutes := int(expires.Sub(h.clock.Now()).Round(time.Minute) / time.Minute)
	return fmt.Sprintf("Your pairing code is **%s**. It works once and expires in %d minutes.\n\n"+
		"On the machine Claude Code should run on, run:\n```\nclaude-mattermost login --url %s\n```\nand enter the code when asked (or add `--code %s`).",
		code, minutes, site, code)
}

func (h *Handler) list(userID string) string {
	list, err := h.machines.ListForUser(userID)
	if err != nil {
		h.log.Error("Cannot list machines", "user_id", userID, "err", err)
		return "Sorry, I could not list your machines. Please try again."
	}
	if len(list) == 0 {
		return "You have no paired machines. Run `/claude connect` to pair one."
	}
	now := h.clock.Now()
	var b strings.Builder
	b.WriteString("| Machine | ID | Status | Paired |\n| --- | --- | --- | --- |\n")
	for i, m := range list {
		name := m.Name
		if i == 0 {
			name += " (default)"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", escapeCell(name), m.ID, status(m, now), time.UnixMilli(m.PairedAt).UTC().Format("2006-01-02 15:04 UTC"))
	}
	b.WriteString("\nUnpair one with `/claude disconnect <machine name or id>`.")
	return b.String()
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func status(m *machines.Machine, now time.Time) string {
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
	m, err := h.machines.Revoke(userID, nameOrID)
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
	return fmt.Sprintf("Disconnected `%s`. Its agent token no longer works.", m.Name)
}
