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
/* The web app loads Bootstrap 3 and styles bare elements itself: labels and terms bold,
   a legend 21px with a rule under it, a pre grey with words broken anywhere, code pink
   on grey, margins under paragraphs and lists, a blockquote 17.5px with a quote glyph.
   Inside the cards and the panel those elements start plain (markdown the web app
   renders keeps its own look); the classes below set what each needs. These rules have
   the specificity of Bootstrap's and come later in the page, so they win over it and
   lose to every class here. */
:where(.cm-card, .cm-rhs) :is(h1, h2, h3, h4, h5, h6):where(:not(.cm-markdown *)) {
    margin: 0; font-family: inherit; font-size: inherit; font-weight: 600; line-height: inherit; color: inherit;
}
:where(.cm-card, .cm-rhs) :is(p, ul, ol, dl, dd):where(:not(.cm-markdown *)) { margin: 0; }
:where(.cm-card, .cm-rhs) blockquote:where(:not(.cm-markdown *)) { margin: 0; padding: 0; border: 0; font-size: inherit; }
:where(.cm-card, .cm-rhs) blockquote:where(:not(.cm-markdown *))::before { content: none; }
:where(.cm-card, .cm-rhs) :is(dt, label):where(:not(.cm-markdown *)) { font-weight: inherit; }
:where(.cm-card, .cm-rhs) label { display: inline; max-width: none; margin: 0; }
:where(.cm-card, .cm-rhs) fieldset { min-width: 0; margin: 0; padding: 0; border: 0; }
:where(.cm-card, .cm-rhs) legend {
    display: block; width: auto; margin: 0; padding: 0; border: 0;
    font-size: inherit; font-weight: inherit; line-height: inherit; color: inherit;
}
:where(.cm-card, .cm-rhs) input:is([type='radio'], [type='checkbox']) { margin: 0; line-height: normal; }
:where(.cm-card, .cm-rhs) pre:where(:not(.cm-markdown *)) {
    margin: 0; padding: 0; border: 0; border-radius: 0; background: none; color: inherit;
    font-size: inherit; line-height: inherit; word-break: normal; overflow-wrap: normal;
}
:where(.cm-card, .cm-rhs) code:where(:not(.cm-markdown *)) {
    padding: 0; border-radius: 0; background: none; color: inherit; font-size: inherit; white-space: inherit;
}
:where(.cm-card, .cm-rhs) textarea { margin: 0; }

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
    .cm-session .cm-actions__question { display: none; }
    .cm-approval .cm-actions__question { flex-basis: 100%; }
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

