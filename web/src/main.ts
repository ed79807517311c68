import { FLAG_CATEGORIES } from '../../shared/screening/types.js';
import { ApiError, api, downloadDocument } from './api.js';
import { DEV_USERS, currentUser, signIn, signOut, type User } from './auth.js';
import { byId, clear, h } from './dom.js';
import { formatAge, formatTime, humanize, sortQueue, type SortKey } from './format.js';
import { SHORTCUTS, shortcutFor, type Action } from './shortcuts.js';
import { renderDetail, type DetailHandlers } from './views/detail.js';
import {
  DECISIONS,
  REVIEW_STATUSES,
  isMine,
  type Decision,
  type ItemDetail,
  type QueueItem,
  type ReviewStatus,
} from './types.js';

/**
 * The reviewer console: one page, one state object, views re-rendered from it. Every API call
 * goes through `run()`, which turns failures into a sentence in the alert region.
 */

interface State {
  user: User | null;
  items: QueueItem[];
  /** Items the signed-in user holds (any filter). */
  mine: QueueItem[];
  sort: SortKey;
  filters: { status: ReviewStatus; category: string; minScore: number | null };
  selectedId: string | null;
  detail: ItemDetail | null;
  decision: Decision | null;
  busy: boolean;
}

const state: State = {
  user: null,
  items: [],
  mine: [],
  sort: 'score',
  filters: { status: 'PENDING', category: '', minScore: null },
  selectedId: null,
  detail: null,
  decision: null,
  busy: false,
};

const el = {
  session: byId('session', HTMLDivElement),
  status: byId('status', HTMLDivElement),
  alert: byId('alert', HTMLDivElement),
  main: byId('main', HTMLElement),
  loginView: byId('login-view', HTMLElement),
  loginForm: byId('login-form', HTMLFormElement),
  loginUsers: byId('login-users', HTMLDivElement),
  loginHeading: byId('login-h', HTMLHeadingElement),
  consoleView: byId('console-view', HTMLDivElement),
  stats: byId('stats', HTMLElement),
  statsBody: byId('stats-body', HTMLDivElement),
  filters: byId('filters', HTMLFormElement),
  category: byId('filter-category', HTMLSelectElement),
  statusFilter: byId('filter-status', HTMLSelectElement),
  minScore: byId('filter-min-score', HTMLInputElement),
  claimNext: byId('claim-next', HTMLButtonElement),
  mine: byId('mine', HTMLParagraphElement),
  caption: byId('queue-caption', HTMLTableCaptionElement),
  queueBody: byId('queue-body', HTMLTableSectionElement),
  sortScore: byId('sort-score', HTMLButtonElement),
  sortAge: byId('sort-age', HTMLButtonElement),
  thScore: byId('th-score', HTMLTableCellElement),
  thAge: byId('th-age', HTMLTableCellElement),
  detailHeading: byId('detail-h', HTMLHeadingElement),
  detailBody: byId('detail-body', HTMLDivElement),
  help: byId('help', HTMLDialogElement),
  helpBody: byId('help-body', HTMLTableSectionElement),
  shortcutHint: byId('shortcut-hint', HTMLParagraphElement),
};

// ---------------------------------------------------------------- messages

function announce(text: string): void {
  el.alert.replaceChildren();
  el.alert.classList.remove('visible');
  // Clearing first makes screen readers repeat an identical message.
  el.status.textContent = '';
  window.setTimeout(() => (el.status.textContent = text), 30);
}

function fail(text: string): void {
  el.status.textContent = '';
  clear(el.alert, h('strong', null, 'Error: '), text);
  el.alert.classList.add('visible');
}

const CLAIM_NEXT = 'claim the next item';

