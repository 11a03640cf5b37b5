#!/bin/sh
# What Claude Code runs for every hook event, as `claude-mattermost hooks
# install` wrote it into its settings:
#
#     sh <dir>/hook.sh <node> [<node args>] <dir>/hook.js claude-mattermost-hook
#
# A session that is not followed ends here, before Node starts: Claude Code
# runs hooks in the session's project directory, so this compares that
# directory with the followed ones (`follow.list`, one per line, written
# beside follow.json by `claude-mattermost follow`). Whatever this cannot rule
# out (a followed directory, CLAUDE_MATTERMOST_FOLLOW=1, no list yet) goes on
# to hook.js, which decides for real. Either way stdin is read to its end, as
# Claude Code expects of a hook.
case "${CLAUDE_MATTERMOST_FOLLOW-}" in
  1|true) exec "$@" ;;
  0) exec cat >/dev/null ;;
esac
# The Claude Code the agent runs itself: the agent mirrors that session already.
[ -n "${CLAUDE_MATTERMOST_AGENT_SESSION-}" ] && exec cat >/dev/null

if [ -n "${CLAUDE_MATTERMOST_CONFIG_DIR-}" ]; then
  dir=$CLAUDE_MATTERMOST_CONFIG_DIR
else
  case "${XDG_CONFIG_HOME-}" in
    /*) dir=$XDG_CONFIG_HOME/claude-mattermost ;;
    *) dir=$HOME/.config/claude-mattermost ;;
  esac
fi
list=$dir/follow.list
[ -f "$list" ] || exec "$@"

cwd=${CLAUDE_PROJECT_DIR:-$PWD}
# The list is read on fd 3: stdin is the event, for hook.js or for cat.
while IFS= read -r followed <&3 || [ -n "$followed" ]; do
  [ -n "$followed" ] || continue
  followed=${followed%/}
  # Quoted, the followed directory is matched literally (no glob characters).
  case "$cwd/" in
    "$followed"/*) exec "$@" 3<&- ;;
  esac
done 3< "$list"
exec cat >/dev/null
