import type { Decision, Instruction, InstructionEvent, ReviewItem } from './types.js';

/** EventBridge envelope of decision events (the bus rule patterns match on these). */
export const EVENT_SOURCE = 'manifest-intake.review';
export const EVENT_DETAIL_TYPE = 'Consignment Instruction';

/** The consignment identifiers a filer knows (from the stored consignment). */
export interface ConsignmentIds {
  awb: string | null;
  hawb: string | null;
  parcelId: string | null;
}

/**
 * Decision → filer instruction, after PACT's asynchronous outcomes: assessment complete
 * (cleared), do not load, request for information, and hold. A referral keeps the cargo on hold
 * without telling the filer who looks at it next.
 */
export const INSTRUCTION_OF: Record<Decision, Instruction> = {
  CLEAR: 'CLEARED',
  HOLD: 'HOLD',
  DO_NOT_LOAD: 'DO_NOT_LOAD',
  REQUEST_INFO: 'REQUEST_FOR_INFORMATION',
  REFER: 'HOLD',
};

const MESSAGES: Record<Exclude<Instruction, 'REQUEST_FOR_INFORMATION'>, string> = {
  CLEARED: 'Assessment complete: no further action required.',
  HOLD: 'Hold in place: do not load until further notice.',
  DO_NOT_LOAD: 'Do not load: this consignment must not be transported.',
};

/**
 * Builds the event for a decision. Only the RFI carries the reviewer's note (it is the question
 * to the filer); other notes stay internal, as do categories, rules, scores and reviewer names.
 */
export function instructionEvent(input: {
  item: Pick<ReviewItem, 'id' | 'documentId' | 'carrierId' | 'ref'>;
  decision: Decision;
  note: string;
  at: string;
  version: number;
  consignment: ConsignmentIds;
  previousDecision?: Decision;
}): InstructionEvent {
  const instruction = INSTRUCTION_OF[input.decision];
  const supersedes = input.previousDecision ? INSTRUCTION_OF[input.previousDecision] : undefined;
  return {
    eventId: `${input.item.id}:v${input.version}`,
    instruction,
    state: 'ISSUED',
    issuedAt: input.at,
    ...(supersedes ? { supersedes } : {}),
    consignment: {
      id: input.item.id,
      documentId: input.item.documentId,
      carrierId: input.item.carrierId,
      ref: input.item.ref,
      awb: input.consignment.awb,
      hawb: input.consignment.hawb,
      parcelId: input.consignment.parcelId,
    },
    message:
      instruction === 'REQUEST_FOR_INFORMATION'
        ? `Request for information: ${input.note}`
        : MESSAGES[instruction],
  };
}
