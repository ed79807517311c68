import type { User } from '../auth.js';
import { DEV_USERS } from '../auth.js';
import { clear, h, type Child } from '../dom.js';
import { formatTime, humanize } from '../format.js';
import { planHighlights, type DisplayValue, type Segment } from '../highlight.js';
import {
  DECISIONS,
  isMine,
  type AuditEntry,
  type ConsignmentView,
  type Decision,
  type Flag,
  type ItemDetail,
} from '../types.js';

const RELATIONS: Record<string, string> = {
  'same-consignee': 'Same consignee',
  'same-master-awb': 'Same master AWB',
};

export interface DetailHandlers {
  claim(): void;
  release(): void;
  choose(decision: Decision): void;
  decide(note: string): void;
  reassign(to: string): void;
  reopen(note: string): void;
  open(id: string): void;
  download(url: string, fileName: string): void;
}

export interface DetailContext {
  user: User;
  decision: Decision | null;
}

/** One line of the consignment as shown: a label and one or more values that may carry evidence. */
interface Row {
  label: string;
  values: DisplayValue[];
  /** How several values join (a list of HS codes, the lines of an address). */
  join?: string;
}

function party(label: string, prefix: string, p: ConsignmentView['shipper']): Row[] {
  if (!p) return [{ label, values: [] }];
  const rows: Row[] = [{ label, values: [{ path: `${prefix}.name`, text: p.name }] }];
  const where = [
    p.address ? { path: `${prefix}.address`, text: p.address } : null,
    p.city ? { path: `${prefix}.city`, text: p.city } : null,
    p.postcode ? { path: `${prefix}.postcode`, text: p.postcode } : null,
    p.countryCode ? { path: `${prefix}.countryCode`, text: p.countryCode } : null,
  ].filter((v): v is DisplayValue => v !== null);
  if (where.length > 0) rows.push({ label: `${label} address`, values: where, join: ', ' });
  return rows;
}

function consignmentRows(c: ConsignmentView): Row[] {
  const one = (label: string, path: string, v: unknown): Row => ({
    label,
    values: v === null || v === undefined || v === '' ? [] : [{ path, text: String(v) }],
  });
  const pieces = c.totalPieces ? `${c.pieces ?? '?'} of ${c.totalPieces}` : c.pieces;
  return [
    one('Kind', 'kind', c.kind),
    one('Master AWB', 'awb', c.awb),
    one('House AWB', 'hawb', c.hawb),
    one('Parcel id', 'parcelId', c.parcelId),
    {
      label: 'Route',
      values: [c.origin, c.destination].map((v, i) => ({
        path: i ? 'destination' : 'origin',
        text: v ?? '?',
      })),
      join: ' → ',
    },
    one('Pieces', 'pieces', pieces),
    one('Weight (kg)', 'weightKg', c.weightKg),
    one('Description', 'description', c.description),
    { label: 'HS codes', values: (c.hsCodes ?? []).map((text) => ({ path: 'hsCodes', text })), join: ', ' },
    ...party('Shipper', 'shipper', c.shipper ?? null),
    ...party('Consignee', 'consignee', c.consignee ?? null),
    ...(c.notify ? party('Notify', 'notify', c.notify) : []),
    one(
      'Declared value',
      'declaredValue',
      c.declaredValue ? `${c.declaredValue.amount} ${c.declaredValue.currency}` : null,
    ),
    {
      label: 'Special handling',
      values: (c.specialHandling ?? []).map((text) => ({ path: 'specialHandling', text })),
      join: ', ',
    },
    one('Source', 'source', c.source ? `${c.source.file ?? 'document'}, line ${c.source.line}` : null),
  ];
}

