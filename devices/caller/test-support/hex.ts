/** `h('FF 68 02 02 68')` → Buffer; spaces ignored. */
export function h(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}
