import type {QuestionItem} from '../../types';

import {answerFor, noChoice, pick, pickOther, typeOther} from './answers';

const single: QuestionItem = {question: 'Which auth?', header: 'Auth', multiSelect: false, options: [{label: 'JWT', description: ''}, {label: 'Sessions', description: ''}]};
const multi: QuestionItem = {...single, question: 'Which checks?', multiSelect: true, options: [{label: 'Lint', description: ''}, {label: 'Types', description: ''}, {label: 'Tests', description: ''}]};

describe('question answers', () => {
    it('has no answer before a choice', () => {
        expect(answerFor(single, noChoice)).toBe('');
        expect(answerFor(multi, noChoice)).toBe('');
    });

    it('answers a single-choice question with the last label picked', () => {
        expect(answerFor(single, pick(single, pick(single, noChoice, 'JWT'), 'Sessions'))).toBe('Sessions');
    });

    it('answers a multi-select question with the labels in the options\' order', () => {
        const choice = pick(multi, pick(multi, noChoice, 'Tests'), 'Lint');
        expect(answerFor(multi, choice)).toBe('Lint, Tests');
    });

    it('unpicks a label picked twice in a multi-select question', () => {
        expect(answerFor(multi, pick(multi, pick(multi, noChoice, 'Lint'), 'Lint'))).toBe('');
    });

    it('answers with the free text when Other is typed into, dropping a single pick', () => {
        expect(answerFor(single, typeOther(single, pick(single, noChoice, 'JWT'), '  OAuth via Keycloak '))).toBe('OAuth via Keycloak');
    });

    it('adds the free text after the labels of a multi-select question', () => {
        expect(answerFor(multi, typeOther(multi, pick(multi, noChoice, 'Types'), 'Bench'))).toBe('Types, Bench');
    });

    it('has no answer when Other is chosen but empty', () => {
        expect(answerFor(single, pickOther(single, pick(single, noChoice, 'JWT'), true))).toBe('');
    });

    it('forgets the free text when a single-choice label is picked after it', () => {
        expect(answerFor(single, pick(single, typeOther(single, noChoice, 'OAuth'), 'JWT'))).toBe('JWT');
    });
});
