/** `h('AA AA AA 96 69')` → Buffer; spaces ignored. */
export function h(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}