/** Marked text for one value: each evidence run is a <mark> that names its flag for every reader. */
function marked(segments: Segment[], flags: Flag[]): Child[] {
  return segments.map((s) => {
    if (s.flags.length === 0) return s.text;
    const names = s.flags.map((i) => `flag ${i + 1}: ${flags[i]?.category ?? ''}`).join(', ');
    return [
      h(
        'mark',
        {
          class: 'evidence',
          'data-flags': s.flags.map((i) => i + 1).join(' '),
          title: `Evidence for ${names}`,
        },
        s.text,
      ),
      h('span', { class: 'visually-hidden' }, ` (evidence for ${names})`),
    ];
  });
}

function consignmentSection(d: ItemDetail): HTMLElement {
  const c = d.consignment;
  if (!c)
    return h(
      'section',
      { 'aria-labelledby': 'cons-h' },
      h('h3', { id: 'cons-h' }, 'Consignment'),
      h('p', null, 'The consignment record is not available.'),
    );
  const rows = consignmentRows(c);
  const values = rows.flatMap((r) => r.values);
  const plan = planHighlights(
    values,
    d.flags.map((f) => f.evidence),
  );
  let at = 0;
  return h(
    'section',
    { 'aria-labelledby': 'cons-h', id: 'consignment' },
    h('h3', { id: 'cons-h' }, 'Consignment'),
    h(
      'dl',
      { class: 'fields' },
      rows.map((r) => {
        const parts = r.values.map((v) => ({ path: v.path, segs: plan[at++] ?? [] }));
        const content: Child =
          parts.length === 0
            ? h('span', { class: 'muted' }, '—')
            : parts.map((p, i) => [
                i > 0 ? (r.join ?? ' ') : '',
                h('span', { 'data-field': p.path }, marked(p.segs, d.flags)),
              ]);
        return [h('dt', null, r.label), h('dd', null, content)];
      }),
    ),
  );
}

function flagsSection(flags: Flag[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'flags-h', id: 'flags' },
    h('h3', { id: 'flags-h' }, `Flags (${flags.length})`),
    flags.length === 0
      ? h('p', null, 'No flags.')
      : h(
          'ol',
          { class: 'flags' },
          flags.map((f) =>
            h(
              'li',
              null,
              h('span', { class: 'tag' }, f.category),
              ' ',
              h('span', { class: 'muted' }, `score ${f.score}`),
              h('br'),
              'Matched ',
              h('mark', { class: 'evidence' }, f.evidence.text),
              ' in ',
              h('code', null, f.evidence.field),
              h('span', { class: 'muted' }, ` · rule ${f.rule}`),
            ),
          ),
        ),
  );
}

