// The cards' stylesheet, added to the page once at initialization. Colours come only
// from Mattermost's theme variables so every theme, dark ones included, applies.
const fg = 'var(--center-channel-color-rgb, 63, 67, 80)';

export const css = `
.cm-card {
    box-sizing: border-box;
    max-width: 720px;
    margin: 4px 0;
    padding: 12px 16px;
    border: 1px solid rgba(${fg}, 0.16);
    border-left: 4px solid rgba(${fg}, 0.32);
    border-radius: 4px;
    background: var(--center-channel-bg, #fff);
    color: var(--center-channel-color, #3f4350);
    font-size: 14px;
    line-height: 20px;
}
.cm-card h4 { margin: 0; font-size: 14px; line-height: 20px; font-weight: 600; }
.cm-label { color: rgba(${fg}, 0.64); font-size: 12px; line-height: 16px; }
.cm-mono, .cm-code, .cm-approval__cwd code {
    font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace;
    font-size: 12px;
}
.cm-visually-hidden {
    position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;
    overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

.cm-approval--pending { border-left-color: var(--away-indicator, #ffbc1f); }
.cm-approval--approved { border-left-color: var(--online-indicator, #06d6a0); }
.cm-approval--denied { border-left-color: var(--error-text, #d24b4e); }
.cm-approval--expired { border-left-color: rgba(${fg}, 0.32); }
.cm-approval__header { display: flex; align-items: baseline; gap: 8px; }
.cm-approval__title { flex: 1 1 auto; min-width: 0; }
.cm-approval__tool {
    padding: 0 6px; border-radius: 4px;
    background: rgba(${fg}, 0.08);
    font-family: Menlo, Consolas, 'Liberation Mono', monospace; font-size: 12px; font-weight: 600;
}
.cm-approval__description { margin: 6px 0 0; }
.cm-approval__cwd { display: flex; align-items: baseline; gap: 8px; margin-top: 8px; flex-wrap: wrap; }
.cm-approval__cwd code {
    padding: 0; border: 0; background: none; color: inherit;
    overflow-wrap: anywhere;
}
.cm-code {
    box-sizing: border-box;
    margin: 8px 0 0; padding: 8px 12px;
    max-height: 24em; overflow: auto;
    border: 1px solid rgba(${fg}, 0.16); border-radius: 4px;
    background: rgba(${fg}, 0.04);
    color: var(--center-channel-color, #3f4350);
    line-height: 18px;
    white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal;
}
.cm-code code { padding: 0; border: 0; background: none; color: inherit; white-space: inherit; font: inherit; }
.cm-code:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 1px; }
.cm-btn {
    height: 32px; padding: 0 16px;
    border-radius: 4px; border: 1px solid transparent;
    font-size: 12px; font-weight: 600; line-height: 16px;
    cursor: pointer;
}
.cm-btn:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 2px; }
.cm-btn:disabled { opacity: 0.56; cursor: default; }
.cm-btn--primary { background: var(--button-bg, #1c58d9); color: var(--button-color, #fff); }
.cm-btn--primary:hover:not(:disabled) { box-shadow: inset 0 0 0 32px rgba(0, 0, 0, 0.16); }
.cm-btn--danger {
    background: transparent; color: var(--error-text, #d24b4e);
    border-color: var(--error-text, #d24b4e);
}
.cm-btn--danger:hover:not(:disabled) { background: rgba(210, 75, 78, 0.08); }
.cm-btn--danger-filled { background: var(--error-text, #d24b4e); color: #fff; }
.cm-btn--danger-filled:hover:not(:disabled) { box-shadow: inset 0 0 0 32px rgba(0, 0, 0, 0.16); }
.cm-btn--secondary {
    background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.08); color: var(--button-bg, #1c58d9);
}
.cm-btn--secondary:hover:not(:disabled) { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.16); }

.cm-actions { display: flex; align-items: center; flex-wrap: wrap; gap: 8px; margin-top: 12px; min-height: 32px; }
.cm-actions__note { color: rgba(${fg}, 0.64); font-size: 12px; }
.cm-actions__question { font-weight: 600; }
/* In the right-hand sidebar the question would push Cancel to a second line; the
   red "Stop session" says it, and the group's label asks it for screen readers. */
@container (max-width: 360px) {
    .cm-actions__question { display: none; }
}
.cm-muted { margin: 6px 0 0; color: rgba(${fg}, 0.72); }
.cm-decision { display: flex; align-items: baseline; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.cm-decision__icon { font-weight: 700; }
.cm-decision--allowed .cm-decision__icon, .cm-decision--invited .cm-decision__icon,
.cm-decision--done .cm-decision__icon { color: var(--online-indicator, #06d6a0); }
.cm-decision--denied .cm-decision__icon { color: var(--error-text, #d24b4e); }
.cm-quote {
    margin: 8px 0 0; padding: 4px 0 4px 12px;
    border-left: 3px solid rgba(${fg}, 0.24);
    max-height: 12em; overflow: auto;
    color: var(--center-channel-color, #3f4350);
}
.cm-guest--pending, .cm-offer--pending { border-left-color: var(--away-indicator, #ffbc1f); }
.cm-guest--allowed, .cm-guest--invited, .cm-offer--included, .cm-offer--skipped { border-left-color: var(--online-indicator, #06d6a0); }
.cm-guest--denied { border-left-color: var(--error-text, #d24b4e); }
.cm-error { flex-basis: 100%; margin: 0; color: var(--error-text, #d24b4e); font-size: 12px; }
.cm-approval__decision { display: flex; align-items: baseline; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.cm-approval__decision-icon { font-weight: 700; }
.cm-icon { display: inline-block; vertical-align: -1px; }
.cm-approval__decision--approved .cm-approval__decision-icon { color: var(--online-indicator, #06d6a0); }
.cm-approval__decision--denied .cm-approval__decision-icon { color: var(--error-text, #d24b4e); }
.cm-approval__decision--expired { color: rgba(${fg}, 0.72); }
.cm-approval__decision time { color: rgba(${fg}, 0.64); }
.cm-approval__reason { flex-basis: 100%; color: rgba(${fg}, 0.72); }

.cm-session { border-left-color: var(--button-bg, #1c58d9); }
.cm-session__header { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.cm-session { container-type: inline-size; }
.cm-session__fields {
    display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); grid-auto-flow: row dense;
    gap: 8px 20px; margin: 10px 0 0;
}
.cm-session__field--wide, .cm-session__field--wide-lg { grid-column: span 2; }
/* Two columns in the right-hand sidebar. The status pill gets its own line there,
   whatever its label, so "Working" → "Waiting for approval" does not move the card;
   participants take one column and context two, so the grid has no hole. */
@container (max-width: 520px) {
    .cm-session__fields { grid-template-columns: repeat(2, minmax(0, 1fr)); }
    .cm-session__field--wide-lg { grid-column: auto; }
    .cm-session__field--wide-sm { grid-column: span 2; }
}
@container (max-width: 420px) {
    .cm-session__header { flex-direction: column; align-items: flex-start; gap: 4px; }
}
.cm-session__field { min-width: 0; }
.cm-session__field dt { font-weight: 400; }
.cm-session__field dd { margin: 0; min-width: 0; font-variant-numeric: tabular-nums; }
.cm-ellipsis { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cm-wrap { display: block; overflow-wrap: anywhere; }
.cm-unknown { color: rgba(${fg}, 0.48); }
.cm-session__field--warn dd { color: var(--error-text, #d24b4e); font-weight: 600; }
.cm-session__error {
    margin: 8px 0 0; padding: 6px 10px; border-radius: 4px;
    background: rgba(210, 75, 78, 0.08); color: var(--error-text, #d24b4e);
    overflow-wrap: anywhere;
}
.cm-session__hint { margin: 12px 0 0; color: rgba(${fg}, 0.64); font-size: 12px; }
.cm-meter {
    display: block; height: 4px; margin-top: 4px; border-radius: 2px; overflow: hidden;
    background: rgba(${fg}, 0.12);
}
.cm-meter__fill { display: block; height: 100%; border-radius: 2px; background: var(--button-bg, #1c58d9); }
.cm-meter--high .cm-meter__fill { background: var(--away-indicator, #ffbc1f); }
.cm-meter--full .cm-meter__fill { background: var(--error-text, #d24b4e); }
.cm-pill {
    display: inline-flex; align-items: center; gap: 6px;
    padding: 2px 8px; border-radius: 10px;
    background: rgba(${fg}, 0.08);
    font-size: 12px; font-weight: 600; line-height: 16px; white-space: nowrap;
}
.cm-pill__dot { width: 8px; height: 8px; border-radius: 50%; background: rgba(${fg}, 0.48); }
.cm-pill--starting .cm-pill__dot { background: var(--away-indicator, #ffbc1f); }
.cm-pill--working .cm-pill__dot { background: var(--online-indicator, #06d6a0); animation: cm-pulse 1.4s ease-in-out infinite; }
.cm-pill--waiting { background: rgba(255, 188, 31, 0.16); }
.cm-pill--waiting .cm-pill__dot { background: var(--away-indicator, #ffbc1f); }
.cm-pill--idle .cm-pill__dot { background: var(--online-indicator, #06d6a0); }
.cm-pill--error { background: rgba(210, 75, 78, 0.12); color: var(--error-text, #d24b4e); }
.cm-pill--error .cm-pill__dot { background: var(--error-text, #d24b4e); }
.cm-session--error { border-left-color: var(--error-text, #d24b4e); }
.cm-session--ended { border-left-color: rgba(${fg}, 0.32); }

.cm-stream { position: relative; }
.cm-markdown--plain { white-space: pre-wrap; overflow-wrap: anywhere; }
.cm-typing { display: flex; align-items: center; height: 20px; }
.cm-typing__dots { display: inline-flex; gap: 4px; }
.cm-typing__dots span {
    width: 6px; height: 6px; border-radius: 50%;
    background: rgba(${fg}, 0.48);
    animation: cm-blink 1.2s infinite ease-in-out both;
}
.cm-typing__dots span:nth-child(2) { animation-delay: 0.2s; }
.cm-typing__dots span:nth-child(3) { animation-delay: 0.4s; }

@keyframes cm-blink { 0%, 80%, 100% { opacity: 0.24; } 40% { opacity: 1; } }
@keyframes cm-pulse { 0%, 100% { opacity: 1; } 50% { opacity: 0.4; } }
@media (prefers-reduced-motion: reduce) {
    .cm-typing__dots span, .cm-pill__dot { animation: none !important; }
}
`;

const STYLE_ID = 'claude-mattermost-styles';

export function injectStyles(doc: Document = document): void {
    if (doc.getElementById(STYLE_ID)) {
        return;
    }
    const style = doc.createElement('style');
    style.id = STYLE_ID;
    style.textContent = css;
    doc.head.appendChild(style);
}
