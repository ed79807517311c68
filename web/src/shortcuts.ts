import { humanize } from './format.js';
import { DECISIONS, type Decision } from './types.js';

/** What a key press asks for; the console decides whether it applies to the current view. */
export type Action =
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'open' }
  | { type: 'claim' }
  | { type: 'claimNext' }
  | { type: 'choose'; decision: Decision }
  | { type: 'confirm' }
  | { type: 'release' }
  | { type: 'refresh' }
  | { type: 'filter' }
  | { type: 'help' }
  | { type: 'escape' };

/** The help table and the footer hint are built from this list, so they cannot drift apart. */
export const SHORTCUTS: ReadonlyArray<{ keys: string[]; does: string }> = [
  { keys: ['j', 'k'], does: 'Next / previous item in the queue' },
  { keys: ['o'], does: 'Open the selected item and move focus to it' },
  { keys: ['c'], does: 'Claim the open item' },
  { keys: ['n'], does: 'Claim the next pending item (in the chosen category)' },
  {
    keys: [`1–${DECISIONS.length}`],
    does: `Choose a decision: ${DECISIONS.map((d, i) => `${i + 1} ${humanize(d)}`).join(', ')}`,
  },
  { keys: ['Enter'], does: 'Confirm the decision (Shift+Enter: new line in the note)' },
  { keys: ['r'], does: 'Release the open item back to the queue' },
  { keys: ['u'], does: 'Refresh the queue' },
  { keys: ['/'], does: 'Go to the queue filters' },
  { keys: ['?'], does: 'Show this help' },
  { keys: ['Esc'], does: 'Close help, leave a text field' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Where the key was pressed: text fields keep their keys; buttons and links keep Enter. */
export interface TargetLike {
  editable: boolean;
  activatable: boolean;
}

export function shortcutFor(e: KeyLike, target: TargetLike): Action | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Escape') return { type: 'escape' };
  if (target.editable) return null;
  if (e.key === 'Enter') return target.activatable || e.shiftKey ? null : { type: 'confirm' };
  switch (e.key) {
    case 'j':
      return { type: 'move', delta: 1 };
    case 'k':
      return { type: 'move', delta: -1 };
    case 'o':
      return { type: 'open' };
    case 'c':
      return { type: 'claim' };
    case 'n':
      return { type: 'claimNext' };
    case 'r':
      return { type: 'release' };
    case 'u':
      return { type: 'refresh' };
    case '/':
      return { type: 'filter' };
    case '?':
      return { type: 'help' };
  }
  const n = Number.parseInt(e.key, 10);
  if (String(n) === e.key && n >= 1 && n <= DECISIONS.length) {
    return { type: 'choose', decision: DECISIONS[n - 1] as Decision };
  }
  return null;
}
