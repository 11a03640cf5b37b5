import type {QuestionItem} from '../../types';

/** What a person picked for one question. `other` is the free text, used when `otherOn`. */
export interface Choice {
    picked: string[];
    otherOn: boolean;
    other: string;
}

export const noChoice: Choice = {picked: [], otherOn: false, other: ''};

/** Picks `label`: the only pick of a single-choice question, or toggled in a multi-select one. */
export function pick(question: QuestionItem, choice: Choice, label: string): Choice {
    if (!question.multiSelect) {
        return {...choice, picked: [label], otherOn: false};
    }
    const picked = choice.picked.includes(label) ? choice.picked.filter((l) => l !== label) : [...choice.picked, label];
    return {...choice, picked};
}

/** Turns "Other" on or off (a single-choice question drops its pick for it). */
export function pickOther(question: QuestionItem, choice: Choice, on: boolean): Choice {
    if (!question.multiSelect) {
        return on ? {...choice, picked: [], otherOn: true} : {...choice, otherOn: false};
    }
    return {...choice, otherOn: on};
}

/** Typing in "Other" chooses it. */
export function typeOther(question: QuestionItem, choice: Choice, text: string): Choice {
    return {...pickOther(question, choice, true), other: text};
}

/**
 * The answer the route takes for one question: the label, the picked labels in the
 * options' order joined with ", ", or the free text ("" while nothing is chosen).
 */
export function answerFor(question: QuestionItem, choice: Choice): string {
    const other = choice.otherOn ? choice.other.trim() : '';
    if (!question.multiSelect) {
        return other !== '' ? other : choice.otherOn ? '' : choice.picked[0] ?? '';
    }
    const labels = question.options.map((o) => o.label).filter((label) => choice.picked.includes(label));
    return [...labels, ...(other !== '' ? [other] : [])].join(', ');
}
