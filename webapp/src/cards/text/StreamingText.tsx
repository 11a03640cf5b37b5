import React from 'react';
import {useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import Markdown from '../../components/Markdown';
import {readText} from '../../props';
import {getLiveText} from '../../store/selectors';
import type {HostState} from '../../store/selectors';

import {closeOpenFence} from './fence';

export function StreamingTextView({post}: PostTypeProps) {
    const live = useSelector((state: HostState) => getLiveText(state, post.id));
    const info = readText(post.props);

    // The post in the database lags the stream (written every few seconds); the
    // websocket text is the whole text so far, so the longer of the two is newer.
    const message = typeof post.message === 'string' ? post.message : '';
    const fromStream = live !== undefined && live.text.length >= message.length;
    const text = fromStream ? live.text : message;
    const done = info.done || live?.done === true;
    if (done && text === '') {
        return <PostMessage message=''/>;
    }

    return (
        <div
            className='cm-stream'
            aria-busy={!done}
        >
            {text !== '' && <Markdown text={done ? text : closeOpenFence(text)}/>}
            {!done && (
                <div
                    className='cm-typing'
                    role='status'
                >
                    <span
                        className='cm-typing__dots'
                        aria-hidden='true'
                    >
                        <span/>
                        <span/>
                        <span/>
                    </span>
                    <span className='cm-visually-hidden'>{'Claude is typing'}</span>
                </div>
            )}
        </div>
    );
}

const StreamingText = claudeOnly(StreamingTextView);
export default StreamingText;