function auditSection(audit: AuditEntry[]): HTMLElement {
  const details = (a: AuditEntry): Child[] => {
    const what: Child[] =
      a.action === 'DECIDE' && a.decision
        ? [h('strong', null, humanize(a.decision))]
        : a.action === 'REOPEN' && a.decision
          ? ['reopens ', h('strong', null, humanize(a.decision)), a.from ? ` by ${a.from}` : '']
          : a.action === 'REASSIGN'
            ? [`${a.from ?? 'nobody'} → ${a.to ?? '?'}`]
            : a.action === 'LEASE_EXPIRED' && a.from
              ? [`lease of ${a.from} ran out`]
              : [];
    return [what, a.note ? [what.length > 0 ? ': ' : '', h('q', null, a.note)] : null];
  };
  return h(
    'section',
    { 'aria-labelledby': 'audit-h', id: 'audit' },
    h('h3', { id: 'audit-h' }, 'Audit trail'),
    audit.length === 0
      ? h('p', null, 'No actions yet.')
      : h(
          'table',
          { class: 'audit' },
          h('caption', { class: 'visually-hidden' }, 'Audit trail, oldest first'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['When', 'Who', 'Action', 'Details'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            audit.map((a) =>
              h(
                'tr',
                null,
                h('td', null, h('time', { datetime: a.at }, formatTime(a.at))),
                h('td', null, a.actor),
                h('td', null, humanize(a.action)),
                h('td', null, details(a)),
              ),
            ),
          ),
        ),
  );
}

function documentSection(d: ItemDetail, handlers: DetailHandlers): HTMLElement {
  const doc = d.document;
  const name = doc?.fileName ?? doc?.documentId ?? 'document';
  return h(
    'section',
    { 'aria-labelledby': 'doc-h' },
    h('h3', { id: 'doc-h' }, 'Original document'),
    !doc
      ? h('p', null, 'Not available.')
      : doc.downloadUrl
        ? h(
            'p',
            null,
            h(
              'a',
              {
                id: 'document-link',
                href: doc.downloadUrl,
                download: name,
                onclick: (ev: Event) => {
                  ev.preventDefault();
                  handlers.download(doc.downloadUrl ?? '', name);
                },
              },
              `Download ${name}`,
            ),
            h('span', { class: 'muted' }, ` (document ${doc.documentId})`),
          )
        : h('p', null, `${name} (document ${doc.documentId}): no download link.`),
  );
}

function relatedSection(d: ItemDetail, handlers: DetailHandlers): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'related-h', id: 'related' },
    h('h3', { id: 'related-h' }, `Related consignments (${d.related.length})`),
    d.related.length === 0
      ? h('p', null, 'None with the same consignee or master AWB.')
      : h(
          'ul',
          { class: 'related' },
          d.related.map((r) =>
            h(
              'li',
              null,
              // Only consignments under review can be opened here; the others are named.
              r.status === null
                ? h('span', { class: 'ref' }, r.ref)
                : h(
                    'a',
                    {
                      href: `#/items/${encodeURIComponent(r.id)}`,
                      onclick: (ev: Event) => {
                        ev.preventDefault();
                        handlers.open(r.id);
                      },
                    },
                    r.ref,
                  ),
              ` · ${RELATIONS[r.relation] ?? humanize(r.relation)} · score ${r.riskScore}${r.status ? ` · ${humanize(String(r.status))}` : ''}`,
            ),
          ),
        ),
  );
}

function decisionForm(ctx: DetailContext, handlers: DetailHandlers): HTMLElement {
  const note = h('textarea', {
    id: 'decision-note',
    name: 'note',
    rows: 3,
    required: true,
    'aria-describedby': 'note-hint',
    onkeydown: (ev: Event) => {
      const k = ev as KeyboardEvent;
      if (k.key === 'Enter' && !k.shiftKey && !k.ctrlKey && !k.altKey && !k.metaKey) {
        k.preventDefault();
        handlers.decide(note.value);
      }
    },
    oninput: () => note.removeAttribute('aria-invalid'),
  });
  return h(
    'form',
    {
      id: 'decide-form',
      class: 'decide',
      novalidate: true,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        handlers.decide(note.value);
      },
    },
    h(
      'fieldset',
      null,
      h('legend', null, 'Decision'),
      h(
        'div',
        { class: 'choices decisions' },
        DECISIONS.map((d, i) =>
          h(
            'label',
            { class: 'choice' },
            h('input', {
              type: 'radio',
              name: 'decision',
              value: d,
              checked: ctx.decision === d,
              'aria-keyshortcuts': String(i + 1),
              onchange: () => handlers.choose(d),
            }),
            ' ',
            h('kbd', null, String(i + 1)),
            ` ${humanize(d)}`,
          ),
        ),
      ),
    ),
    h('label', { for: 'decision-note' }, 'Note (required)'),
    note,
    h('p', { id: 'note-hint', class: 'hint' }, 'Say why. Enter confirms; Shift+Enter adds a line.'),
    h(
      'button',
      { type: 'submit', class: 'primary', 'aria-keyshortcuts': 'Enter' },
      'Confirm decision ',
      h('kbd', null, 'Enter'),
    ),
  );
}