/** A sentence for the reviewer: what failed, why, and what to do about it. */
function explain(err: unknown, action: string, item: QueueItem | null): string {
  if (!(err instanceof ApiError))
    return `Could not ${action}: ${err instanceof Error ? err.message : String(err)}`;
  const ref = item ? item.ref : 'this item';
  switch (err.code) {
    case 'NETWORK':
      return err.message;
    case 'NOTE_REQUIRED':
      return 'A note is required: say why.';
    case 'INVALID_DECISION':
      return `Choose one of the decisions (1–5). ${err.message}`;
    case 'UNAUTHORIZED':
      return 'Your sign-in was not accepted (unknown or missing identity). Sign in again.';
    case 'FORBIDDEN':
      return `Not allowed (403): as ${state.user?.role ?? 'this user'} you cannot ${action}. ${err.message}`;
    case 'NOTHING_PENDING':
      return state.filters.category
        ? `Nothing is pending in category ${state.filters.category}.`
        : 'Nothing is pending: the queue is empty.';
    case 'HELD_BY_OTHER': {
      const who =
        item?.claimedBy && item.claimedBy !== state.user?.name ? item.claimedBy : 'another reviewer';
      return `Held by ${who} (409): ${ref} is not yours. Wait until they release it or their lease ends. (${err.message})`;
    }
    case 'NOT_CLAIMANT':
    case 'NOT_CLAIMED':
      return `You do not hold ${ref} (409): only the reviewer who claimed it can ${action}. Claim it first (c). (${err.message})`;
    case 'LEASE_EXPIRED':
      return `Your lease on ${ref} has expired (409): claim it again (c) before you ${action}.`;
    case 'ALREADY_DECIDED':
      return `${ref} has already been decided${item?.decision ? ` (${humanize(item.decision)})` : ''} (409); only a supervisor can reopen it.`;
  }
  switch (err.status) {
    case 401:
      return 'Your sign-in was not accepted (unknown or missing identity). Sign in again.';
    case 403:
      return `Not allowed (403): as ${state.user?.role ?? 'this user'} you cannot ${action}. ${err.message}`;
    case 404:
      if (action === CLAIM_NEXT)
        return explain(new ApiError(404, 'NOTHING_PENDING', err.message), action, item);
      return `${ref} was not found (404): it may have been removed. ${err.message}`;
    case 409:
      return `Conflict (409), could not ${action}: ${err.message}`;
    default:
      return `Could not ${action} (${err.status} ${err.code}): ${err.message}`;
  }
}

/**
 * Runs an API call; a failure becomes a message, never an uncaught promise. Changes (claim,
 * decide …) run one at a time so a double key press cannot send them twice; reads do not wait.
 */
async function run(
  action: string,
  fn: () => Promise<void>,
  opts: { exclusive?: boolean; onError?: (err: unknown) => Promise<void>; item?: QueueItem | null } = {},
): Promise<void> {
  const exclusive = opts.exclusive ?? true;
  if (exclusive && state.busy) return;
  if (exclusive) {
    state.busy = true;
    document.body.setAttribute('aria-busy', 'true');
  }
  try {
    await fn();
  } catch (err) {
    if (opts.onError) await opts.onError(err).catch(() => undefined);
    if (err instanceof ApiError && err.status === 401) {
      signOut();
      showLogin();
    }
    fail(explain(err, action, opts.item !== undefined ? opts.item : (state.detail?.item ?? null)));
  } finally {
    if (exclusive) {
      state.busy = false;
      document.body.removeAttribute('aria-busy');
    }
  }
}

// ---------------------------------------------------------------- login

function renderSession(): void {
  const user = state.user;
  if (!user) {
    el.session.replaceChildren();
    return;
  }
  clear(
    el.session,
    h('span', null, 'Signed in as ', h('strong', { id: 'whoami' }, user.name), ` (${user.role})`),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          signOut();
          state.user = null;
          showLogin();
          announce('Signed out.');
        },
      },
      'Sign out',
    ),
  );
}

function showLogin(): void {
  state.user = null;
  state.detail = null;
  state.selectedId = null;
  renderSession();
  el.consoleView.hidden = true;
  el.loginView.hidden = false;
  clear(
    el.loginUsers,
    DEV_USERS.map((u, i) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'user', value: u.name, checked: i === 0 }),
        ` ${u.name} `,
        h('span', { class: 'muted' }, `(${u.role})`),
      ),
    ),
  );
  el.loginHeading.focus();
}

el.loginForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const chosen = new FormData(el.loginForm).get('user');
  if (typeof chosen !== 'string') {
    fail('Choose a user to sign in.');
    return;
  }
  state.user = signIn(chosen);
  void showConsole();
});

async function showConsole(): Promise<void> {
  renderSession();
  el.loginView.hidden = true;
  el.consoleView.hidden = false;
  const canAct = state.user?.role === 'reviewer' || state.user?.role === 'supervisor';
  el.claimNext.hidden = !canAct;
  el.stats.hidden = !(state.user?.role === 'supervisor' || state.user?.role === 'ops');
  announce(`Signed in as ${state.user?.name ?? ''}.`);
  await refresh();
  const fromHash = idFromHash();
  if (fromHash) await openItem(fromHash, 'detail');
  else if (!focusRow()) el.main.focus();
}

