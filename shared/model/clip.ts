/**
 * `text` cut to at most `max` characters, the last an ellipsis when it was cut: issue messages
 * and screening evidence quote the sender's text, which has no bound of its own.
 */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