function supervisorTools(d: ItemDetail, handlers: DetailHandlers): HTMLElement {
  const decided = d.item.status === 'DECIDED';
  const input = h('input', {
    id: decided ? 'reopen-note' : 'reassign-to',
    type: 'text',
    list: decided ? null : 'known-users',
    autocomplete: 'off',
  });
  return h(
    'form',
    {
      class: 'supervisor-tools',
      novalidate: true,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        if (decided) handlers.reopen(input.value);
        else handlers.reassign(input.value);
      },
    },
    h('h3', null, 'Supervisor'),
    h('label', { for: input.id }, decided ? 'Reopen with a note' : 'Reassign to'),
    input,
    decided
      ? null
      : h(
          'datalist',
          { id: 'known-users' },
          DEV_USERS.filter((u) => u.role !== 'ops').map((u) => h('option', { value: u.name })),
        ),
    h('button', { type: 'submit' }, decided ? 'Reopen' : 'Reassign'),
  );
}

export function renderDetail(
  container: HTMLElement,
  d: ItemDetail,
  ctx: DetailContext,
  handlers: DetailHandlers,
): void {
  const { item } = d;
  const me = ctx.user.name;
  const canAct = ctx.user.role === 'reviewer' || ctx.user.role === 'supervisor';
  const held = item.status === 'IN_REVIEW';
  const mine = held && isMine(item, me);
  const lease = item.leaseUntil ? ` until ${formatTime(item.leaseUntil)}` : '';

  const ownership: Child = !held
    ? null
    : mine
      ? h(
          'p',
          { class: 'notice mine', id: 'ownership' },
          `You hold this item${lease}. Choose a decision and write a note.`,
        )
      : h(
          'p',
          { class: 'notice held', id: 'ownership' },
          h('strong', null, 'Not yours: '),
          `held by ${item.claimedBy ?? 'another reviewer'}${lease}. You can claim it when they release it or the lease ends.`,
        );

  const actions = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Item actions' },
    canAct && item.status !== 'DECIDED' && !mine
      ? h(
          'button',
          {
            type: 'button',
            id: 'claim',
            class: 'primary',
            'aria-keyshortcuts': 'c',
            onclick: () => handlers.claim(),
          },
          'Claim ',
          h('kbd', null, 'c'),
        )
      : null,
    held && (mine || ctx.user.role === 'supervisor')
      ? h(
          'button',
          { type: 'button', id: 'release', 'aria-keyshortcuts': 'r', onclick: () => handlers.release() },
          'Release ',
          h('kbd', null, 'r'),
        )
      : null,
    !canAct
      ? h('span', { class: 'muted' }, `As ${ctx.user.role} you can view items, not act on them.`)
      : null,
  );

  clear(
    container,
    h(
      'dl',
      { class: 'summary' },
      h('dt', null, 'Status'),
      h(
        'dd',
        { id: 'item-status' },
        h('span', { class: `badge st-${item.status.toLowerCase()}` }, humanize(item.status)),
      ),
      h('dt', null, 'Risk score'),
      h('dd', null, item.riskScore),
      h('dt', null, 'Categories'),
      h(
        'dd',
        null,
        item.categories.map((c) => h('span', { class: 'tag' }, c)),
      ),
      h('dt', null, 'Claimed by'),
      h('dd', null, item.claimedBy ? `${item.claimedBy}${item.claimedBy === me ? ' (you)' : ''}` : '—'),
      item.decision
        ? [h('dt', null, 'Decision'), h('dd', { id: 'item-decision' }, humanize(item.decision))]
        : null,
      item.decidedBy
        ? [
            h('dt', null, 'Decided by'),
            h('dd', null, `${item.decidedBy}${item.decidedAt ? `, ${formatTime(item.decidedAt)}` : ''}`),
          ]
        : null,
    ),
    ownership,
    actions,
    mine ? decisionForm(ctx, handlers) : null,
    ctx.user.role === 'supervisor' ? supervisorTools(d, handlers) : null,
    flagsSection(d.flags),
    consignmentSection(d),
    documentSection(d, handlers),
    relatedSection(d, handlers),
    auditSection(d.audit),
  );
}
