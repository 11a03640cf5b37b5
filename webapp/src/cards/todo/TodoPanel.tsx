import React, {useId} from 'react';
import {useDispatch, useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import type {TodoStatus} from '../../constants';
import {readTodo} from '../../props';
import {todoToggled} from '../../store/actions';
import {isTodoCollapsed} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {TodoItem} from '../../types';

/** Drawn, not typed: ○ ◐ ✓ are missing from many fonts and change the row's height. */
function StatusIcon({status}: {status: TodoStatus}) {
    return (
        <svg
            className='cm-todo__icon'
            viewBox='0 0 16 16'
            width='16'
            height='16'
            aria-hidden='true'
            focusable='false'
        >
            {status === 'completed' ? (
                <>
                    <circle
                        cx='8'
                        cy='8'
                        r='7'
                        fill='currentColor'
                    />
                    <path
                        d='M4.8 8.2l2.2 2.2 4.2-4.6'
                        fill='none'
                        stroke='var(--center-channel-bg, #fff)'
                        strokeWidth='1.8'
                        strokeLinecap='round'
                        strokeLinejoin='round'
                    />
                </>
            ) : (
                <>
                    <circle
                        cx='8'
                        cy='8'
                        r='6.25'
                        fill='none'
                        stroke='currentColor'
                        strokeWidth='1.5'
                    />
                    {status === 'in_progress' && (
                        <path
                            d='M8 1.75a6.25 6.25 0 0 1 0 12.5z'
                            fill='currentColor'
                        />
                    )}
                </>
            )}
        </svg>
    );
}

const spoken: Record<TodoStatus, string> = {pending: 'To do', in_progress: 'In progress', completed: 'Done'};

function Item({todo}: {todo: TodoItem}) {
    const active = todo.status === 'in_progress' && todo.activeForm !== '' && todo.activeForm !== todo.content;
    return (
        <li className={`cm-todo__item cm-todo__item--${todo.status}`}>
            <StatusIcon status={todo.status}/>
            <span className='cm-visually-hidden'>{`${spoken[todo.status]}: `}</span>
            {/* Both texts hold the row's place, only one shows: the row keeps its height when
                the item starts or finishes, so a live update never moves the thread. */}
            <span className='cm-todo__text'>
                <span
                    className='cm-todo__content'
                    aria-hidden={active || undefined}
                >
                    {todo.content}
                </span>
                {todo.activeForm !== '' && todo.activeForm !== todo.content && (
                    <span
                        className='cm-todo__active'
                        aria-hidden={!active || undefined}
                    >
                        {todo.activeForm}
                    </span>
                )}
            </span>
        </li>
    );
}

/**
 * `custom_claude_todo`: the session's task list, one post edited in place as Claude
 * works. Folding it is remembered per post in the plugin's store.
 */
export function TodoPanelView({post}: PostTypeProps) {
    const listId = useId();
    const dispatch = useDispatch();
    const collapsed = useSelector((state: HostState) => isTodoCollapsed(state, post.id));
    const todo = readTodo(post.props);
    if (!todo) {
        return <PostMessage message={post.message}/>;
    }
    const {done, total} = todo;
    const current = todo.todos.find((t) => t.status === 'in_progress');
    const percent = total > 0 ? Math.round((done / total) * 100) : 0;
    const finished = total > 0 && done === total;
    return (
        <section
            className={`cm-card cm-todo${finished ? ' cm-todo--done' : ''}`}
            aria-label='Tasks'
        >
            <div className='cm-todo__header'>
                <h4>
                    <button
                        type='button'
                        className='cm-todo__toggle'
                        aria-expanded={!collapsed}
                        aria-controls={listId}
                        onClick={() => dispatch(todoToggled(post.id, !collapsed))}
                    >
                        <span
                            className='cm-chevron'
                            aria-hidden='true'
                        />
                        {'Tasks'}
                    </button>
                </h4>
                <span className='cm-todo__count'>{total > 0 ? `${done} of ${total} done` : 'No tasks yet'}</span>
            </div>
            <span
                className='cm-meter cm-todo__bar'
                role='progressbar'
                aria-label='Tasks done'
                aria-valuemin={0}
                aria-valuemax={total}
                aria-valuenow={done}
                aria-valuetext={`${done} of ${total} done`}
            >
                <span
                    className='cm-meter__fill'
                    style={{width: `${percent}%`}}
                />
            </span>
            {collapsed && current && (
                <p className='cm-todo__now'>
                    <StatusIcon status='in_progress'/>
                    <span className='cm-ellipsis'>{current.activeForm || current.content}</span>
                </p>
            )}
            <ol
                id={listId}
                className='cm-todo__list'
                hidden={collapsed}
            >
                {todo.todos.map((item, i) => (
                    <Item
                        key={i}
                        todo={item}
                    />
                ))}
            </ol>
        </section>
    );
}

const TodoPanel = claudeOnly(TodoPanelView);
export default TodoPanel;
