import React, {useId, useState} from 'react';
import {useDispatch, useSelector} from 'react-redux';

import {claudeOnly} from '../../components/ClaudePost';
import type {PostTypeProps} from '../../components/ClaudePost';
import {PostMessage} from '../../components/Boundary';
import {resolvedText} from '../approval/DecisionLine';
import {formatClock, formatFull} from '../../components/time';
import {useRequest} from '../../components/useRequest';
import {client, PluginClientError} from '../../client';
import {readQuestion} from '../../props';
import {questionUpdated} from '../../store/actions';
import {getAnsweredQuestion, getCurrentUsername, getDisplayUsername, prefersMilitaryTime} from '../../store/selectors';
import type {HostState} from '../../store/selectors';
import type {QuestionInfo, QuestionItem} from '../../types';

import {answerFor, noChoice, pick, pickOther, typeOther} from './answers';
import type {Choice} from './answers';

interface ItemProps {
    question: QuestionItem;
    choice: Choice;
    disabled: boolean;
    onChange: (choice: Choice) => void;
}

/**
 * One question: its options as toggle buttons (real radio buttons for a single
 * choice, checkboxes for multi-select, so arrow keys, Space and screen readers work
 * as usual), then "Other" with a text box.
 */
function QuestionField({question, choice, disabled, onChange}: ItemProps) {
    const name = useId();
    const type = question.multiSelect ? 'checkbox' : 'radio';
    return (
        <fieldset
            className='cm-question__item'
            disabled={disabled}
        >
            <legend className='cm-question__legend'>
                {question.header && <span className='cm-chip'>{question.header}</span>}
                <span className='cm-question__text'>{question.question}</span>
            </legend>
            <p className='cm-label cm-question__hint'>{question.multiSelect ? 'Choose any' : 'Choose one'}</p>
            <div className='cm-options'>
                {question.options.map((option, i) => {
                    const checked = choice.picked.includes(option.label);
                    const descId = `${name}-d${i}`;
                    const labelId = `${name}-l${i}`;
                    return (
                        <label
                            key={option.label}
                            className={`cm-option${checked ? ' cm-option--on' : ''}`}
                        >
                            <input
                                type={type}
                                name={name}
                                className='cm-option__input'
                                checked={checked}
                                aria-labelledby={labelId} // the label alone; the description describes it
                                aria-describedby={option.description ? descId : undefined}
                                onChange={() => onChange(pick(question, choice, option.label))}
                            />
                            <span
                                id={labelId}
                                className='cm-option__label'
                            >
                                {option.label}
                            </span>
                            {option.description && (
                                <span
                                    id={descId}
                                    className='cm-option__desc'
                                >
                                    {option.description}
                                </span>
                            )}
                        </label>
                    );
                })}
                <div className={`cm-option cm-option--other${choice.otherOn ? ' cm-option--on' : ''}`}>
                    <label className='cm-option__other-label'>
                        <input
                            type={type}
                            name={name}
                            className='cm-option__input'
                            checked={choice.otherOn}
                            onChange={() => onChange(pickOther(question, choice, !choice.otherOn || !question.multiSelect))}
                        />
                        <span className='cm-option__label'>{'Other'}</span>
                    </label>
                    <input
                        type='text'
                        className='cm-input cm-option__text'
                        aria-label={`Other answer to: ${question.question}`}
                        placeholder='Type your own answer'
                        value={choice.other}
                        onChange={(e) => onChange(typeOther(question, choice, e.target.value))}
                    />
                </div>
            </div>
        </fieldset>
    );
}