// ---------------------------------------------------------------- queue

function visibleItems(): QueueItem[] {
  const min = state.filters.minScore;
  const filtered = min === null ? state.items : state.items.filter((i) => i.riskScore >= min);
  return sortQueue(filtered, state.sort);
}

function statusLabel(item: QueueItem): string {
  if (item.status === 'DECIDED' && item.decision) return `Decided: ${humanize(item.decision)}`;
  return humanize(item.status);
}

function renderQueue(): void {
  const items = visibleItems();
  const f = state.filters;
  const parts = [
    humanize(f.status),
    f.category ? `category ${f.category}` : '',
    f.minScore !== null ? `score ≥ ${f.minScore}` : '',
  ];
  el.caption.textContent = `${items.length} ${items.length === 1 ? 'item' : 'items'}: ${parts.filter(Boolean).join(', ')}; sorted by ${state.sort === 'score' ? 'score, then age' : 'age, then score'}`;
  el.thScore.setAttribute('aria-sort', state.sort === 'score' ? 'descending' : 'none');
  el.thAge.setAttribute('aria-sort', state.sort === 'age' ? 'descending' : 'none');
  if (items.length === 0) {
    clear(
      el.queueBody,
      h('tr', null, h('td', { colspan: 6, class: 'empty' }, 'No items match these filters.')),
    );
    return;
  }
  clear(
    el.queueBody,
    items.map((item) => {
      const mine = isMine(item, state.user?.name);
      return h(
        'tr',
        {
          'data-id': item.id,
          class: item.id === state.selectedId ? 'selected' : null,
          'aria-current': item.id === state.selectedId ? 'true' : null,
        },
        h(
          'th',
          { scope: 'row' },
          h('a', { href: `#/items/${encodeURIComponent(item.id)}`, class: 'ref' }, item.ref),
        ),
        h(
          'td',
          null,
          item.categories.map((c) => h('span', { class: 'tag' }, c)),
        ),
        h(
          'td',
          { class: 'num' },
          h('span', { class: `score ${scoreClass(item.riskScore)}` }, item.riskScore),
        ),
        h('td', { class: 'num' }, formatAge(item.age)),
        h('td', null, h('span', { class: `badge st-${item.status.toLowerCase()}` }, statusLabel(item))),
        h('td', null, item.claimedBy ? (mine ? `${item.claimedBy} (you)` : item.claimedBy) : '—'),
      );
    }),
  );
}

function scoreClass(score: number): string {
  return score >= 80 ? 'high' : score >= 50 ? 'mid' : 'low';
}

async function loadStats(): Promise<void> {
  if (el.stats.hidden) return;
  const s = await api.stats();
  const dl = (entries: Array<[string, string | number]>) =>
    h(
      'dl',
      { class: 'pairs' },
      entries.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    );
  clear(
    el.statsBody,
    h(
      'div',
      { class: 'stat-cards' },
      h(
        'div',
        { class: 'card' },
        h('p', { class: 'big', id: 'stat-depth' }, s.depth),
        h('p', null, 'pending (queue depth)'),
      ),
      h(
        'div',
        { class: 'card' },
        h('p', { class: 'big', id: 'stat-oldest' }, formatAge(s.oldestAgeSeconds)),
        h('p', null, 'oldest pending item'),
      ),
    ),
    h(
      'div',
      { class: 'stat-lists' },
      h(
        'div',
        null,
        h('h3', null, 'By status'),
        dl(Object.entries(s.byStatus).map(([k, v]) => [humanize(k), v])),
      ),
      h('div', null, h('h3', null, 'By category'), dl(Object.entries(s.byCategory))),
    ),
  );
}

/** Reloads the queue; `say` announces the result (after a refresh the user asked for). */
async function refresh(say = false): Promise<void> {
  await run(
    'load the queue',
    async () => {
      await loadQueue();
      if (say) announce(`Queue refreshed: ${visibleItems().length} items.`);
    },
    { exclusive: false },
  );
}

let queueLoads = 0;

