import {screen} from '@testing-library/react';
import React from 'react';

import {PostTypes, PropKeys} from '../../constants';
import {makePost, renderWithStore, shownLines} from '../../test/fixtures';

import AppliedDiffCard from './AppliedDiffCard';

const DIFF = '--- a/src/auth.ts\n+++ b/src/auth.ts\n@@ -4,2 +4,3 @@\n keep\n-old\n+new\n+more\n';

function render(props: Record<string, unknown>) {
    return renderWithStore(<AppliedDiffCard post={makePost({type: PostTypes.Diff, message: '**Edited** `src/auth.ts` (+2 −1)', props: {[PropKeys.Diff]: props}})}/>);
}

describe('applied diff card', () => {
    it('says which file Claude edited, with +N −M, and shows the diff', () => {
        render({session_id: 's1', tool_use_id: 't1', file_path: 'src/auth.ts', diff: DIFF, language: 'ts', added: 2, removed: 1});

        expect(screen.getByRole('heading', {name: 'Edited src/auth.ts 2 lines added, 1 removed'})).toBeInTheDocument();
        expect(shownLines(screen.getByRole('region', {name: 'Changes to src/auth.ts'}))).toEqual(['⋯@@ -4,2 +4,3 @@', '44 keep', '5−old', '5+new', '6+more']);
    });

    it('says when the diff was cut short', () => {
        render({file_path: 'big.json', diff: DIFF, language: 'json', added: 2, removed: 1, truncated: true});

        expect(screen.getByText('The diff was too long and is cut short here.')).toBeInTheDocument();
    });

    it('falls back to the message without a diff', () => {
        render({file_path: 'x'});

        expect(screen.getByText('**Edited** `src/auth.ts` (+2 −1)')).toBeInTheDocument();
    });
});