.cm-card--wide { max-width: none; }
.cm-link { color: var(--link-color, #386fe5); overflow-wrap: anywhere; text-decoration: none; }
.cm-link:hover { text-decoration: underline; }
.cm-link:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 1px; }
.cm-link-btn {
    padding: 0; border: 0; background: none; cursor: pointer;
    color: var(--link-color, #386fe5); font-size: 12px; font-weight: 600; line-height: 16px;
}
.cm-link-btn:hover { text-decoration: underline; }
.cm-link-btn:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 2px; border-radius: 2px; }
.cm-btn--quiet { background: transparent; color: rgba(${fg}, 0.72); padding: 0 8px; }
.cm-btn--quiet:hover:not(:disabled) { background: rgba(${fg}, 0.08); color: var(--center-channel-color, #3f4350); }
.cm-chip {
    display: inline-block; margin-right: 6px; padding: 0 6px; border-radius: 4px;
    background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.12); color: var(--button-bg, #1c58d9);
    font-size: 11px; font-weight: 600; line-height: 18px; vertical-align: 1px; white-space: nowrap;
}
.cm-input {
    box-sizing: border-box; width: 100%;
    padding: 6px 8px; border-radius: 4px;
    border: 1px solid rgba(${fg}, 0.24);
    background: var(--center-channel-bg, #fff); color: var(--center-channel-color, #3f4350);
    font: inherit; font-size: 14px; line-height: 20px;
}
.cm-input:focus { outline: none; border-color: var(--button-bg, #1c58d9); box-shadow: 0 0 0 1px var(--button-bg, #1c58d9); }
.cm-input::placeholder { color: rgba(${fg}, 0.48); }
.cm-input:disabled { opacity: 0.64; }

/* Tool fields: label beside value, the value wrapping at "/" in paths. */
.cm-fields { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 12px; margin: 8px 0 0; }
.cm-fields__row { display: contents; }
.cm-fields dt { padding-top: 2px; }
.cm-fields dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.cm-fields code {
    padding: 0; border: 0; background: none; color: inherit;
    font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace; font-size: 12px;
    overflow-wrap: anywhere; white-space: pre-wrap;
}
@container (max-width: 360px) {
    .cm-fields { grid-template-columns: minmax(0, 1fr); gap: 0; }
    .cm-fields dd { margin-bottom: 4px; }
}
.cm-approval { container-type: inline-size; }
.cm-block { display: block; margin-top: 8px; }
.cm-code--prose {
    margin-top: 4px; font-family: inherit; font-size: 13px; line-height: 19px; max-height: 16em;
}

/* Code and diffs: one row per line, numbers in a gutter that copying skips. */
.cm-diff, .cm-codeview { margin-top: 8px; min-width: 0; }
.cm-code-bar {
    display: flex; align-items: center; flex-wrap: wrap; gap: 4px 12px;
    padding: 6px 12px; border: 1px solid rgba(${fg}, 0.16); border-bottom: 0; border-radius: 4px 4px 0 0;
    background: rgba(${fg}, 0.04);
    font-size: 12px; line-height: 16px;
}
.cm-code-bar + .cm-code { margin-top: 0; border-top-left-radius: 0; border-top-right-radius: 0; }
.cm-code-bar__path {
    flex: 1 1 auto; min-width: 0; font-weight: 600; overflow-wrap: anywhere;
    font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace;
}
.cm-code-bar__meta { color: rgba(${fg}, 0.64); white-space: nowrap; }
.cm-diffstat { font-weight: 600; white-space: nowrap; font-variant-numeric: tabular-nums; }
.cm-diffstat__add { color: color-mix(in srgb, var(--online-indicator, #06d6a0) 70%, var(--center-channel-color, #3f4350)); }
.cm-diffstat__del { color: var(--error-text, #d24b4e); }
h4 .cm-diffstat { font-size: 12px; margin-left: 4px; }
.cm-applied__path {
    padding: 0 4px; border-radius: 4px; background: rgba(${fg}, 0.08); color: inherit;
    font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace; font-size: 13px; font-weight: 400;
    overflow-wrap: anywhere;
}
.cm-segmented { display: inline-flex; border: 1px solid rgba(${fg}, 0.24); border-radius: 4px; overflow: hidden; }
.cm-segmented__option {
    padding: 2px 10px; border: 0; background: transparent; color: rgba(${fg}, 0.72);
    font-size: 12px; font-weight: 600; line-height: 16px; cursor: pointer;
}
.cm-segmented__option + .cm-segmented__option { border-left: 1px solid rgba(${fg}, 0.24); }
.cm-segmented__option[aria-pressed='true'] { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.12); color: var(--button-bg, #1c58d9); }
.cm-segmented__option:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: -2px; }
.cm-code--lines {
    padding: 4px 0; max-height: none; white-space: normal;
    font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace; font-size: 12px; line-height: 18px;
    tab-size: 4;
}
.cm-code--expanded { max-height: 70vh; overflow: auto; }
.cm-code__chunk { content-visibility: auto; contain-intrinsic-size: auto 1800px; }
.cm-code-line { display: flex; min-height: 18px; }
.cm-code-line__no, .cm-code-line__sign, .cm-code-line__gap {
    flex: none; box-sizing: content-box; user-select: none; -webkit-user-select: none;
    color: rgba(${fg}, 0.48); text-align: right;
}
.cm-code-line__no { width: var(--cm-num, 4ch); padding: 0 8px 0 4px; font-variant-numeric: tabular-nums; }
.cm-code-line__sign { width: 1ch; padding: 0 6px 0 0; text-align: center; }
.cm-code-line__gap { width: calc(2 * var(--cm-num, 4ch) + 24px + 1ch); padding-right: 6px; text-align: center; }
.cm-code-line__text { flex: 1 1 0; min-width: 0; padding-right: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.cm-code--bare .cm-code-line__text { padding-left: 12px; }
.cm-code-line--add { background: color-mix(in srgb, var(--online-indicator, #06d6a0) 16%, transparent); }
.cm-code-line--add .cm-code-line__no, .cm-code-line--add .cm-code-line__sign { background: color-mix(in srgb, var(--online-indicator, #06d6a0) 12%, transparent); }
.cm-code-line--del { background: color-mix(in srgb, var(--error-text, #d24b4e) 13%, transparent); }
.cm-code-line--del .cm-code-line__no, .cm-code-line--del .cm-code-line__sign { background: color-mix(in srgb, var(--error-text, #d24b4e) 10%, transparent); }
.cm-code-line--add .cm-code-line__sign { color: color-mix(in srgb, var(--online-indicator, #06d6a0) 70%, var(--center-channel-color, #3f4350)); }
.cm-code-line--del .cm-code-line__sign { color: var(--error-text, #d24b4e); }
.cm-code-line--hunk { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.06); color: rgba(${fg}, 0.64); }
.cm-code-line--hunk:not(:first-child) { margin-top: 4px; }
.cm-code-line--file { padding: 4px 12px; font-weight: 600; border-bottom: 1px solid rgba(${fg}, 0.16); }
.cm-code-line--split .cm-code-line__text { flex: 1 1 0; }
.cm-split--empty { background: rgba(${fg}, 0.04); }
.cm-split--add { background: color-mix(in srgb, var(--online-indicator, #06d6a0) 16%, transparent); }
.cm-split--del { background: color-mix(in srgb, var(--error-text, #d24b4e) 13%, transparent); }
.cm-split--add.cm-code-line__sign { color: color-mix(in srgb, var(--online-indicator, #06d6a0) 70%, var(--center-channel-color, #3f4350)); }
.cm-split--del.cm-code-line__sign { color: var(--error-text, #d24b4e); }
.cm-diff--split .cm-code-line--split > .cm-code-line__text:nth-child(3) { border-right: 1px solid rgba(${fg}, 0.16); }
.cm-code-more { display: block; margin-top: 6px; }
.cm-code-line--split.cm-code-line--hunk .cm-code-line__gap { width: calc(var(--cm-num, 4ch) + 12px + 1ch); }
/* Narrow (the right-hand sidebar): code keeps its lines and indentation and the block
   scrolls sideways, as Mattermost's own code blocks do, instead of wrapping every line. */
.cm-diff, .cm-codeview { container-type: inline-size; }
@container (max-width: 560px) {
    .cm-code--lines { overflow-x: auto; }
    .cm-code__inner { width: max-content; min-width: 100%; }
    .cm-code--lines .cm-code-line__text { white-space: pre; overflow-wrap: normal; }
    .cm-code-line__no { padding: 0 6px 0 2px; }
}
.cm-code-note { font-size: 12px; }

/* Syntax colours: mid-tone hues mixed with the theme's text colour, so they darken on
   light themes and lighten on dark ones and stay readable on both. */
.cm-code .hljs-comment, .cm-code .hljs-quote { color: rgba(${fg}, 0.6); font-style: italic; }
.cm-code .hljs-keyword, .cm-code .hljs-selector-tag, .cm-code .hljs-doctag, .cm-code .hljs-meta .hljs-keyword {
    color: color-mix(in srgb, #d73a49 70%, var(--center-channel-color, #3f4350));
}
.cm-code .hljs-string, .cm-code .hljs-regexp, .cm-code .hljs-addition, .cm-code .hljs-meta .hljs-string {
    color: color-mix(in srgb, #22863a 70%, var(--center-channel-color, #3f4350));
}
.cm-code .hljs-number, .cm-code .hljs-literal, .cm-code .hljs-symbol, .cm-code .hljs-bullet, .cm-code .hljs-variable.constant_ {
    color: color-mix(in srgb, #005cc5 70%, var(--center-channel-color, #3f4350));
}
.cm-code .hljs-title, .cm-code .hljs-title.function_, .cm-code .hljs-section, .cm-code .hljs-selector-id, .cm-code .hljs-selector-class {
    color: color-mix(in srgb, #6f42c1 70%, var(--center-channel-color, #3f4350));
}
.cm-code .hljs-type, .cm-code .hljs-built_in, .cm-code .hljs-title.class_, .cm-code .hljs-attr, .cm-code .hljs-attribute, .cm-code .hljs-name, .cm-code .hljs-tag {
    color: color-mix(in srgb, #e36209 70%, var(--center-channel-color, #3f4350));
}
.cm-code .hljs-variable, .cm-code .hljs-template-variable, .cm-code .hljs-params, .cm-code .hljs-subst { color: inherit; }
.cm-code .hljs-meta { color: rgba(${fg}, 0.72); }
.cm-code .hljs-deletion { color: var(--error-text, #d24b4e); }
.cm-code .hljs-emphasis { font-style: italic; }
.cm-code .hljs-strong { font-weight: 700; }

/* Reason box (Deny with reason, Request changes). */
.cm-reason { margin-top: 12px; }
.cm-reason__label { display: block; margin-bottom: 4px; font-weight: 600; font-size: 12px; line-height: 16px; }
.cm-reason__box { resize: vertical; min-height: 56px; }
.cm-reason .cm-actions { margin-top: 8px; }

/* Plan */
.cm-plan { border-left-color: var(--button-bg, #1c58d9); }
.cm-plan.cm-approval--approved { border-left-color: var(--online-indicator, #06d6a0); }
.cm-plan.cm-approval--denied { border-left-color: var(--away-indicator, #ffbc1f); }
.cm-plan.cm-approval--expired { border-left-color: rgba(${fg}, 0.32); }
.cm-plan__body {
    margin-top: 8px; padding: 8px 12px; max-height: 32em; overflow: auto;
    border: 1px solid rgba(${fg}, 0.16); border-radius: 4px; background: rgba(${fg}, 0.02);
    overflow-wrap: anywhere;
}
.cm-plan__body:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 1px; }

/* Todo panel */
.cm-todo { border-left-color: var(--button-bg, #1c58d9); }
.cm-todo--done { border-left-color: var(--online-indicator, #06d6a0); }
.cm-todo__header { display: flex; align-items: center; justify-content: space-between; gap: 8px; }
.cm-todo__toggle {
    display: inline-flex; align-items: center; gap: 6px; margin: 0 0 0 -4px; padding: 2px 4px;
    border: 0; border-radius: 4px; background: none; color: inherit; cursor: pointer;
    font: inherit; font-weight: 600;
}
.cm-todo__toggle:hover { background: rgba(${fg}, 0.08); }
.cm-todo__toggle:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 0; }
.cm-chevron {
    display: inline-block; width: 6px; height: 6px; margin: 0 2px;
    border-right: 1.5px solid currentColor; border-bottom: 1.5px solid currentColor;
    transform: rotate(45deg) translate(-1px, -1px); transition: transform 0.12s;
}
[aria-expanded='false'] > .cm-chevron { transform: rotate(-45deg); }
.cm-todo__count { color: rgba(${fg}, 0.72); font-size: 12px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cm-todo__bar { margin-top: 6px; }
.cm-todo--done .cm-meter__fill { background: var(--online-indicator, #06d6a0); }
.cm-todo__list { list-style: none; margin: 8px 0 0; padding: 0; }
.cm-todo__item { display: flex; align-items: flex-start; gap: 8px; padding: 2px 4px; border-radius: 4px; }
.cm-todo__icon { flex: none; margin-top: 2px; color: rgba(${fg}, 0.48); }
.cm-todo__text { display: grid; min-width: 0; flex: 1; overflow-wrap: anywhere; }
.cm-todo__content, .cm-todo__active { grid-area: 1 / 1; }
.cm-todo__active { visibility: hidden; }
.cm-todo__item--in_progress { background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.08); }
.cm-todo__item--in_progress .cm-todo__icon { color: var(--button-bg, #1c58d9); }
.cm-todo__item--in_progress .cm-todo__text { font-weight: 600; }
.cm-todo__item--in_progress .cm-todo__active { visibility: visible; }
.cm-todo__item--in_progress .cm-todo__active ~ .cm-todo__content,
.cm-todo__item--in_progress .cm-todo__content:has(+ .cm-todo__active) { visibility: hidden; }
.cm-todo__item--completed .cm-todo__icon { color: var(--online-indicator, #06d6a0); }
.cm-todo__item--completed .cm-todo__content { text-decoration: line-through; color: rgba(${fg}, 0.56); }
.cm-todo__now { display: flex; align-items: center; gap: 8px; margin: 8px 0 0; min-width: 0; font-weight: 600; }
.cm-todo__now .cm-todo__icon { margin-top: 0; color: var(--button-bg, #1c58d9); }

/* Question */
.cm-question { border-left-color: var(--away-indicator, #ffbc1f); }
.cm-question--answered { border-left-color: var(--online-indicator, #06d6a0); }
.cm-question--expired { border-left-color: rgba(${fg}, 0.32); }
.cm-question__item { margin: 12px 0 0; padding: 0; border: 0; min-width: 0; }
.cm-question__legend { padding: 0; font-weight: 600; }
.cm-question__hint { margin: 2px 0 6px; }
.cm-options { display: flex; flex-direction: column; gap: 6px; }
.cm-option {
    display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: 8px; align-items: start;
    padding: 6px 10px; border: 1px solid rgba(${fg}, 0.2); border-radius: 4px;
    cursor: pointer;
}
.cm-option:hover { border-color: rgba(${fg}, 0.4); }
.cm-option--on { border-color: var(--button-bg, #1c58d9); background: rgba(var(--button-bg-rgb, 28, 88, 217), 0.08); }
.cm-option:has(.cm-option__input:focus-visible) { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 1px; }
input.cm-option__input { margin: 3px 0 0; accent-color: var(--button-bg, #1c58d9); cursor: pointer; }
.cm-option__input:focus-visible { outline: none; }
.cm-option__label { font-weight: 600; overflow-wrap: anywhere; }
.cm-option__desc { grid-column: 2; color: rgba(${fg}, 0.72); font-size: 13px; line-height: 18px; overflow-wrap: anywhere; }
.cm-option--other { cursor: default; grid-template-columns: minmax(0, 1fr); row-gap: 6px; }
.cm-option__other-label { display: grid; grid-template-columns: auto minmax(0, 1fr); column-gap: 8px; cursor: pointer; }
.cm-option__text { padding: 4px 8px; }
fieldset:disabled .cm-option { cursor: default; opacity: 0.72; }
.cm-question__answers { margin: 8px 0 0; }
.cm-question__answer { margin-top: 6px; }
.cm-question__answer dt { font-weight: 400; color: rgba(${fg}, 0.72); }
.cm-question__answer dd { margin: 2px 0 0; font-weight: 600; overflow-wrap: anywhere; }
.cm-question__expired-list { margin: 8px 0 0; padding-left: 20px; color: rgba(${fg}, 0.72); }

/* Tool output */
.cm-output { padding-top: 6px; padding-bottom: 6px; border-left-color: rgba(${fg}, 0.24); }
.cm-output--error { border-left-color: var(--error-text, #d24b4e); }
.cm-output__toggle {
    display: flex; align-items: center; gap: 6px; width: 100%; min-width: 0; margin: 0 -4px; padding: 2px 4px;
    border: 0; border-radius: 4px; background: none; color: inherit; cursor: pointer; text-align: left;
    font: inherit; font-size: 13px;
}
.cm-output__toggle:hover { background: rgba(${fg}, 0.06); }
.cm-output__toggle:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: 0; }
.cm-output__tool { font-weight: 600; flex: none; }
.cm-output__summary {
    min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
    padding: 0 4px; border-radius: 4px; background: rgba(${fg}, 0.08); color: inherit;
    font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace; font-size: 12px;
}
.cm-output__lines { flex: none; color: rgba(${fg}, 0.64); white-space: nowrap; }
.cm-output__failed {
    flex: none; padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: 600; line-height: 16px;
    background: rgba(210, 75, 78, 0.12); color: var(--error-text, #d24b4e);
}
.cm-output--error .cm-output__text { border-color: color-mix(in srgb, var(--error-text, #d24b4e) 40%, transparent); }
.cm-output__text { white-space: pre; overflow-wrap: normal; max-height: 24em; }
.cm-output__text--all { max-height: 60vh; }
.cm-output__more { margin-top: 6px; min-height: 0; }

/* Right-hand panel */
.cm-rhs {
    box-sizing: border-box; height: 100%; overflow-y: auto; padding: 8px 16px 24px;
    color: var(--center-channel-color, #3f4350); font-size: 14px; line-height: 20px;
}
.cm-rhs__failed { margin: 16px; color: var(--error-text, #d24b4e); }
.cm-rhs__section { margin-top: 12px; }
.cm-rhs__heading {
    display: flex; align-items: center; gap: 6px; margin: 0 0 6px;
    font-size: 12px; font-weight: 600; line-height: 16px; letter-spacing: 0.02em; text-transform: uppercase;
    color: rgba(${fg}, 0.64);
}
.cm-rhs__count {
    min-width: 16px; padding: 0 5px; border-radius: 8px; box-sizing: border-box; text-align: center;
    background: rgba(${fg}, 0.12); color: var(--center-channel-color, #3f4350); font-size: 11px; letter-spacing: 0;
}
.cm-rhs__list { list-style: none; margin: 0; padding: 0; }
.cm-rhs__item { border-top: 1px solid rgba(${fg}, 0.08); }
.cm-rhs__item:first-child { border-top: 0; }
.cm-rhs__empty { margin: 0; padding: 8px 0; color: rgba(${fg}, 0.64); font-size: 13px; line-height: 18px; }
.cm-rhs__empty code {
    padding: 0 4px; border-radius: 4px; background: rgba(${fg}, 0.08); color: inherit; font-size: 12px;
}
.cm-rhs__error {
    display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; margin: 0 0 6px; padding: 6px 8px; border-radius: 4px;
    background: rgba(210, 75, 78, 0.08); color: var(--error-text, #d24b4e); font-size: 12px; line-height: 16px;
}
.cm-rhs__line { display: flex; align-items: center; justify-content: space-between; gap: 8px; min-width: 0; }
.cm-rhs__when { flex: none; color: rgba(${fg}, 0.56); font-size: 12px; white-space: nowrap; }
.cm-rhs__pending { padding: 8px 0; }
.cm-rhs__summary { margin: 4px 0 0; overflow-wrap: anywhere; }
.cm-rhs__context { margin: 2px 0 0; }
.cm-rhs__summary--code { font-family: Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace; font-size: 12px; line-height: 18px; }
.cm-rhs__actions { margin-top: 6px; min-height: 28px; }
.cm-btn--small { height: 28px; padding: 0 12px; }
.cm-rhs__open { font-size: 12px; font-weight: 600; }
.cm-rhs__pending > .cm-rhs__open { display: inline-block; margin-top: 4px; }
.cm-rhs__session {
    display: flex; flex-direction: column; gap: 2px; margin: 0 -8px; padding: 8px;
    border-radius: 4px; color: inherit; text-decoration: none;
}
.cm-rhs__session--link:hover { background: rgba(${fg}, 0.06); text-decoration: none; color: inherit; }
.cm-rhs__session--link:focus-visible { outline: 2px solid var(--button-bg, #1c58d9); outline-offset: -2px; }
.cm-rhs__prompt {
    display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden;
    font-weight: 600; overflow-wrap: anywhere;
}
.cm-rhs__meta {
    min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
    color: rgba(${fg}, 0.64); font-size: 12px; line-height: 16px;
}
.cm-rhs__machine { display: flex; align-items: center; gap: 8px; padding: 8px 0; min-width: 0; }
.cm-rhs__machine-name { font-weight: 600; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cm-rhs__machine .cm-rhs__when { margin-left: auto; }
.cm-rhs__dot { flex: none; width: 8px; height: 8px; border-radius: 50%; }
.cm-rhs__dot--online { background: var(--online-indicator, #06d6a0); }
.cm-rhs__dot--offline { box-sizing: border-box; border: 1.5px solid rgba(${fg}, 0.48); }
.cm-pill--ended { color: rgba(${fg}, 0.72); }

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
.cm-session__prompt {
    margin: 8px 0 0; padding: 2px 0 2px 10px; border-left: 3px solid rgba(${fg}, 0.16);
    color: rgba(${fg}, 0.8); font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere;
    max-height: 8.5em; overflow: hidden;
}
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
