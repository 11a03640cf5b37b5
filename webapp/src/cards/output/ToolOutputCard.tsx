import React, {useId, useState} from 'react';
import {useDispatch, useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {plural} from '../../components/format';
import {PostMessage} from '../../components/Boundary';
import {errorMessage} from '../../components/useRequest';
import {client} from '../../client';
import {readToolOutput} from '../../props';
import {outputToggled} from '../../store/actions';
import {isOutputExpanded} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {ToolOutputInfo} from '../../types';

type Full = {state: 'none'} | {state: 'loading'} | {state: 'loaded'; text: string} | {state: 'failed'; error: string};

function lineCount(info: ToolOutputInfo): string {
    return info.lines > 0 ? plural(info.lines, 'line') : 'no output';
}

/**
 * `custom_claude_tool_output`: what a tool printed, folded to one line
 * ("▸ Bash · npm test · 120 lines"). Open, it shows the first lines the post carries;
 * "Show all" fetches the rest from the plugin.
 */
export function ToolOutputCardView({post}: PostTypeProps) {
    const bodyId = useId();
    const dispatch = useDispatch();
    const expanded = useSelector((state: HostState) => isOutputExpanded(state, post.id));
    const [full, setFull] = useState<Full>({state: 'none'});
    const info = readToolOutput(post.props);
    if (!info) {
        return <PostMessage message={post.message}/>;
    }
    const tool = info.tool_name || 'Tool';

    const loadAll = async () => {
        setFull({state: 'loading'});
        try {
            setFull({state: 'loaded', text: await client.getToolOutput(info.session_id, info.tool_use_id)});
        } catch (err) {
            setFull({state: 'failed', error: errorMessage(err)});
        }
    };

    const text = full.state === 'loaded' ? full.text : info.preview;
    const more = info.truncated && full.state !== 'loaded';
    return (
        <section
            className={`cm-card cm-output${info.is_error ? ' cm-output--error' : ''}`}
            aria-label={`${tool} output`}
        >
            <button
                type='button'
                className='cm-output__toggle'
                aria-expanded={expanded}
                aria-controls={bodyId}
                onClick={() => dispatch(outputToggled(post.id, !expanded))}
            >
                <span
                    className='cm-chevron'
                    aria-hidden='true'
                />
                <span className='cm-output__tool'>{tool}</span>
                {info.summary && (
                    <>
                        <span className='cm-output__dot'>{'·'}</span>
                        <code
                            className='cm-output__summary'
                            title={info.summary}
                        >
                            {info.summary}
                        </code>
                    </>
                )}
                <span className='cm-output__dot'>{'·'}</span>
                <span className='cm-output__lines'>{lineCount(info)}</span>
                {info.is_error && <span className='cm-output__failed'>{'failed'}</span>}
            </button>
            <div
                id={bodyId}
                hidden={!expanded}
            >
                {expanded && (
                    <>
                        {text === '' ? <p className='cm-muted'>{'The tool printed nothing.'}</p> : (
                            <pre
                                className={`cm-code cm-output__text${full.state === 'loaded' ? ' cm-output__text--all' : ''}`}
                                role='region'
                                aria-label={`Output of ${info.summary || tool}`}
                                tabIndex={0}
                            >
                                {text}
                            </pre>
                        )}
                        {more && (
                            <div className='cm-actions cm-output__more'>
                                <button
                                    type='button'
                                    className='cm-link-btn'
                                    disabled={full.state === 'loading'}
                                    aria-busy={full.state === 'loading'}
                                    onClick={() => void loadAll()}
                                >
                                    {full.state === 'failed' ? 'Try again' : `Show all ${info.lines.toLocaleString('en-US')} lines`}
                                </button>
                                {full.state === 'loading' && <span className='cm-actions__note'>{'Loading…'}</span>}
                                {full.state === 'failed' && <p role='alert' className='cm-error'>{`Could not load the whole output: ${full.error}`}</p>}
                            </div>
                        )}
                    </>
                )}
            </div>
        </section>
    );
}

const ToolOutputCard = claudeOnly(ToolOutputCardView);
export default ToolOutputCard;