/** The queue as filtered, the items the user holds, and (for supervisors and ops) the stats. */
async function loadQueue(): Promise<void> {
  const load = ++queueLoads;
  const canAct = state.user?.role === 'reviewer' || state.user?.role === 'supervisor';
  const [{ items }, held] = await Promise.all([
    api.list({ status: state.filters.status, category: state.filters.category || undefined }),
    canAct ? api.list({ status: 'IN_REVIEW' }) : Promise.resolve({ items: [] as QueueItem[] }),
  ]);
  // Responses can arrive out of order: a slow load for the filters of a moment ago must not
  // replace the list of the filters now chosen.
  if (load !== queueLoads) return;
  state.items = items;
  state.mine = held.items.filter((i) => isMine(i, state.user?.name));
  renderQueue();
  renderMine();
  await loadStats();
}

function renderMine(): void {
  el.mine.hidden = state.mine.length === 0;
  clear(
    el.mine,
    'You hold: ',
    state.mine.map((i, n) => [
      n > 0 ? ', ' : '',
      h('a', { href: `#/items/${encodeURIComponent(i.id)}` }, i.ref),
      i.leaseUntil ? h('span', { class: 'muted' }, ` (until ${formatTime(i.leaseUntil)})`) : null,
    ]),
  );
}

function readFilters(): void {
  const status = el.statusFilter.value;
  state.filters.status = (REVIEW_STATUSES as readonly string[]).includes(status)
    ? (status as ReviewStatus)
    : 'PENDING';
  state.filters.category = el.category.value;
  const min = el.minScore.value.trim() === '' ? null : Number(el.minScore.value);
  state.filters.minScore = min !== null && Number.isFinite(min) ? min : null;
}

el.filters.addEventListener('submit', (ev) => {
  ev.preventDefault();
  readFilters();
  void refresh(true);
});
el.category.addEventListener('change', () => el.filters.requestSubmit());
el.statusFilter.addEventListener('change', () => el.filters.requestSubmit());
// The score filter is applied here, without a round trip.
el.minScore.addEventListener('input', () => {
  readFilters();
  renderQueue();
});
el.sortScore.addEventListener('click', () => setSort('score'));
el.sortAge.addEventListener('click', () => setSort('age'));
el.claimNext.addEventListener('click', () => void claimNext());
// A plain click on a reference opens it here (even when it is already in the address bar);
// modified clicks keep the link's own behaviour (new tab, copy link).
el.queueBody.addEventListener('click', (ev) => {
  const link = ev.target instanceof Element ? ev.target.closest('a') : null;
  const id = link?.closest('tr')?.dataset.id;
  if (!link || !id || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  void openItem(id, 'detail');
});

function setSort(key: SortKey): void {
  state.sort = key;
  renderQueue();
  announce(`Sorted by ${key}.`);
}

function rowFor(id: string | null): HTMLTableRowElement | null {
  if (!id) return null;
  for (const row of Array.from(el.queueBody.rows)) if (row.dataset.id === id) return row;
  return null;
}

function focusRow(): boolean {
  const row = rowFor(state.selectedId) ?? el.queueBody.rows[0] ?? null;
  const link = row?.querySelector('a');
  if (!link) return false;
  link.focus();
  return true;
}

function move(delta: 1 | -1): void {
  const items = visibleItems();
  if (items.length === 0) return;
  const at = items.findIndex((i) => i.id === state.selectedId);
  const next =
    at < 0 ? (delta === 1 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + delta));
  const item = items[next];
  if (item) void openItem(item.id, 'row');
}

// ---------------------------------------------------------------- detail

