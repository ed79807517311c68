/** Error codes of the review API (public contract; see docs/review-api.md) with their HTTP status. */
export const REVIEW_ERRORS = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NOTHING_PENDING: 404,
  HELD_BY_OTHER: 409,
  NOT_CLAIMANT: 409,
  NOT_CLAIMED: 409,
  LEASE_EXPIRED: 409,
  ALREADY_DECIDED: 409,
  NOT_DECIDED: 409,
  CONFLICT: 409,
  TOO_MANY_CLAIMS: 409,
  INVALID_DECISION: 400,
  NOTE_REQUIRED: 400,
  INVALID_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
} as const;
export type ReviewErrorCode = keyof typeof REVIEW_ERRORS;

/** A refusal the caller can act on: carries a stable code and the HTTP status it maps to. */
export class ReviewError extends Error {
  readonly status: number;
  constructor(
    readonly code: ReviewErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReviewError';
    this.status = REVIEW_ERRORS[code];
  }
}