function AnswerForm({info}: {info: QuestionInfo}) {
    const dispatch = useDispatch();
    const viewerName = useSelector(getCurrentUsername);
    const [choices, setChoices] = useState<Choice[]>(() => info.questions.map(() => noChoice));
    const {pending, error, run} = useRequest<'answer'>();
    const answers = Object.fromEntries(info.questions.map((q, i) => [q.question, answerFor(q, choices[i] ?? noChoice)]));
    const complete = Object.values(answers).every((a) => a !== '');

    const submit = () => run('answer', async () => {
        const recorded = await client.answerQuestion(info.session_id, info.request_id, answers);
        // The route may answer without the record; what was answered is known anyway.
        dispatch(questionUpdated(recorded ?? {...info, status: 'answered', answers, answered_by: viewerName, answered_at: Date.now()}));
    }, (err) => {
        if (err instanceof PluginClientError && err.question) {
            // Someone answered first: show theirs instead of the form.
            dispatch(questionUpdated(err.question));
        }
    });

    return (
        <form
            className='cm-question__form'
            onSubmit={(e) => {
                e.preventDefault();
                if (complete) {
                    void submit();
                }
            }}
        >
            {info.questions.map((question, i) => (
                <QuestionField
                    key={question.question}
                    question={question}
                    choice={choices[i] ?? noChoice}
                    disabled={pending !== null}
                    onChange={(choice) => setChoices((all) => all.map((c, k) => (k === i ? choice : c)))}
                />
            ))}
            <div className='cm-actions'>
                <button
                    type='submit'
                    className='cm-btn cm-btn--primary'
                    disabled={pending !== null || !complete}
                    aria-busy={pending !== null}
                >
                    {'Submit'}
                </button>
                <span className='cm-actions__note'>
                    {pending ? 'Sending…' : complete ? '' : info.questions.length > 1 ? 'Answer every question to submit.' : 'Choose an answer to submit.'}
                </span>
                {error && <p role='alert' className='cm-error'>{error}</p>}
            </div>
        </form>
    );
}

function Answered({info}: {info: QuestionInfo}) {
    const who = useSelector((state: HostState) => getDisplayUsername(state, info.answered_by));
    const military = useSelector(prefersMilitaryTime);
    const line = [who ? `Answered by @${who}` : 'Answered', info.answered_at > 0 ? formatClock(info.answered_at, military) : ''].filter(Boolean).join(' · ');
    return (
        <>
            <dl className='cm-question__answers'>
                {info.questions.map((question) => (
                    <div
                        key={question.question}
                        className='cm-question__answer'
                    >
                        <dt>
                            {question.header && <span className='cm-chip'>{question.header}</span>}
                            <span className='cm-question__text'>{question.question}</span>
                        </dt>
                        <dd>{info.answers[question.question] || '—'}</dd>
                    </div>
                ))}
            </dl>
            <div className='cm-decision cm-decision--done'>
                <span
                    aria-hidden='true'
                    className='cm-decision__icon'
                >
                    {'✓'}
                </span>
                <span title={info.answered_at > 0 ? formatFull(info.answered_at) : undefined}>{line}</span>
            </div>
        </>
    );
}

/**
 * `custom_claude_question`: Claude asks (AskUserQuestion). Participants pick options
 * or write their own answer; the first answer wins and the card then shows it.
 */
export function QuestionCardView({post}: PostTypeProps) {
    const titleId = useId();
    const fromPost = readQuestion(post.props);
    const answered = useSelector((state: HostState) => (fromPost ? getAnsweredQuestion(state, fromPost.session_id, fromPost.request_id) : undefined));
    if (!fromPost || fromPost.questions.length === 0) {
        return <PostMessage message={post.message}/>;
    }
    // An answer given in this tab shows at once; the questions stay as posted.
    const info: QuestionInfo = fromPost.status === 'pending' && answered ? {
        ...fromPost, status: answered.status, answers: answered.answers, answered_by: answered.answered_by, answered_at: answered.answered_at,
    } : fromPost;
    const count = info.questions.length;
    return (
        <section
            className={`cm-card cm-question cm-question--${info.status}`}
            aria-labelledby={titleId}
        >
            <header className='cm-approval__header'>
                <span className='cm-approval__tool'>{'Question'}</span>
                <h4
                    id={titleId}
                    className='cm-approval__title'
                >
                    {count === 1 ? 'Claude has a question' : `Claude has ${count} questions`}
                </h4>
            </header>
            {info.status === 'pending' && <AnswerForm info={info}/>}
            {info.status === 'answered' && <Answered info={info}/>}
            {info.status === 'resolved' && (
                <div className='cm-approval__decision cm-approval__decision--resolved'>
                    <span>{resolvedText(info.resolution ?? '')}</span>
                </div>
            )}
            {info.status === 'expired' && (
                <>
                    <ul className='cm-question__expired-list'>
                        {info.questions.map((question) => <li key={question.question}>{question.question}</li>)}
                    </ul>
                    <div className='cm-approval__decision cm-approval__decision--expired'>
                        <span>{'Expired — nobody answered in time, so Claude went on without an answer'}</span>
                    </div>
                </>
            )}
        </section>
    );
}

const QuestionCard = claudeOnly(QuestionCardView);
export default QuestionCard;