function idFromHash(): string | null {
  const m = /^#\/items\/(.+)$/.exec(window.location.hash);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/** Opens an item; `focus` says where the keyboard goes next (the row for j/k, the detail otherwise). */
async function openItem(id: string, focus: 'row' | 'detail' | 'decision' | 'none'): Promise<void> {
  select(id);
  if (focus === 'row') focusRow();
  await run('open the item', () => showItem(id, focus), {
    exclusive: false,
    item: state.items.find((i) => i.id === id) ?? null,
  });
}

function select(id: string): void {
  state.selectedId = id;
  if (idFromHash() !== id) history.replaceState(null, '', `#/items/${encodeURIComponent(id)}`);
  renderQueue();
}

async function showItem(id: string, focus: 'row' | 'detail' | 'decision' | 'none'): Promise<void> {
  const detail = await api.get(id);
  if (state.selectedId !== id) return; // the reviewer moved on meanwhile
  if (state.detail?.item.id !== id) state.decision = null;
  state.detail = detail;
  drawDetail();
  if (focus === 'detail') el.detailHeading.focus();
  if (focus === 'decision') focusDecision();
}

async function reloadDetail(): Promise<void> {
  const id = state.detail?.item.id;
  if (!id) return;
  state.detail = await api.get(id);
  drawDetail();
}

const handlers: DetailHandlers = {
  claim: () => void claim(),
  release: () => void release(),
  choose: (d) => choose(d, false),
  decide: (note) => void decide(note),
  reassign: (to) => void reassign(to),
  reopen: (note) => void reopen(note),
  open: (id) => void openItem(id, 'detail'),
  download: (url, name) =>
    void run(
      'download the document',
      () => downloadDocument(url, name).then(() => announce(`Downloading ${name}.`)),
      {
        exclusive: false,
      },
    ),
};

function drawDetail(): void {
  const d = state.detail;
  if (!d || !state.user) return;
  // A re-render of the same item (after a refused action) keeps the note being written.
  const noteEl = el.detailBody.querySelector<HTMLTextAreaElement>('#decision-note');
  const keep = noteEl && el.detailBody.dataset.itemId === d.item.id ? noteEl.value : '';
  el.detailHeading.textContent = d.item.ref;
  renderDetail(el.detailBody, d, { user: state.user, decision: state.decision }, handlers);
  el.detailBody.dataset.itemId = d.item.id;
  const fresh = el.detailBody.querySelector<HTMLTextAreaElement>('#decision-note');
  if (fresh && keep) fresh.value = keep;
}

function focusDecision(): void {
  const radio =
    el.detailBody.querySelector<HTMLInputElement>('input[name="decision"]:checked') ??
    el.detailBody.querySelector<HTMLInputElement>('input[name="decision"]');
  radio?.focus();
}

/** Reloads the item after a conflict so the message and the view name the real holder. */
const reloadAfter = async (err: unknown): Promise<void> => {
  if (err instanceof ApiError && (err.status === 409 || err.status === 404)) await reloadDetail();
};

async function claim(): Promise<void> {
  const d = state.detail;
  if (!d) return;
  await run(
    'claim it',
    async () => {
      const item = await api.claim(d.item.id);
      await reloadDetail();
      announce(
        `Claimed ${item.ref}${item.leaseUntil ? ` until ${formatTime(item.leaseUntil)}` : ''}. Choose a decision (1–5).`,
      );
      focusDecision();
      await refreshQuietly();
    },
    { onError: reloadAfter },
  );
}

async function claimNext(): Promise<void> {
  await run(CLAIM_NEXT, async () => {
    const item = await api.claimNext(state.filters.category || undefined);
    announce(`Claimed ${item.ref}. Choose a decision (1–5).`);
    await refreshQuietly();
    select(item.id);
    await showItem(item.id, 'decision');
  });
}

async function release(): Promise<void> {
  const d = state.detail;
  if (!d) return;
  await run(
    'release it',
    async () => {
      const item = await api.release(d.item.id);
      state.decision = null;
      await reloadDetail();
      announce(`Released ${item.ref} back to the queue.`);
      await refreshQuietly();
    },
    { onError: reloadAfter },
  );
}

function choose(decision: Decision, focusNote: boolean): void {
  if (!isMine(state.detail?.item, state.user?.name)) {
    fail(
      state.detail
        ? `Claim ${state.detail.item.ref} first (c): only the reviewer holding an item can decide it.`
        : 'Open and claim an item first.',
    );
    return;
  }
  state.decision = decision;
  const radio = el.detailBody.querySelector<HTMLInputElement>(`input[name="decision"][value="${decision}"]`);
  if (radio) radio.checked = true;
  if (focusNote) el.detailBody.querySelector<HTMLTextAreaElement>('#decision-note')?.focus();
}

async function decide(note: string): Promise<void> {
  const d = state.detail;
  if (!d) return;
  const decision = state.decision;
  const noteEl = el.detailBody.querySelector<HTMLTextAreaElement>('#decision-note');
  if (!decision) {
    fail('Choose a decision first (keys 1–5).');
    focusDecision();
    return;
  }
  if (!note.trim()) {
    noteEl?.setAttribute('aria-invalid', 'true');
    fail('A note is required for every decision: say why.');
    noteEl?.focus();
    return;
  }
  await run(
    'decide it',
    async () => {
      const item = await api.decide(d.item.id, decision, note.trim());
      state.decision = null;
      await reloadDetail();
      announce(`Decided ${humanize(decision)} on ${item.ref}. Press j for the next item.`);
      el.detailHeading.focus();
      await refreshQuietly();
    },
    { onError: reloadAfter },
  );
}

async function reassign(to: string): Promise<void> {
  const d = state.detail;
  if (!d) return;
  if (!to.trim()) {
    fail('Name the reviewer to reassign to.');
    return;
  }
  await run(
    'reassign it',
    async () => {
      const item = await api.reassign(d.item.id, to.trim());
      await reloadDetail();
      announce(`Reassigned ${item.ref} to ${to.trim()}.`);
      await refreshQuietly();
    },
    { onError: reloadAfter },
  );
}

async function reopen(note: string): Promise<void> {
  const d = state.detail;
  if (!d) return;
  if (!note.trim()) {
    fail('A note is required to reopen a decided item.');
    return;
  }
  await run(
    'reopen it',
    async () => {
      const item = await api.reopen(d.item.id, note.trim());
      await reloadDetail();
      announce(`Reopened ${item.ref}: it is pending again.`);
      await refreshQuietly();
    },
    { onError: reloadAfter },
  );
}

/** Refreshes the queue and stats after an action, inside the action's own run(). */
const refreshQuietly = loadQueue;

// ---------------------------------------------------------------- keyboard

function isEditable(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  if (t instanceof HTMLInputElement)
    return !['radio', 'checkbox', 'button', 'submit', 'reset'].includes(t.type);
  return false;
}

function isActivatable(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLButtonElement ||
    t instanceof HTMLAnchorElement ||
    (t instanceof HTMLElement && t.tagName === 'SUMMARY')
  );
}

