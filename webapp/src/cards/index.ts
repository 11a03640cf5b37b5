// Every card, by the post type it renders: index.tsx registers each one inside an error
// boundary (components/Boundary.tsx).
import type React from 'react';

import type {PostTypeProps} from '../components/ClaudePost';
import {PostTypes} from '../constants';
import type {PostType} from '../constants';

import ApprovalCard from './approval/ApprovalCard';
import AppliedDiffCard from './diff/AppliedDiffCard';
import GuestCard from './guest/GuestCard';
import ContextOfferCard from './offer/ContextOfferCard';
import ToolOutputCard from './output/ToolOutputCard';
import PlanCard from './plan/PlanCard';
import QuestionCard from './question/QuestionCard';
import SessionHeader from './session/SessionHeader';
import StreamingText from './text/StreamingText';
import TodoPanel from './todo/TodoPanel';

export const cards: Record<PostType, React.ComponentType<PostTypeProps>> = {
    [PostTypes.Session]: SessionHeader,
    [PostTypes.Approval]: ApprovalCard,
    [PostTypes.Text]: StreamingText,
    [PostTypes.Guest]: GuestCard,
    [PostTypes.ContextOffer]: ContextOfferCard,
    [PostTypes.Diff]: AppliedDiffCard,
    [PostTypes.Todo]: TodoPanel,
    [PostTypes.Plan]: PlanCard,
    [PostTypes.Question]: QuestionCard,
    [PostTypes.ToolOutput]: ToolOutputCard,
};