function perform(a: Action): void {
  switch (a.type) {
    case 'move':
      return move(a.delta);
    case 'open':
      if (state.selectedId) void openItem(state.selectedId, 'detail');
      return;
    case 'claim':
      if (state.detail) void claim();
      else fail('Open an item first (j/k).');
      return;
    case 'claimNext':
      if (!el.claimNext.hidden) void claimNext();
      return;
    case 'choose':
      return choose(a.decision, true);
    case 'confirm': {
      const note = el.detailBody.querySelector<HTMLTextAreaElement>('#decision-note');
      if (note && state.decision) void decide(note.value);
      return;
    }
    case 'release':
      if (state.detail) void release();
      return;
    case 'refresh':
      return el.filters.requestSubmit();
    case 'filter':
      return el.category.focus();
    case 'help':
      if (!el.help.open) el.help.showModal();
      return;
    case 'escape':
      if (document.activeElement instanceof HTMLElement && isEditable(document.activeElement)) {
        document.activeElement.blur();
        el.main.focus();
      }
      return;
  }
}

document.addEventListener('keydown', (ev) => {
  if (!state.user || el.consoleView.hidden || el.help.open || ev.defaultPrevented) return;
  const action = shortcutFor(ev, { editable: isEditable(ev.target), activatable: isActivatable(ev.target) });
  if (!action) return;
  ev.preventDefault();
  perform(action);
});

window.addEventListener('hashchange', () => {
  const id = idFromHash();
  if (id && state.user && id !== state.detail?.item.id) void openItem(id, 'detail');
});

// ---------------------------------------------------------------- start

function renderStatic(): void {
  for (const c of FLAG_CATEGORIES) el.category.append(h('option', { value: c }, c));
  for (const s of REVIEW_STATUSES)
    el.statusFilter.append(h('option', { value: s, selected: s === 'PENDING' }, humanize(s)));
  const kbd = (keys: string[]) => keys.map((k, i) => [i > 0 ? ' ' : '', h('kbd', null, k)]);
  clear(
    el.helpBody,
    SHORTCUTS.map((s) => h('tr', null, h('td', null, kbd(s.keys)), h('td', null, s.does))),
  );
  clear(
    el.shortcutHint,
    'Shortcuts: ',
    h('kbd', null, 'j'),
    '/',
    h('kbd', null, 'k'),
    ' move · ',
    h('kbd', null, 'c'),
    ' claim · ',
    h('kbd', null, '1'),
    '–',
    h('kbd', null, String(DECISIONS.length)),
    ' decision · ',
    h('kbd', null, 'Enter'),
    ' confirm · ',
    h('kbd', null, 'r'),
    ' release · ',
    h(
      'button',
      { type: 'button', class: 'link', onclick: () => el.help.showModal() },
      h('kbd', null, '?'),
      ' all shortcuts',
    ),
  );
}

renderStatic();
state.user = currentUser();
if (state.user) void showConsole();
else showLogin();
